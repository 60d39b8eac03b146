// One utterance: a one-shot request, continuations, or a sequence of requests. It sends its text as
// room allows, takes its frames, ends by the end-of-stream rule, and after a dropped socket resends
// without delivering any audio twice. Its phase is one value; time comes from an injected clock.
import type { Settings } from '../../core/settings.js';
import { CLOSE_CODES } from '../../protocol/close-codes.js';
import { buildRequest, type WavesRequest, type WordTimestamp } from '../../protocol/messages.js';
import { OVER_LIMIT_BACKOFF, backoffDelay } from '../retry.js';
import { realClock, delay, type Clock } from './clock.js';
import { ContextTrack } from './context-track.js';
import { Delivery } from './delivery.js';
import { allWordsBack, type FrameKind, type PaceSeen } from './drain.js';
import { DEFAULT_CHARS_PER_SECOND, heardCharsEstimate, maySendMore } from './send-window.js';
import { SpeechStream } from './speech-stream.js';

/**
 * `one-shot`: one request. `context`: text as continuations (live route), sent ahead as the send
 * window allows, each ended by drain. `sequence`: fragments as requests one after another (routes
 * without continuations).
 */
export type UtteranceMode = 'one-shot' | 'context' | 'sequence';

/**
 * Input quiet this long, with everything sent: the continuation is closed so the service speaks
 * whatever it holds (a short sentence may wait for company) and an idle socket holds no open
 * context; text that comes later opens a new one. Shorter when the socket's idle timeout is short
 * (half of it). Long enough that a language model's tokens, or lines written together, share one.
 */
export const INPUT_PAUSE_CLOSE_MS = 700;

interface UtteranceOptions {
  mode: UtteranceMode;
  /** No more text is sent while the consumer has this much audio unread. */
  maxBufferedBytes?: number;
  /** A frame must arrive this often while the utterance waits for audio. */
  inactivityTimeoutMs: number;
  completeBackoffMs: number;
  /** Input quiet this long closes an open continuation (default INPUT_PAUSE_CLOSE_MS). */
  pauseCloseMs?: number;
  clock?: Clock;
}

/** What the utterance needs from the socket it is sent on (one attempt). */
export interface Attempt {
  route: 'live' | 'per-model';
  requestId: string;
  contextId: string;
  send(request: WavesRequest, text: string): void;
  /** The utterance has ended (complete, failed or cancelled): free the slot. */
  settled(): void;
  /** No frame for too long, or the consumer left: the socket must go. */
  stuck(reason: 'timeout' | 'abandoned'): void;
  fail(error: Error): void;
}

/**
 * `queued`: waiting for a socket (new, after a drop, or after a refusal for the account's limit).
 * `on-socket`: sending and receiving on one attempt. `parked`: a continuation with nothing unheard
 * whose socket closed while the input was quiet; `wake` asks for a socket when text comes.
 */
type UtterancePhase =
  | { kind: 'queued' }
  | { kind: 'on-socket'; attempt: Attempt }
  | { kind: 'parked'; wake: () => void }
  | { kind: 'done' };

const PAUSE = Symbol('pause');

