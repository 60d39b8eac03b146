// How the local server cuts text that arrives in pieces (a continuation) and text too long for one
// engine call: at sentence ends (see sentences.ts), else at a space, within the fragment bound.
import { MAX_FRAGMENT_CHARS } from './fragment-size.js';
import { sentenceEnds } from './sentences.js';

/** A buffer that ends a sentence is released once it holds at least this many characters (trimmed). */
const MIN_SENTENCE_RELEASE_CHARS = 30;

/** Where to cut a text longer than `max`: after the last sentence end within it, else at the last space, else at `max`. */
function cutPoint(text: string, max = MAX_FRAGMENT_CHARS): number {
  const window = text.slice(0, max + 1);
  const ends = sentenceEnds(window).filter((e) => e <= max && window.slice(0, e).trim() !== '');
  if (ends.length > 0) return ends[ends.length - 1];
  const space = window.lastIndexOf(' ', max);
  if (space > 0) return space;
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max; // keep a surrogate pair together
}

/** `text` cut into pieces of at most `max` characters, trimmed, blank ones left out. */
export function splitText(text: string, max = MAX_FRAGMENT_CHARS): string[] {
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
 * pieces of at most MAX_FRAGMENT_CHARS (cut at a space) of a sentence longer than that. Returns the
 * releases and the text still buffered.
 */
export function releasable(buffer: string): { segments: string[]; rest: string } {
  const segments: string[] = [];
  let rest = buffer;
  for (;;) {
    const end = sentenceEnds(rest).find((e) => rest.slice(0, e).trim().length >= MIN_SENTENCE_RELEASE_CHARS);
    const cut = end !== undefined && end <= MAX_FRAGMENT_CHARS ? end : rest.length > MAX_FRAGMENT_CHARS ? cutPoint(rest) : undefined;
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
