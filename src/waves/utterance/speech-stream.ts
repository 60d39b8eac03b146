// The output of one utterance: one tagged event stream (audio, word timings, segment marks) in the
// order they arrived. Iterating the stream itself gives the audio alone, as whole-sample PCM buffers.
import type { TimedWord } from '../../core/words.js';
import type { WordTimestamp } from '../../protocol/messages.js';

interface RequestTimings {
  /** performance.now() values; undefined until the event happened. */
  queuedAt: number;
  sentAt?: number;
  firstAudioAt?: number;
  completeAt?: number;
}

export type { TimedWord } from '../../core/words.js';

/** `audio`: PCM. `word`: a word timed against the stream's audio. `segment`: a piece of text whose audio begins at `start` seconds. */
export type SpeechEvent =
  | { type: 'audio'; pcm: Buffer }
  | { type: 'word'; word: TimedWord }
  | { type: 'segment'; text: string; start: number };

export class SpeechStream implements AsyncIterable<Buffer> {
  /** The rate the audio was requested at. */
  readonly sampleRate: number;
  readonly timings: RequestTimings;
  /** Word timings received so far, in audio order, timed against this stream's audio. */
  readonly words: TimedWord[] = [];
  private textSoFar: string;
  private interruptedEarly = false;
  private doneChars = 0;
  private requestCount = 0;
  private segmentsWanted = false;
  private events: SpeechEvent[] = [];
  private buffered = 0;
  private wake: (() => void) | null = null;
  private done = false;
  private error: Error | null = null;
  private abandoned = false;
  /** Called whenever the consumer takes audio out, so a producer waiting for room can go on. */
  onDrain: (() => void) | null = null;

  constructor(text: string, sampleRate: number) {
    this.textSoFar = text;
    this.sampleRate = sampleRate;
    this.timings = { queuedAt: performance.now() };
  }

  /** The text sent so far (all of it, once the input has ended). */
  get text(): string {
    return this.textSoFar;
  }

  /** True when interrupt(), an abort or close() ended the stream before its end. */
  get interrupted(): boolean {
    return this.interruptedEarly;
  }

  /** Characters of text whose audio has fully arrived (for progress). */
  get textDone(): number {
    return this.doneChars;
  }

  /** Requests (or continuation fragments) sent for this stream, resends included. */
  get requests(): number {
    return this.requestCount;
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

  /** Whether the consumer reads segment marks (they cost an estimate to make). */
  get wantsSegments(): boolean {
    return this.segmentsWanted;
  }

  addText(fragment: string): void {
    this.textSoFar = this.textSoFar ? `${this.textSoFar} ${fragment}` : fragment;
  }

  requestSent(at: number): void {
    this.requestCount++;
    this.timings.sentAt ??= at;
  }

  progress(textDone: number): void {
    this.doneChars = textDone;
  }

  push(pcm: Buffer): void {
    if (this.isFinished || this.abandoned || pcm.length === 0) return;
    this.timings.firstAudioAt ??= performance.now();
    this.add({ type: 'audio', pcm });
    this.buffered += pcm.length;
  }

  /** A word timed against the stream's audio (the caller has added the audio before its request or segment). */
  pushWord(word: WordTimestamp, offsetSeconds: number): void {
    if (this.isFinished || this.abandoned) return;
    const timed = { word: word.word, start: offsetSeconds + word.start, end: offsetSeconds + word.end };
    this.words.push(timed);
    this.add({ type: 'word', word: timed });
  }

  segment(text: string, start: number): void {
    if (this.isFinished || this.abandoned || !this.segmentsWanted) return;
    this.add({ type: 'segment', text, start });
  }

  end(options: { interrupted?: boolean } = {}): void {
    if (this.isFinished) return;
    if (options.interrupted) {
      this.interruptedEarly = true;
      this.events = []; // interrupted audio must stop now, not play out what was buffered
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

  private add(event: SpeechEvent): void {
    this.events.push(event);
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Every event in arrival order: audio, word timings and (when `segments`) segment marks. One reader at a time. */
  async *all(options: { segments?: boolean } = {}): AsyncGenerator<SpeechEvent> {
    this.segmentsWanted = options.segments ?? false;
    try {
      for (;;) {
        const next = this.events.shift();
        if (next) {
          if (next.type === 'audio') {
            this.buffered -= next.pcm.length;
            this.onDrain?.();
          }
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
      this.events = [];
      this.buffered = 0;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for await (const event of this.all()) if (event.type === 'audio') yield event.pcm;
  }
}
