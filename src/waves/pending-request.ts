// One request's delivery state: whole samples only, and after a drop, the replayed bytes skipped so
// no audio reaches a consumer twice.
import type { Settings } from '../settings.js';
import { SpeechStream } from './speech-stream.js';

export class PendingRequest {
  readonly stream: SpeechStream;
  readonly settings: Settings;
  /** A keepalive: its audio, if any, is never delivered. */
  readonly keepalive: boolean;
  /** The server's id for this request, from its first frame. */
  requestId?: string;
  /** How often a dropped connection cut this request. */
  drops = 0;
  private delivered = 0;
  private skip = 0;
  private carry: Buffer | null = null;

  constructor(text: string, settings: Settings, keepalive: boolean) {
    this.settings = settings;
    this.keepalive = keepalive;
    this.stream = new SpeechStream(text, settings.sampleRate);
  }

  /** Takes a chunk as it came off the wire, odd length or not. */
  deliver(audio: Buffer): void {
    let data = this.carry ? Buffer.concat([this.carry, audio]) : audio;
    const even = data.length - (data.length % 2);
    this.carry = even < data.length ? Buffer.from(data.subarray(even)) : null;
    data = data.subarray(0, even);
    if (this.skip > 0) {
      const n = Math.min(this.skip, data.length);
      this.skip -= n;
      data = data.subarray(n);
    }
    if (data.length === 0) return;
    this.delivered += data.length;
    if (!this.keepalive) this.stream.push(data);
  }

  /** The request will be sent again from the start: skip what was already delivered. */
  rewind(): void {
    this.skip = this.delivered;
    this.carry = null;
    this.requestId = undefined;
  }
}
