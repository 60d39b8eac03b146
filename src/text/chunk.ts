// Splits text into requests of bounded size at sentence boundaries (else at a space, else hard), lazily.

export interface ChunkOptions {
  /** Upper bound on one request's characters. The vendor recommends at most about 250. */
  maxChars?: number;
  /** BCP 47 code for sentence rules. */
  language?: string;
}

function lastBreak(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  for (const pattern of [/[,;:]\s/g, /\s/g]) {
    let at = -1;
    for (const m of window.matchAll(pattern)) if (m.index > 0) at = m.index + m[0].length - 1;
    if (at > limit / 3) return at;
  }
  return -1;
}

/** A sentence longer than the bound, cut after a clause mark, else at a space, else at the bound. */
function* splitLong(sentence: string, maxChars: number): Generator<string> {
  let rest = sentence;
  while (rest.length > maxChars) {
    let cut = lastBreak(rest, maxChars);
    if (cut <= 0) {
      cut = maxChars;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // keep a surrogate pair together
    }
    yield rest.slice(0, cut).trim();
    rest = rest.slice(cut).trim();
  }
  if (rest) yield rest;
}

/**
 * Yields trimmed pieces of at most `maxChars`, whitespace runs folded to one space. The first
 * sentence goes alone so the first audio comes soon; later sentences are packed together.
 */
export function* chunkText(text: string, options: ChunkOptions = {}): Generator<string> {
  const maxChars = Math.max(20, options.maxChars ?? 250);
  if (text.length <= maxChars) {
    // One request either way; building a Segmenter (ICU data) would cost more than the request.
    const folded = text.replace(/\s+/g, ' ').trim();
    if (folded) yield folded;
    return;
  }
  const segmenter = new Intl.Segmenter(options.language ?? 'en', { granularity: 'sentence' });
  // A single line break is wrapping, not the end of a sentence; a blank line still is.
  const unwrapped = text.replace(/([^\n])\r?\n(?=[^\r\n])/g, '$1 ');
  let current = '';
  let first = true;
  for (const { segment } of segmenter.segment(unwrapped)) {
    const sentence = segment.replace(/\s+/g, ' ').trim();
    if (!sentence) continue;
    for (const piece of splitLong(sentence, maxChars)) {
      if (current && current.length + 1 + piece.length > maxChars) {
        yield current;
        current = piece;
      } else {
        current = current ? `${current} ${piece}` : piece;
      }
    }
    if (first && current) {
      yield current;
      current = '';
      first = false;
    }
  }
  if (current) yield current;
}
