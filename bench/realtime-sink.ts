// A sink that consumes audio at real-time speed like a sound card, and counts underruns.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AudioSink } from '../src/audio/sink.js';

export class RealTimeSink implements AudioSink {
  underruns = 0;
  underrunMs = 0;
  private readonly bytesPerMs: number;
  private readonly deviceBufferMs: number;
  private readonly prebufferMs: number;
  private prebuffered = 0;
  private playEnd = 0;
  private started = false;

  /** Same start-up buffering as SpeakerSink (150 ms); a device buffer of 200 ms. */
  constructor(sampleRate: number, options: { deviceBufferMs?: number; prebufferMs?: number } = {}) {
    this.bytesPerMs = (sampleRate * 2) / 1000;
    this.deviceBufferMs = options.deviceBufferMs ?? 200;
    this.prebufferMs = options.prebufferMs ?? 150;
  }

  async write(pcm: Buffer): Promise<void> {
    const now = performance.now();
    const ms = pcm.length / this.bytesPerMs;
    if (!this.started) {
      this.prebuffered += ms;
      if (this.prebuffered < this.prebufferMs) return;
      this.started = true;
      this.playEnd = now + this.prebuffered;
      return;
    }
    if (now > this.playEnd + 1) {
      this.underruns++;
      this.underrunMs += now - this.playEnd;
      this.playEnd = now;
    }
    this.playEnd += ms;
    const wait = this.playEnd - this.deviceBufferMs - performance.now();
    if (wait > 0) await sleep(wait);
  }

  async end(): Promise<void> {
    const wait = this.playEnd - performance.now();
    if (wait > 0) await sleep(wait);
  }

  /** Like a device closed without draining: what is buffered is dropped, silence from now on. */
  async interrupt(): Promise<void> {
    this.playEnd = performance.now();
    this.started = false;
    this.prebuffered = 0;
  }

  /** When the device will have played everything it was given (performance.now() time). */
  get silentFrom(): number {
    return this.playEnd;
  }

  async abort(): Promise<void> {}
}
