// The audio of one request as an async iterable of whole-sample PCM buffers, filled by the client.

export interface RequestTimings {
  /** performance.now() values; undefined until the event happened. */
  queuedAt: number;
  sentAt?: number;
  firstAudioAt?: number;
  completeAt?: number;
}

export class SpeechStream implements AsyncIterable<Buffer> {
  readonly text: string;
  /** The rate the audio was requested at. */
  readonly sampleRate: number;
  readonly timings: RequestTimings;
  /** True when interrupt() or close() ended the stream before `complete`. */
  interrupted = false;
  private buffers: Buffer[] = [];
  private wake: (() => void) | null = null;
  private done = false;
  private error: Error | null = null;
  private abandoned = false;

  constructor(text: string, sampleRate: number) {
    this.text = text;
    this.sampleRate = sampleRate;
    this.timings = { queuedAt: performance.now() };
  }

  /** The consumer stopped reading (broke out of the loop): further audio is discarded. */
  get isAbandoned(): boolean {
    return this.abandoned;
  }

  get isFinished(): boolean {
    return this.done || this.error !== null;
  }

  push(pcm: Buffer): void {
    if (this.isFinished || this.abandoned || pcm.length === 0) return;
    this.timings.firstAudioAt ??= performance.now();
    this.buffers.push(pcm);
    this.notify();
  }

  end(options: { interrupted?: boolean } = {}): void {
    if (this.isFinished) return;
    if (options.interrupted) {
      this.interrupted = true;
      this.buffers = []; // interrupted audio must stop now, not play out what was buffered
    } else {
      this.timings.completeAt = performance.now();
    }
    this.done = true;
    this.notify();
  }

  fail(error: Error): void {
    if (this.isFinished) return;
    this.error = error;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    try {
      for (;;) {
        const next = this.buffers.shift();
        if (next) {
          yield next;
        } else if (this.done) {
          return;
        } else if (this.error) {
          throw this.error;
        } else {
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      }
    } finally {
      if (!this.isFinished) this.abandoned = true;
      this.buffers = [];
    }
  }
}
