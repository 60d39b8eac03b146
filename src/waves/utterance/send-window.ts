// How much text a continuation may have out ahead of the audio heard so far, without counting on any `complete`.

/** Unheard text the service may hold at once: about two fragments, half a minute of speech. */
export const WINDOW_CHARS = 500;
/** A conservative speaking rate at speed 1 (most voices speak more): the estimate errs towards sending less. */
export const DEFAULT_CHARS_PER_SECOND = 13;

/** Characters of the text sent that the audio received so far has probably covered. */
export function heardCharsEstimate(audioSeconds: number, charsPerSecond: number): number {
  return audioSeconds * charsPerSecond;
}

/**
 * Whether the next fragment may go out: the unheard estimate leaves room, or the service has gone
 * quiet while text waits (it may be holding text until more comes: sending is the only way on).
 */
export function maySendMore(sentChars: number, audioSeconds: number, charsPerSecond: number, stalled: boolean): boolean {
  if (stalled) return true;
  return sentChars - heardCharsEstimate(audioSeconds, charsPerSecond) < WINDOW_CHARS;
}
