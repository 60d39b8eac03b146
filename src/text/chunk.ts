// Splits text into requests of bounded size at sentence boundaries (else at a space, else hard):
// all at once (chunkText, lazy) or as text streams in (TextChunker). Linear in the text's length.

export interface ChunkOptions {
  /** Upper bound on one request's characters. The vendor recommends at most about 250. */
  maxChars?: number;
  /** BCP 47 code for sentence rules. */
  language?: string;
  /**
   * Characters given to the sentence segmenter at a time (default 4096). Segmenting a whole long
   * text at once is super-linear in V8; a bounded window keeps chunking linear. Tests shrink it.
   */
  windowChars?: number;
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

/** A single line break is wrapping, not the end of a sentence; a blank line still is. */
const WRAPPED_LINE = /([^\n])\r?\n(?=[^\r\n])/g;
/** Line breaks at the end of what has arrived: whether they wrap depends on what comes next. */
const TRAILING_BREAKS = /[\r\n]+$/;
/**
 * A character that ends the segmenter's look-ahead after a sentence terminator (a letter, a
 * paragraph separator): a boundary followed by one of these inside the window is final, whatever
 * text comes after the window. ("end. 5 apples" has no boundary; "end. 5" cut there would have one.)
 */
const SETTLES_BOUNDARY = /[\p{L}\p{Nl}\r\n\u0085\u2028\u2029]/u;
/** Index of the last character in text[from, to) after which a boundary is final, or -1. */
function lastSettling(text: string, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (SETTLES_BOUNDARY.test(text[i])) return i;
  return -1;
}

/**
 * The segmenter ends a sentence after "Mr." (V8's ICU has no abbreviation list): a segment ending
 * in a title is joined to the next, so "Mr." is never a request of its own.
 */
const ENDS_WITH_TITLE = /(?:^|[\s("'“‘])(?:Mr|Mrs|Ms|Mx|Dr|Prof|Rev|Hon|Gen|Col|Capt|Lt|Sgt|Fr|St|Mt|Messrs|Mme|Mlle|vs)\.\s*$/;

/**
 * Incremental chunker for streamed text (e.g. tokens from a language model): push text as it
 * arrives and get back the pieces that are complete, then end() for the rest. Pieces are at most
 * `maxChars`, trimmed, whitespace runs folded to one space; the first sentence goes alone so the
 * first audio comes soon, later sentences are packed together. The pieces are the same whatever
 * the split points of the input: a piece is released once no later text could change it.
 */
export class TextChunker {
  private readonly maxChars: number;
  private readonly windowChars: number;
  private readonly segmenter: Intl.Segmenter;
  /** Unwrapped text not yet segmented. */
  private pending = '';
  /** Raw line breaks at the end of the input, held until the next character decides them. */
  private heldBreaks = '';
  /** The last raw character before heldBreaks: the context of the next line break. */
  private context = '';
  /** Sentences packed so far into the next piece. */
  private current = '';
  /** A segment ending in a title ("Mr."), waiting for the rest of its sentence. */
  private title = '';
  private first = true;
  /** Pending text up to here is known to hold no sentence boundary (segmenting resumes there). */
  private freeUpTo = 0;

  constructor(options: ChunkOptions = {}) {
    this.maxChars = Math.max(20, options.maxChars ?? 250);
    this.windowChars = Math.max(16, options.windowChars ?? 4096);
    this.segmenter = new Intl.Segmenter(options.language ?? 'en', { granularity: 'sentence' });
  }

  /** Adds text; returns the pieces that can no longer change. */
  push(text: string): string[] {
    this.append(text, false);
    return [...this.release(false)];
  }

  /** No more text: returns the remaining pieces. The chunker is then empty and can be reused. */
  end(): string[] {
    this.append('', true);
    const pieces = [...this.release(true)];
    this.first = true;
    this.context = '';
    this.freeUpTo = 0;
    return pieces;
  }

  /** Unwraps single line breaks; trailing ones wait for the next character unless this is the end. */
  private append(text: string, final: boolean): void {
    let raw = this.heldBreaks + text;
    if (raw === '') return;
    this.heldBreaks = '';
    if (!final) {
      const held = TRAILING_BREAKS.exec(raw);
      if (held) {
        this.heldBreaks = held[0];
        raw = raw.slice(0, held.index);
        if (raw === '') return;
      }
    }
    const unwrapped = `${this.context}${raw}`.replace(WRAPPED_LINE, '$1 ').slice(this.context.length);
    this.context = raw.at(-1)!;
    this.pending += unwrapped;
  }

  /** Segments pending text in bounded windows and yields the pieces that are final. */
  private *release(final: boolean): Generator<string> {
    while (this.pending !== '') {
      const { sentences, consumed } = this.nextSentences(final);
      this.pending = this.pending.slice(consumed);
      for (const segment of sentences) {
        if (ENDS_WITH_TITLE.test(segment.slice(-12))) {
          this.title += segment;
          continue;
        }
        const sentence = this.title + segment;
        this.title = '';
        yield* this.pack(sentence);
      }
      if (consumed === 0) break;
    }
    if (final && this.title) {
      const sentence = this.title;
      this.title = '';
      yield* this.pack(sentence);
    }
    if (final && this.current) {
      yield this.current;
      this.current = '';
    }
  }

  /**
   * The sentences at the start of pending text whose ends are certain. The segmenter sees a
   * bounded window: a boundary counts only when a letter or a paragraph break follows it inside the
   * window (what the segmenter's look-ahead needs), so no later text can move it. A window without
   * such a boundary has none before its last letter either, and the next window starts there; so
   * does the next push (`freeUpTo`), which keeps streamed text and endless sentences linear.
   */
  private nextSentences(final: boolean): { sentences: string[]; consumed: number } {
    const { pending } = this;
    // No boundary at or before `free`; segmenting starts one character earlier, for context.
    let free = Math.min(this.freeUpTo, pending.length);
    for (let size = this.windowChars; ; ) {
      const base = Math.max(0, free - 1);
      const end = Math.min(pending.length, base + size);
      const whole = end === pending.length;
      const starts: number[] = [];
      for (const { index } of this.segmenter.segment(pending.slice(base, end))) if (base + index > free) starts.push(base + index);
      let consumed = 0;
      if (whole && final) consumed = end;
      else for (let k = starts.length - 1; k >= 0 && consumed === 0; k--) if (SETTLES_BOUNDARY.test(pending.slice(starts[k], end))) consumed = starts[k];
      if (consumed > 0) {
        this.freeUpTo = 0;
        const cuts = [0, ...starts.filter((at) => at < consumed), consumed];
        return { sentences: cuts.slice(1).map((at, i) => pending.slice(cuts[i], at)), consumed };
      }
      const settled = lastSettling(pending, base, end);
      if (whole) {
        this.freeUpTo = Math.max(free, settled);
        return { sentences: [], consumed: 0 };
      }
      if (settled > free) {
        free = settled;
        size = this.windowChars;
      } else {
        size *= 2; // a long run without letters: look further
      }
    }
  }

  /** Packs one sentence into the current piece; yields the pieces that are full. */
  private *pack(segment: string): Generator<string> {
    const sentence = segment.replace(/\s+/g, ' ').trim();
    if (!sentence) return;
    for (const piece of splitLong(sentence, this.maxChars)) {
      if (this.current && this.current.length + 1 + piece.length > this.maxChars) {
        yield this.current;
        this.current = piece;
      } else {
        this.current = this.current ? `${this.current} ${piece}` : piece;
      }
    }
    if (this.first && this.current) {
      yield this.current;
      this.current = '';
      this.first = false;
    }
  }

  /** All of `text` at once, lazily: what chunkText uses. */
  *chunkAll(text: string): Generator<string> {
    this.append(text, false);
    yield* this.release(false);
    yield* this.end();
  }
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
  yield* new TextChunker(options).chunkAll(text);
}
