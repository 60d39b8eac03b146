// One context on the wire as the client sees it (a continuation, or a single request): what went out, the releases that came back, the pace, the end rule.
import { FIRST_AUDIO_PATIENCE_MS, drainGapMs, drainWaitMs, stallGapMs, type FrameKind, type PaceSeen } from './drain.js';
import { detectConvention, inContextTime, type WordConvention } from './word-clock.js';

export class ContextTrack {
  closeSent = false;
  closeSentAt = 0;
  lastFrame: FrameKind | undefined;
  lastFrameAt = 0;
  /** Characters sent in this context, and when the first and the last message (a fragment or the close) went. */
  sentChars = 0;
  firstSentAt: number | undefined;
  lastSentAt: number | undefined;
  /** More text went out before any audio because the service stayed silent: it was holding text. */
  stalledBeforeAudio = false;
  /** A message went out since the last `complete`. */
  private sentSinceComplete = false;
  /** Audio bytes (delivered or skipped) and word frames received in this context. */
  bytes = 0;
  words = 0;
  lastWord: string | undefined;
  releases = 0;
  private awaitingRelease = true;
  private releaseStartS = 0;
  private completeAt: number | undefined;
  private convention: WordConvention | undefined;
  private wordsInRelease = 0;

  constructor(
    readonly id: string,
    private readonly sampleRate: number,
    /** The socket's pace, shared by every context of a job. */
    private readonly pace: PaceSeen,
  ) {}

  /** Seconds of audio received in this context. */
  get seconds(): number {
    return this.bytes / 2 / this.sampleRate;
  }

  /** The last frame was a `complete`: no release is under way. */
  get released(): boolean {
    return this.lastFrame === 'complete';
  }

  sent(chars: number, now: number): void {
    this.sentChars += chars;
    this.firstSentAt ??= now;
    this.lastSentAt = now;
    this.sentSinceComplete = true;
  }

  close(now: number): void {
    this.closeSent = true;
    this.closeSentAt = now;
    this.lastSentAt = now;
    this.sentSinceComplete = true;
  }

  /** Records a frame; true when it begins a release (the first frame after a `complete`, or the first of all). */
  frame(kind: FrameKind, now: number): boolean {
    let begins = false;
    if (kind === 'complete') {
      this.completeAt = now;
      this.sentSinceComplete = false;
      this.awaitingRelease = true;
    } else if (this.awaitingRelease) {
      begins = true;
      this.awaitingRelease = false;
      this.releases++;
      this.releaseStartS = this.seconds;
      this.wordsInRelease = 0;
      // The service's own delay, counted conservatively: the first audio from the first text sent
      // (unless the service was silent until we sent more: it was holding text), a later release
      // from the `complete` before it (unless text went out since: it may have waited for that).
      if (this.completeAt === undefined) {
        const since = this.stalledBeforeAudio ? this.lastSentAt : this.firstSentAt;
        if (since !== undefined) this.pace.firstAudioMs = Math.max(this.pace.firstAudioMs, now - since);
      } else {
        const since = this.sentSinceComplete && this.lastSentAt !== undefined ? Math.max(this.lastSentAt, this.completeAt) : this.completeAt;
        this.pace.longestCompleteGapMs = Math.max(this.pace.longestCompleteGapMs, now - since);
      }
    }
    this.lastFrame = kind;
    this.lastFrameAt = now;
    return begins;
  }

  /** A word's time in this context's audio, whether the service counts from each release or from the context. */
  wordTime(word: { word: string; start: number; end: number }): { start: number; end: number } {
    this.words++;
    this.lastWord = word.word;
    if (++this.wordsInRelease === 1 && this.convention === undefined && this.releases >= 2) {
      this.convention = detectConvention(word.start, this.releaseStartS);
    }
    return inContextTime(word, this.convention, this.releases >= 2 ? this.releaseStartS : 0);
  }

  /** The current drain gap for this socket's pace. */
  gapMs(): number {
    return drainGapMs(this.pace);
  }

  /** How long to wait for the next frame before acting: the drain gap, or after a release with the context open, the shorter stall gap. */
  quietMs(): number {
    if (this.closeSent) return this.gapMs();
    if (this.released) return stallGapMs(this.pace);
    // Before any audio, give the service time for its first (a slow first audio is not a stall).
    return this.lastFrame === undefined ? Math.max(this.gapMs(), FIRST_AUDIO_PATIENCE_MS) : this.gapMs();
  }

  /** Milliseconds until the end rule holds (0: it holds now), or undefined while it cannot. */
  drainWait(now: number): number | undefined {
    return drainWaitMs(this, this.gapMs(), now);
  }
}
