// One synthesis job: a one-shot request, a continuation, or a sequence of requests; sends its text as room
// allows, takes its frames, and after a dropped socket resends without delivering any audio twice.
import type { Settings } from '../settings.js';
import { buildRequest, type WavesRequest, type WordTimestamp } from './protocol.js';
import { SpeechStream } from './speech-stream.js';

/**
 * `one-shot`: one request. `context`: fragments of one continuation (live route), up to
 * `maxOutstanding` ahead. `sequence`: fragments as requests one after another (routes without
 * continuations).
 */
export type JobMode = 'one-shot' | 'context' | 'sequence';

/** How long a closed continuation may stay quiet after a `complete` before it counts as finished (see armSettle), at least. */
const SETTLE_MS = 5000;

export interface JobOptions {
  mode: JobMode;
  /** Fragments sent and not yet complete, at most (context mode). */
  maxOutstanding?: number;
  /** No more text is sent while the consumer has this much audio unread. */
  maxBufferedBytes?: number;
  /** A frame must arrive this often while the job waits for audio. */
  inactivityTimeoutMs: number;
  completeBackoffMs: number;
}

/** What the job needs from the socket it is sent on (one attempt). */
export interface Attempt {
  route: 'live' | 'per-model';
  requestId: string;
  contextId: string;
  send(request: WavesRequest, text: string): void;
  /** The job has ended (complete, failed or cancelled): free the slot. */
  settled(): void;
  /** No frame for too long, or the consumer left: the socket must go. */
  stuck(reason: 'timeout' | 'abandoned'): void;
  fail(error: Error): void;
}

export class Job {
  readonly stream: SpeechStream;
  readonly settings: Settings;
  readonly mode: JobMode;
  readonly options: JobOptions;
  /** How often a dropped socket cut this job. */
  drops = 0;
  private readonly source: AsyncIterator<string>;
  /** Fragments pulled and not yet complete; the audio arriving belongs to the first. */
  private fragments: string[] = [];
  /** Of `fragments`, how many were sent on this attempt. */
  private sent = 0;
  /** A fragment went out on this attempt's continuation, so it must be closed. */
  private contextOpen = false;
  private closeSent = false;
  private settleTimer: NodeJS.Timeout | null = null;
  /** When the last segment completed, and the longest wait seen from a `complete` to the next audio. */
  private lastCompleteAt = 0;
  private longestGapMs = 0;
  private inputEnded = false;
  private pulling = false;
  private attempt: Attempt | null = null;
  private timer: NodeJS.Timeout | null = null;
  // Delivery of the current segment (the first fragment's audio).
  private carry: Buffer | null = null;
  private skipBytes = 0;
  private segmentBytes = 0;
  private skipWords = 0;
  private attemptWords = 0;
  private segmentWords = 0;
  private segmentStart = 0;

  constructor(source: AsyncIterator<string>, settings: Settings, options: JobOptions) {
    this.source = source;
    this.settings = settings;
    this.mode = options.mode;
    this.options = options;
    this.stream = new SpeechStream('', settings.sampleRate);
  }

  /** The request_id of the attempt in flight: frames echoing another one are not this job's. */
  get attemptRequestId(): string | undefined {
    return this.attempt?.requestId;
  }

  private doneHooks: (() => void)[] = [];

  /** Runs `fn` once the job has ended, however it ended. */
  whenDone(fn: () => void): void {
    if (this.isDone) fn();
    else this.doneHooks.push(fn);
  }

  private runDoneHooks(): void {
    const hooks = this.doneHooks;
    this.doneHooks = [];
    for (const hook of hooks) hook();
  }

  /** Text is out on the current attempt and its audio has not all arrived. */
  get waitingForAudio(): boolean {
    return this.sent > 0;
  }

  get isDone(): boolean {
    return this.stream.isFinished;
  }

  /** Starts (or restarts, after a drop) on a socket. */
  start(attempt: Attempt): void {
    this.attempt = attempt;
    this.sent = 0;
    this.contextOpen = false;
    this.closeSent = false;
    this.stream.onDrain = () => {
      if (this.stream.isAbandoned) this.attempt?.stuck('abandoned');
      else void this.fill();
    };
    void this.fill();
  }

  /** Sends what the window allows: pulls fragments from the input only when there is room for them. */
  private async fill(): Promise<void> {
    if (this.pulling) return;
    this.pulling = true;
    try {
      for (;;) {
        const attempt = this.attempt;
        if (!attempt || this.isDone) return;
        const limit = this.mode === 'context' ? (this.options.maxOutstanding ?? 3) : 1;
        if (this.sent >= limit || this.stream.bufferedBytes > (this.options.maxBufferedBytes ?? Number.POSITIVE_INFINITY)) return;
        if (this.sent === this.fragments.length) {
          if (this.inputEnded) return this.closeContext(attempt);
          const next = await this.source.next();
          if (next.done) {
            this.inputEnded = true;
          } else {
            this.fragments.push(next.value);
            this.stream.text = this.stream.text ? `${this.stream.text} ${next.value}` : next.value;
          }
          continue; // the attempt may have changed while waiting for text
        }
        this.sendFragment(attempt, this.fragments[this.sent]);
      }
    } catch (error) {
      this.attempt?.fail(error as Error);
    } finally {
      this.pulling = false;
    }
  }

