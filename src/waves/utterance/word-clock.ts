// Word times within a continuation: the service may count them from each release's audio or from the context's first audio.

export type WordConvention = 'per-release' | 'per-context';

/**
 * A first word at the release's start (in context time) or later, to within rounding, is counted
 * from the context: counted from the release it would start at its own leading silence, which is
 * shorter than any earlier release.
 */
const TOLERANCE_S = 0.002;

/**
 * Decides the convention from the first word of a release after the first one: counted from the
 * context, its start is at or after where the release began; counted from the release, it is near 0.
 * Undecided (undefined) while the release began too early to tell the two apart.
 */
export function detectConvention(firstWordStart: number, releaseStartS: number): WordConvention | undefined {
  if (releaseStartS <= 2 * TOLERANCE_S) return undefined;
  return firstWordStart >= releaseStartS - TOLERANCE_S ? 'per-context' : 'per-release';
}

/** A word's start and end in the context's audio (seconds from its first sample). */
export function inContextTime(word: { start: number; end: number }, convention: WordConvention | undefined, releaseStartS: number): { start: number; end: number } {
  if (convention === 'per-context') return { start: word.start, end: word.end };
  return { start: releaseStartS + word.start, end: releaseStartS + word.end };
}
