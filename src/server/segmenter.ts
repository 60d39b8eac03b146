// Where continuation text may be cut: sentence ends (not decimals or abbreviations) and the 250-character bound.
import { isAbbreviation } from '../text/sentence-end.js';

/** A buffer that ends a sentence is released once it holds at least this many characters (trimmed). */
export const MIN_SENTENCE_RELEASE_CHARS = 30;
/** The most characters one segment (or one engine call) gets; longer text is split. */
export const MAX_SEGMENT_CHARS = 250;

const CLOSERS = new Set(['"', "'", ')', ']', '”', '’', '»']);

/** Whether the `.` at `dot` ends an abbreviation or an initial ("Dr.", "e.g.", "J."). */
function abbreviationAt(text: string, dot: number): boolean {
  let start = dot;
  while (start > 0 && !/\s/.test(text[start - 1])) start--;
  return isAbbreviation(text.slice(start, dot));
}

/**
 * Offsets just past each sentence end in `text` (after closing quotes). A mark counts only when
 * whitespace follows, or it is the last thing in the text and cannot be the start of a decimal.
 */
export function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '.' && ch !== '?' && ch !== '!' && ch !== '…') continue;
    const at = i;
    let marks = i + 1;
    while (marks < text.length && '.?!…'.includes(text[marks])) marks++; // "...", "?!"
    let j = marks;
    while (j < text.length && CLOSERS.has(text[j])) j++;
    i = j - 1;
    const atEnd = j === text.length;
    if (!atEnd && !/\s/.test(text[j])) continue; // 3.14, e.g.x, U.S.A
    if (ch === '.' && marks === at + 1) {
      if (abbreviationAt(text, at)) continue;
      if (atEnd && /\d/.test(text[at - 1] ?? '')) continue; // "costs 3." may become "3.14"
    }
    ends.push(j);
  }
  return ends;
}

/** Where to cut a text longer than `max`: after the last sentence end within it, else at the last space, else at `max`. */
export function cutPoint(text: string, max = MAX_SEGMENT_CHARS): number {
  const window = text.slice(0, max + 1);
  const ends = sentenceEnds(window).filter((e) => e <= max && window.slice(0, e).trim() !== '');
  if (ends.length > 0) return ends[ends.length - 1];
  const space = window.lastIndexOf(' ', max);
  if (space > 0) return space;
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max; // keep a surrogate pair together
}

/** `text` cut into pieces of at most `max` characters, trimmed, blank ones left out. */
export function splitText(text: string, max = MAX_SEGMENT_CHARS): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    pieces.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim() !== '') pieces.push(rest.trim());
  return pieces.filter((p) => p !== '');
}

/**
 * What a continuation buffer releases now by its text alone, one sentence per release: each sentence
 * end once the release holds at least 30 characters (a shorter sentence waits to join the next), and
 * 250-character pieces (cut at a space) of a sentence longer than that. Returns the releases and the
 * text still buffered.
 */
export function releasable(buffer: string): { segments: string[]; rest: string } {
  const segments: string[] = [];
  let rest = buffer;
  for (;;) {
    const end = sentenceEnds(rest).find((e) => rest.slice(0, e).trim().length >= MIN_SENTENCE_RELEASE_CHARS);
    const cut = end !== undefined && end <= MAX_SEGMENT_CHARS ? end : rest.length > MAX_SEGMENT_CHARS ? cutPoint(rest) : undefined;
    if (cut === undefined) break;
    const piece = rest.slice(0, cut).trim();
    if (piece !== '') segments.push(piece);
    rest = rest.slice(cut);
  }
  if (rest.trim() === '') rest = '';
  return { segments, rest };
}

/** Everything buffered, released now (the context closes or its wait ran out): one sentence per release, the unfinished rest last. */
export function releaseAll(buffer: string): string[] {
  const { segments, rest } = releasable(buffer);
  return rest === '' ? segments : [...segments, rest.trim()];
}
