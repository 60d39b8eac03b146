// A sink that consumes audio at real-time speed like a sound card, with SpeakerSink's start-up
// buffering and the library's PlaybackClock counting underruns.
import { setTimeout as sleep } from 'node:timers/promises';
import { PlaybackClock } from '../src/audio/playback-clock.js';
import type { AudioSink } from '../src/audio/sink.js';

export class RealTimeSink implements AudioSink {
  readonly clock: PlaybackClock;
  private readonly prebufferBytes: number;
  private readonly deviceBufferMs: number;
  private pendingBytes = 0;

  /** 150 ms gathered before the device starts, as SpeakerSink does; a device buffer of 200 ms. */
  constructor(sampleRate: number, options: { deviceBufferMs?: number; prebufferMs?: number } = {}) {
    this.clock = new PlaybackClock(sampleRate);
    this.prebufferBytes = (sampleRate * 2 * (options.prebufferMs ?? 150)) / 1000;
    this.deviceBufferMs = options.deviceBufferMs ?? 200;
  }

  async write(pcm: Buffer): Promise<void> {
    if (this.pendingBytes < this.prebufferBytes) {
      this.pendingBytes += pcm.length;
      if (this.pendingBytes >= this.prebufferBytes) this.clock.fed(this.pendingBytes);
      return;
    }
    this.clock.fed(pcm.length);
    // A device whose buffer is full blocks the write until there is room.
    const wait = this.clock.bufferedMs() - this.deviceBufferMs;
    if (wait > 0) await sleep(wait);
  }

  async end(): Promise<void> {
    const wait = this.clock.bufferedMs();
    if (wait > 0) await sleep(wait);
  }

  /** Like a device closed without draining: silence from now on. */
  async interrupt(): Promise<void> {
    this.clock.stop();
    this.pendingBytes = 0;
  }

  async abort(): Promise<void> {}
}