  private request(attempt: Attempt, text: string, more: boolean): WavesRequest {
    const context = this.mode === 'context' ? { id: attempt.contextId, more } : undefined;
    const request = buildRequest(text, this.settings, {
      completeBackoffMs: this.options.completeBackoffMs,
      route: attempt.route,
      requestId: attempt.requestId,
      context,
    });
    // Release each fragment at once: the client cuts at sentence ends already, and one segment per
    // fragment is how it knows, with no reply to the closing frame, that the last audio has arrived.
    if (context) request.max_buffer_delay_ms = 0;
    return request;
  }

  private sendFragment(attempt: Attempt, text: string): void {
    this.sent++;
    this.stream.requests++;
    this.contextOpen = true;
    this.stream.timings.sentAt ??= performance.now();
    // The server joins fragments as they come: the space keeps the last word of one off the first of the next.
    const wire = this.mode === 'context' ? `${text} ` : text;
    attempt.send(this.request(attempt, wire, true), text);
    this.armTimer();
  }

  /**
   * The input has ended and every fragment is out: close the continuation now. Each fragment was
   * released on arrival, so nothing is left for the close to release and no reply comes.
   */
  private closeContext(attempt: Attempt): void {
    if (this.mode === 'context' && this.contextOpen && !this.closeSent) {
      this.closeSent = true;
      attempt.send(this.request(attempt, '', false), '');
    }
    this.finishIfDone();
  }

  /** Every fragment's audio has arrived and the input has ended: the job is complete. */
  private finishIfDone(): void {
    const attempt = this.attempt;
    if (!attempt || this.isDone || !this.inputEnded || this.fragments.length > 0) return;
    this.clearTimer();
    this.stream.end();
    this.runDoneHooks();
    attempt.settled();
  }

  /**
   * A server that joined fragments into fewer segments than were sent would leave the count short
   * forever: once closed, a pause after a `complete` with no new frame ends the job.
   */
  private armSettle(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = null;
    if (this.mode !== 'context' || !this.closeSent || this.fragments.length === 0) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      if (!this.closeSent || this.isDone) return;
      this.stream.textDone += this.fragments.reduce((n, f) => n + f.length, 0);
      this.fragments = [];
      this.sent = 0;
      this.finishIfDone();
    }, Math.max(SETTLE_MS, 3 * this.longestGapMs));
  }

  onChunk(audio: Buffer): void {
    if (this.lastCompleteAt > 0) {
      this.longestGapMs = Math.max(this.longestGapMs, performance.now() - this.lastCompleteAt);
      this.lastCompleteAt = 0;
    }
    this.armTimer();
    this.armSettle();
    let data = this.carry ? Buffer.concat([this.carry, audio]) : audio;
    const even = data.length - (data.length % 2);
    this.carry = even < data.length ? Buffer.from(data.subarray(even)) : null;
    data = data.subarray(0, even);
    if (this.skipBytes > 0) {
      const n = Math.min(this.skipBytes, data.length);
      this.skipBytes -= n;
      data = data.subarray(n);
    }
    if (data.length === 0) return;
    if (this.segmentBytes === 0) this.stream.onSegment?.({ text: this.fragments[0] ?? '', start: this.segmentStart });
    this.segmentBytes += data.length;
    this.stream.push(data);
  }

  onWord(word: WordTimestamp): void {
    this.armTimer();
    if (++this.attemptWords <= this.skipWords) return; // already delivered before a drop
    this.segmentWords++;
    this.stream.pushWord(word, this.segmentStart);
  }

  /** One segment's audio is complete: the first fragment is done. */
  onComplete(): void {
    const done = this.fragments.shift();
    if (done === undefined) return; // a complete with nothing outstanding (a reply we did not ask for)
    this.sent = Math.max(0, this.sent - 1);
    this.lastCompleteAt = performance.now();
    this.stream.textDone += done.length;
    this.segmentStart += this.segmentBytes / 2 / this.settings.sampleRate;
    this.carry = null;
    this.skipBytes = this.segmentBytes = 0;
    this.skipWords = this.attemptWords = this.segmentWords = 0;
    if (this.sent === 0) this.clearTimer();
    else this.armTimer();
    if (this.inputEnded && this.fragments.length === 0) this.finishIfDone();
    else {
      this.armSettle();
      void this.fill();
    }
  }

  /** The socket went while this job was on it: the next attempt resends from the first incomplete fragment. */
  detach(): void {
    this.clearTimer();
    this.closeSent = false;
    this.attempt = null;
    this.sent = 0;
    this.carry = null;
    this.skipBytes = this.segmentBytes;
    this.skipWords = this.segmentWords;
    this.attemptWords = 0;
  }

  /** Ends the job early: interrupted (audio stops now) or failed. */
  end(error?: Error): void {
    this.clearTimer();
    this.attempt = null;
    if (error) this.stream.fail(error);
    else this.stream.end({ interrupted: true });
    this.runDoneHooks();
    void this.source.return?.()?.catch?.(() => {});
  }

  private armTimer(): void {
    this.clearTimer();
    if (this.sent === 0 || !this.attempt) return;
    const attempt = this.attempt;
    this.timer = setTimeout(() => attempt.stuck('timeout'), this.options.inactivityTimeoutMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.timer = this.settleTimer = null;
  }
}
