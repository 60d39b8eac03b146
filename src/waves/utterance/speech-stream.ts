// The audio of one request (or one continuation) as an async iterable of whole-sample PCM buffers, with its word timings.
import type { TimedWord } from '../../core/words.js';
import type { WordTimestamp } from '../../protocol/messages.js';

export interface RequestTimings {
  /** performance.now() values; undefined until the event happened. */
  queuedAt: number;
  sentAt?: number;
  firstAudioAt?: number;
  completeAt?: number;
}

export type { TimedWord } from '../../core/words.js';

export class SpeechStream implements AsyncIterable<Buffer> {
  /** The text sent so far (all of it, once the input has ended). */
  text: string;
  /** The rate the audio was requested at. */
  readonly sampleRate: number;
  readonly timings: RequestTimings;
  /** True when interrupt(), an abort or close() ended the stream before its end. */
  interrupted = false;
  /** Word timings received so far, in audio order, timed against this stream's audio. */
  readonly words: TimedWord[] = [];
  /** Characters of text whose audio has fully arrived (for progress). */
  textDone = 0;
  /** Requests (or continuation fragments) sent for this stream, resends included. */
  requests = 0;
  private buffers: Buffer[] = [];
  private buffered = 0;
  private wake: (() => void) | null = null;
  private done = false;
  private error: Error | null = null;
  private abandoned = false;
  /** Called whenever the consumer takes audio out, so a producer waiting for room can go on. */
  onDrain: (() => void) | null = null;
  /** Called for each word as it arrives. */
  onWord: ((word: TimedWord) => void) | null = null;
  /** Called as each segment's audio begins: its text and where it starts in this stream's audio. */
  onSegment: ((segment: { text: string; start: number }) => void) | null = null;

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

  /** Bytes received but not yet taken by the consumer. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(pcm: Buffer): void {
    if (this.isFinished || this.abandoned || pcm.length === 0) return;
    this.timings.firstAudioAt ??= performance.now();
    this.buffers.push(pcm);
    this.buffered += pcm.length;
    this.notify();
  }

  /** A word timed against the stream's audio (the caller has added the audio before its request or segment). */
  pushWord(word: WordTimestamp, offsetSeconds: number): void {
    if (this.isFinished || this.abandoned) return;
    const timed = { word: word.word, start: offsetSeconds + word.start, end: offsetSeconds + word.end };
    this.words.push(timed);
    this.onWord?.(timed);
  }

  end(options: { interrupted?: boolean } = {}): void {
    if (this.isFinished) return;
    if (options.interrupted) {
      this.interrupted = true;
      this.buffers = []; // interrupted audio must stop now, not play out what was buffered
      this.buffered = 0;
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
          this.buffered -= next.length;
          this.onDrain?.();
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
      if (!this.isFinished) {
        this.abandoned = true;
        this.onDrain?.();
      }
      this.buffers = [];
      this.buffered = 0;
    }
  }
}