function wordsOf(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

export class Utterance {
  readonly stream: SpeechStream;
  readonly settings: Settings;
  readonly options: UtteranceOptions;
  private readonly clock: Clock;
  private phaseNow: UtterancePhase = { kind: 'queued' };
  private currentMode: UtteranceMode;
  /** How often in a row a dropped socket cut this utterance with no new audio since the last cut. */
  drops = 0;
  private bytesAtLastDrop = -1;
  /** When the account's limit first refused this utterance, and how often since. */
  private refused: { since: number; retries: number } | null = null;
  private readonly source: AsyncIterator<string>;
  /** The input's next piece, asked for and not yet taken. */
  private nextText: Promise<IteratorResult<string>> | null = null;
  /**
   * Fragments whose audio is not known to have all arrived; the first `sent` went out in the
   * current context. A resend after a drop starts again at the first of them.
   */
  private fragments: string[] = [];
  private sent = 0;
  /** The characters of those `sent` fragments (kept as the sum, read for every chunk). */
  private sentChars = 0;
  private doneChars = 0;
  private inputEnded = false;
  private pulling = false;
  /** A stall came while the input was being read: the next fragment goes out whatever the window says. */
  private stallPending = false;
  private contexts = 0;
  private track: ContextTrack;
  private readonly delivery: Delivery;
  private readonly pace: PaceSeen = { longestCompleteGapMs: 0, firstAudioMs: 0 };
  /** Characters spoken per second of audio: a conservative guess until a quiet moment measures it. */
  private charsPerSecond: number;
  private cancelInactivity: (() => void) | null = null;
  private cancelQuiet: (() => void) | null = null;
  private doneHooks: (() => void)[] = [];

  constructor(source: AsyncIterator<string>, settings: Settings, options: UtteranceOptions) {
    this.source = source;
    this.settings = settings;
    this.currentMode = options.mode;
    this.options = options;
    this.clock = options.clock ?? realClock;
    this.stream = new SpeechStream('', settings.sampleRate);
    this.delivery = new Delivery(settings.sampleRate * 2);
    this.charsPerSecond = DEFAULT_CHARS_PER_SECOND * (settings.speed ?? 1);
    this.track = new ContextTrack('', settings.sampleRate, this.pace);
  }

  get phase(): UtterancePhase {
    return this.phaseNow;
  }

  get mode(): UtteranceMode {
    return this.currentMode;
  }

  private get attempt(): Attempt | null {
    return this.phaseNow.kind === 'on-socket' ? this.phaseNow.attempt : null;
  }

  /** The request_id of the attempt in flight: frames echoing another one are not this utterance's. */
  get attemptRequestId(): string | undefined {
    return this.attempt?.requestId;
  }

  /** No audio of this utterance has reached its stream yet: it can start again from its first text. */
  get deliveredNothing(): boolean {
    return this.delivery.bytes === 0;
  }

  /** Text is out and its audio is still expected (a drop now cuts it). */
  get waitingForAudio(): boolean {
    return this.cancelInactivity !== null;
  }

  /** Nothing unheard, more input to come: the utterance needs no socket until the input speaks again. */
  get idleBetweenTexts(): boolean {
    return this.mode === 'context' && this.fragments.length === 0 && !this.inputEnded && !this.isDone;
  }

  get isDone(): boolean {
    return this.phaseNow.kind === 'done';
  }

  /** Runs `fn` once the utterance has ended, however it ended. */
  whenDone(fn: () => void): void {
    if (this.isDone) fn();
    else this.doneHooks.push(fn);
  }

  /** Starts (or restarts, after a drop) on a socket. */
  start(attempt: Attempt): void {
    if (this.isDone) return;
    this.phaseNow = { kind: 'on-socket', attempt };
    this.contexts = 0;
    this.newTrack();
    this.stream.onDrain = () => {
      if (this.stream.isAbandoned) this.attempt?.stuck('abandoned');
      else void this.fill();
    };
    void this.fill();
  }

  /** Off the socket until its input has more to say: `wake` is called then (once). */
  park(wake: () => void): void {
    if (this.isDone) return;
    this.phaseNow = { kind: 'parked', wake };
  }

  /**
   * A refusal for the account's limit, before any audio arrived: the wait before trying again (with
   * backoff and jitter), or undefined once `budgetMs` since the first refusal is spent.
   */
  overLimitRetry(budgetMs: number): { attempt: number; delayMs: number } | undefined {
    if (budgetMs <= 0 || !this.deliveredNothing || this.isDone) return undefined;
    const now = this.clock.now();
    const refused = (this.refused ??= { since: now, retries: 0 });
    const left = refused.since + budgetMs - now;
    if (left <= 0) return undefined;
    const delayMs = Math.min(left, backoffDelay(refused.retries++, OVER_LIMIT_BACKOFF));
    return { attempt: refused.retries, delayMs };
  }

  /** A fresh context, starting at fragments[0]'s audio. */
  private newTrack(): void {
    const attempt = this.attempt;
    const id = attempt ? `${attempt.contextId}${this.contexts > 0 ? `-${this.contexts}` : ''}` : '';
    this.contexts++;
    this.track = new ContextTrack(id, this.settings.sampleRate, this.pace);
    this.sent = this.sentChars = 0;
    this.delivery.contextOpened();
  }

  /** Sends what the window allows: pulls fragments from the input only when there is room for them. */
  private async fill(stalled = false): Promise<void> {
    if (this.pulling) {
      this.stallPending ||= stalled;
      return;
    }
    this.pulling = true;
    let force = stalled;
    try {
      for (;;) {
        const attempt = this.attempt;
        if (!attempt) return;
        force ||= this.stallPending;
        this.stallPending = false;
        if (this.sent === this.fragments.length && this.inputEnded) return this.inputDone(attempt);
        if (!this.hasRoom(force)) return;
        if (this.sent === this.fragments.length) {
          const next = await this.pull();
          if (this.attempt !== attempt) {
            if (next === true) this.wake();
            continue; // the socket went while waiting for text
          }
          if (next === PAUSE) this.closeTrack(attempt); // its drain (trackEnded) pulls again
          continue;
        }
        this.sendFragment(attempt, this.fragments[this.sent]);
        force = false;
      }
    } catch (error) {
      this.attempt?.fail(error as Error);
    } finally {
      this.pulling = false;
    }
  }

  /** Text came for a parked utterance: it asks for a socket. */
  private wake(): void {
    const phase = this.phaseNow;
    if (phase.kind !== 'parked') return;
    this.phaseNow = { kind: 'queued' };
    phase.wake();
  }

  /**
   * Takes the input's next fragment into `fragments` (true), or its end (false). In an open
   * continuation, input quiet for the pause gives PAUSE instead, the piece still awaited.
   */
  private async pull(): Promise<boolean | typeof PAUSE> {
    this.nextText ??= this.source.next();
    let result: IteratorResult<string> | typeof PAUSE;
    if (this.mode === 'context' && this.track.sentChars > 0) {
      const pause = delay(this.clock, this.options.pauseCloseMs ?? INPUT_PAUSE_CLOSE_MS, PAUSE);
      result = await Promise.race([this.nextText, pause.promise]);
      pause.cancel();
      if (result === PAUSE) return PAUSE;
    } else {
      result = await this.nextText;
    }
    this.nextText = null;
    if (result.done) {
      this.inputEnded = true;
      return false;
    }
    this.fragments.push(result.value);
    this.stream.addText(result.value);
    return true;
  }

  private hasRoom(force: boolean): boolean {
    if (this.stream.bufferedBytes > (this.options.maxBufferedBytes ?? Number.POSITIVE_INFINITY)) return false;
    if (this.mode !== 'context') return this.sent === 0;
    if (this.track.closeSent) return false; // a closing context drains first; the next text opens another
    return maySendMore(this.track.sentChars, this.track.seconds, this.charsPerSecond, force);
  }

  private request(attempt: Attempt, text: string, more: boolean): WavesRequest {
    const context = this.mode === 'context' ? { id: this.track.id, more } : undefined;
    return buildRequest(text, this.settings, {
      completeBackoffMs: this.options.completeBackoffMs,
      route: attempt.route,
      requestId: attempt.requestId,
      context,
    });
  }

  private sendFragment(attempt: Attempt, text: string): void {
    this.sent++;
    this.sentChars += text.length;
    const now = this.clock.now();
    this.stream.requestSent(now);
    this.track.sent(text.length, now);
    // The server joins fragments as they come: the space keeps the last word of one off the first of the next.
    const wire = this.mode === 'context' ? `${text} ` : text;
    attempt.send(this.request(attempt, wire, true), text);
    this.armInactivity();
    if (this.mode === 'context') this.armQuiet();
  }

  /** The input has ended and every fragment is out: close the continuation, or finish a request utterance. */
  private inputDone(attempt: Attempt): void {
    if (this.mode !== 'context') return this.finishIfDone();
    if (this.track.sentChars === 0) return this.finish(attempt); // no text at all
    this.closeTrack(attempt);
  }

  /** Sends the closing frame of the current continuation; the end rule (drain.ts) decides when it has ended. */
  private closeTrack(attempt: Attempt): void {
    if (this.track.closeSent || this.track.sentChars === 0) return;
    this.track.close(this.clock.now());
    attempt.send(this.request(attempt, '', false), '');
    this.armQuiet();
  }

  /** Request utterances end when every fragment's `complete` has come. */
  private finishIfDone(): void {
    const attempt = this.attempt;
    if (!attempt || !this.inputEnded || this.fragments.length > 0) return;
    this.finish(attempt);
  }

  private finish(attempt: Attempt): void {
    this.markHeard(this.fragments.length);
    this.clearTimers();
    this.phaseNow = { kind: 'done' };
    this.stream.end();
    this.runDoneHooks();
    attempt.settled();
  }

  private runDoneHooks(): void {
    const hooks = this.doneHooks;
    this.doneHooks = [];
    for (const hook of hooks) hook();
  }

  /** The first `count` fragments' audio has all arrived: a resend would start after them. */
  private markHeard(count: number): void {
    this.fragments.splice(0, count).forEach((fragment, i) => {
      this.doneChars += fragment.length;
      if (i < this.sent) this.sentChars -= fragment.length;
    });
    this.sent = Math.max(0, this.sent - count);
    this.stream.progress(this.doneChars);
    this.delivery.heard(this.track);
  }

  /** Every frame of this utterance's comes here first: the release it belongs to, the pace, the timers. */
  private frameArrived(kind: FrameKind): void {
    const begins = this.track.frame(kind, this.clock.now());
    if (begins && this.mode === 'context' && this.stream.wantsSegments) this.stream.segment(this.fragmentHeardAt(this.track.seconds), this.delivery.seconds);
    this.armInactivity();
    if (this.mode === 'context') this.armQuiet();
  }

  /** The fragment the audio is probably in at `seconds` of the current context (for a segment mark). */
  private fragmentHeardAt(seconds: number): string {
    let chars = heardCharsEstimate(seconds, this.charsPerSecond);
    for (let i = 0; i < this.sent; i++) {
      chars -= this.fragments[i].length + 1;
      if (chars < 0) return this.fragments[i];
    }
    return this.fragments[Math.max(0, this.sent - 1)] ?? '';
  }

  onChunk(audio: Buffer): void {
    this.frameArrived('chunk');
    const firstSinceBase = this.delivery.atBase;
    const data = this.delivery.audio(audio, this.track);
    if (data.length > 0) {
      if (this.mode !== 'context' && firstSinceBase) this.stream.segment(this.fragments[0] ?? '', this.delivery.baseStart);
      this.stream.push(data);
    }
    if (this.mode === 'context') {
      const heard = heardCharsEstimate(this.delivery.secondsSinceBase, this.charsPerSecond);
      this.stream.progress(this.doneChars + Math.min(this.sentChars, Math.floor(heard)));
      void this.fill();
    }
  }

  onWord(word: WordTimestamp): void {
    this.frameArrived('word');
    const time = this.track.wordTime(word);
    if (!this.delivery.word()) return; // already delivered before a drop
    this.stream.pushWord({ ...word, ...time }, this.delivery.contextStartSeconds);
  }

  /** A release's audio is complete. For a request it ends the first fragment; in a continuation it ends nothing by itself. */
  onComplete(): void {
    this.frameArrived('complete');
    this.delivery.releaseEnded();
    const attempt = this.attempt;
    if (!attempt) return;
    if (this.mode === 'context') {
      // With word timestamps, every word sent come back (all fragments heard) ends a closed context now.
      const wordsComplete = this.track.closeSent && this.settings.wordTimestamps === true && allWordsBack(this.wordsSent(), this.delivery.wordsSinceBase(this.track), this.track.lastWord);
      this.markHeardByWords();
      if (wordsComplete) return this.trackEnded(attempt);
      return this.checkDrain();
    }
    if (this.fragments.length === 0) return; // a complete with nothing outstanding (a reply we did not ask for)
    this.markHeard(1);
    this.newTrack();
    this.clearInactivity();
    if (this.inputEnded && this.fragments.length === 0) this.finishIfDone();
    else void this.fill();
  }

  /** Words sent in the current context since the last fragment known heard, in order. */
  private wordsSent(): string[] {
    const words: string[] = [];
    for (let i = 0; i < this.sent; i++) words.push(...wordsOf(this.fragments[i]));
    return words;
  }

  /**
   * With word timestamps, a `complete` that falls where whole fragments' words have all come back
   * marks those fragments heard: a later drop resends only what follows.
   */
  private markHeardByWords(): void {
    if (!this.settings.wordTimestamps || this.delivery.replaying) return;
    const received = this.delivery.wordsSinceBase(this.track);
    let words = 0;
    let heard = 0;
    for (let i = 0; i < this.sent; i++) {
      const own = wordsOf(this.fragments[i]);
      words += own.length;
      if (words > received) break;
      if (words === received && own.length > 0 && own[own.length - 1] === this.track.lastWord) heard = i + 1;
    }
    if (heard > 0) this.markHeard(heard);
  }

  /** A closed continuation has drained: all it was sent is heard. The utterance ends, or the next text opens a new one. */
  private trackEnded(attempt: Attempt): void {
    if (this.inputEnded && this.sent === this.fragments.length) return this.finish(attempt);
    this.markHeard(this.sent);
    this.newTrack();
    this.clearInactivity();
    this.clearQuiet();
    void this.fill();
  }

  private armQuiet(): void {
    this.clearQuiet();
    this.cancelQuiet = this.clock.after(this.track.quietMs(), () => this.quiet());
  }

  /** No frame for a drain gap: after the close, the end rule; before it, a stall (the service may be waiting for text) sends more. */
  private quiet(): void {
    this.cancelQuiet = null;
    if (!this.attempt) return;
    if (this.track.closeSent) return this.checkDrain();
    const track = this.track;
    if (!track.released && track.lastFrame !== undefined) return; // audio still flowing: the inactivity timeout watches it
    if (track.lastFrame === undefined) track.stalledBeforeAudio = true; // silent since the text went out: it holds it
    if (track.released && this.sent === this.fragments.length && track.seconds > 0) {
      // Every release has ended and nothing waits to go: the service is not speaking (it may hold an
      // unfinished sentence until more text or the close); measure the pace of speech for the window.
      this.clearInactivity();
      this.charsPerSecond = Math.max(DEFAULT_CHARS_PER_SECOND / 2, track.sentChars / track.seconds);
    }
    void this.fill(true);
  }

  private checkDrain(): void {
    const attempt = this.attempt;
    if (!attempt) return;
    const wait = this.track.drainWait(this.clock.now());
    if (wait === 0) return this.trackEnded(attempt);
    if (wait === undefined) return;
    this.clearQuiet();
    this.cancelQuiet = this.clock.after(wait, () => this.quiet());
  }

  /**
   * The socket went while this utterance was on it: the next attempt resends from the first fragment
   * not known heard. Returns whether the drop cut audio still expected (`drops` counts such cuts in
   * a row with no new audio between them).
   */
  detach(close?: { code: number }): boolean {
    const cut = this.waitingForAudio;
    // A clean close right after a `complete`, the continuation unfinished: this service ends its work at
    // each `complete` (the one-shot model of its spec). The rest goes as requests, each ended by its own.
    if (this.currentMode === 'context' && close?.code === CLOSE_CODES.NORMAL && this.track.released && this.fragments.length > 0) this.currentMode = 'sequence';
    const bytes = this.delivery.bytes;
    if (cut) this.drops = bytes > this.bytesAtLastDrop ? 1 : this.drops + 1;
    this.bytesAtLastDrop = Math.max(this.bytesAtLastDrop, bytes);
    this.clearTimers();
    if (!this.isDone) this.phaseNow = { kind: 'queued' };
    this.sent = this.sentChars = 0;
    this.delivery.dropped();
    return cut;
  }

  /** Ends the utterance early: interrupted (audio stops now) or failed. */
  end(error?: Error): void {
    this.clearTimers();
    this.phaseNow = { kind: 'done' };
    if (error) this.stream.fail(error);
    else this.stream.end({ interrupted: true });
    this.runDoneHooks();
    void this.source.return?.()?.catch?.(() => {});
  }

  private armInactivity(): void {
    this.clearInactivity();
    const attempt = this.attempt;
    if (this.sent === 0 || !attempt) return;
    this.cancelInactivity = this.clock.after(this.options.inactivityTimeoutMs, () => attempt.stuck('timeout'));
  }

  private clearInactivity(): void {
    this.cancelInactivity?.();
    this.cancelInactivity = null;
  }

  private clearQuiet(): void {
    this.cancelQuiet?.();
    this.cancelQuiet = null;
  }

  private clearTimers(): void {
    this.clearInactivity();
    this.clearQuiet();
  }
}
