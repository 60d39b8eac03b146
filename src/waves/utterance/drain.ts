// When a continuation has ended: the service sends no frame that says so, so the client watches for quiet after a `complete`.
import { DRAIN_CAP_MS, DRAIN_FLOOR_MS } from './drain-limits.js';

export { DRAIN_CAP_MS, DRAIN_FLOOR_MS };

/** What the socket has shown of its pace: the longest wait from a `complete` to the next frame, and from text sent to its first audio. */
export interface PaceSeen {
  longestCompleteGapMs: number;
  firstAudioMs: number;
}

/**
 * How long a continuation must stay quiet after a `complete` before it counts as finished: twice the
 * longest pause the service has shown between releases (or before its first audio), never under the
 * floor (a release is still being synthesised) and never over the cap (a bounded tail).
 */
export function drainGapMs(pace: PaceSeen): number {
  const longest = Math.max(pace.longestCompleteGapMs, pace.firstAudioMs);
  return Math.min(DRAIN_CAP_MS, Math.max(DRAIN_FLOOR_MS, 2 * longest));
}

/**
 * Silence this long before a context's first audio means the service is holding the text for more
 * (more is sent); any shorter first audio is measured as the service's own delay. Half the cap: a
 * service slower than that breaks a rule `doctor` checks.
 */
export const FIRST_AUDIO_PATIENCE_MS = DRAIN_CAP_MS / 2;

/** The shortest quiet after a release that counts as the service waiting for more text. */
const STALL_FLOOR_MS = 50;

/**
 * How long the service may stay quiet after a release, with text still to send, before the client
 * sends more whatever its window says: twice the longest pause it has shown, within the floor and
 * the drain gap. Sending early costs nothing but a fragment more in flight.
 */
export function stallGapMs(pace: PaceSeen): number {
  const longest = Math.max(pace.longestCompleteGapMs, pace.firstAudioMs);
  return Math.min(drainGapMs(pace), Math.max(STALL_FLOOR_MS, 2 * longest));
}

export type FrameKind = 'chunk' | 'word' | 'complete';

/** The state the end rule reads: whether the closing frame went out, and the last frame since. */
interface DrainState {
  closeSent: boolean;
  lastFrame: FrameKind | undefined;
  /** performance.now() of the last frame, and of the closing frame. */
  lastFrameAt: number;
  closeSentAt: number;
}

/**
 * The end rule: a continuation is finished once its closing frame has been sent, the last frame
 * since is a `complete`, and nothing has arrived for the drain gap. Returns the milliseconds still to
 * wait (0: finished now), or undefined when the rule cannot hold yet (no close, or audio still flowing).
 */
export function drainWaitMs(state: DrainState, gapMs: number, now: number): number | undefined {
  if (!state.closeSent || state.lastFrame !== 'complete') return undefined;
  const quietSince = Math.max(state.lastFrameAt, state.closeSentAt);
  return Math.max(0, quietSince + gapMs - now);
}

/**
 * With word timestamps, the end is known exactly: every word sent has come back, the last one
 * verbatim, and a `complete` followed it.
 */
export function allWordsBack(sent: readonly string[], received: number, lastReceived: string | undefined): boolean {
  return sent.length > 0 && received === sent.length && lastReceived === sent[sent.length - 1];
}
