// Cuts text into fragments of bounded size at sentence ends (else after a clause mark or at a space,
// else hard): a whole string at once (chunkText, lazy) or as it streams in (TextChunker). Linear in
// the text's length, whatever the split points.
import { MAX_FRAGMENT_CHARS, MIN_FRAGMENT_CHARS } from './fragment-size.js';
import { endsSentence, sentenceEnds, undecidedFrom } from './sentences.js';

interface ChunkOptions {
  /** Upper bound on one fragment's characters: default MAX_FRAGMENT_CHARS, at least MIN_FRAGMENT_CHARS. */
  maxChars?: number;
  /** BCP 47 code of the text's language. The sentence rules (sentences.ts) are the same for all of them today. */
  language?: string;
  /**
   * When a fragment goes out. `full` (the default): once the next sentence would not fit, or at the
   * end, so the fragments are the same whatever the split points of the input. `sentence`: at each
   * push, every sentence complete so far (several arriving together are packed), for live text
   * where waiting for more costs latency.
   */
  release?: 'full' | 'sentence';
}

/** Where to cut a sentence longer than `limit`: after the last clause mark, else at the last space (past a third of it), else -1. */
function lastBreak(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  for (const pattern of [/[,;:]\s/g, /\s/g]) {
    let at = -1;
    for (const m of window.matchAll(pattern)) if (m.index > 0) at = m.index + m[0].length - 1;
    if (at > limit / 3) return at;
  }
  return -1;
}

/** The first cut of a text longer than `maxChars`: lastBreak, else at the bound (keeping a surrogate pair together). */
function cutAt(text: string, maxChars: number): number {
  const cut = lastBreak(text, maxChars);
  if (cut > 0) return cut;
  const code = text.charCodeAt(maxChars - 1);
  return code >= 0xd800 && code <= 0xdbff ? maxChars - 1 : maxChars;
}

/** A single line break is wrapping, not the end of a sentence; a blank line still is. */
const WRAPPED_LINE = /([^\n])\r?\n(?=[^\r\n])/g;
/** Line breaks at the end of what has arrived: whether they wrap depends on what comes next. */
const TRAILING_BREAKS = /[\r\n]+$/;
/** White space other than one plain space (matching single spaces too would cost a match per word). */
const SPACE_RUN = /\s{2,}|[^\S ]/g;
/** How much of a whole text chunkAll takes at a time. */
const BLOCK_CHARS = 16 * 1024;
/**
 * White space folded to one space; after unwrapping, a run with a line break in it is a paragraph
 * break, which ends a sentence: it becomes one "\n".
 */
const fold = (text: string) => text.replace(SPACE_RUN, (run) => (/[\r\n\u2028\u2029]/.test(run) ? '\n' : ' '));

/**
 * Incremental chunker for streamed text (e.g. tokens from a language model): push text as it
 * arrives and get back the fragments that are complete, then end() for the rest. Fragments are at
 * most `maxChars`, trimmed, white space folded to one space; the first sentence goes alone so the
 * first audio comes soon, later sentences are packed together. Sentences end where sentences.ts
 * says, and at a blank line; a sentence longer than the bound is cut after a clause mark, else at
 * a space. A piece is cut once no later text could change it.
 */
export class TextChunker {
  private readonly maxChars: number;
  private readonly eager: boolean;
  /** Unwrapped text not yet cut, its white space folded ("\n" for a paragraph break): the open sentence, or more. */
  private pending = '';
  /** Raw line breaks at the end of the input, held until the next character decides them. */
  private heldBreaks = '';
  /** The last raw character before heldBreaks: the context of the next line break. */
  private context = '';
  /** Sentences (and pieces of a long one) packed so far into the next fragment. */
  private current = '';
  private first = true;
  /** Pending text before this offset holds no sentence end or paragraph break: each push scans only what is new. */
  private scanFrom = 0;

  constructor(options: ChunkOptions = {}) {
    this.maxChars = Math.max(MIN_FRAGMENT_CHARS, options.maxChars ?? MAX_FRAGMENT_CHARS);
    this.eager = options.release === 'sentence';
  }

  /** Text not yet released. */
  get buffered(): string {
    return `${this.current} ${this.pending}`.trim();
  }

  /** Adds text; returns the fragments that can no longer change. */
  push(text: string): string[] {
    this.append(text, false);
    const out = [...this.cut(false)];
    if (this.eager && this.current) out.push(this.take());
    return out;
  }

  /**
   * After a pause in the input. `sentence`: releases what is buffered if it ends a sentence ("9."
   * may still become 9.30, so not that). `words`: every complete word, keeping a word still being
   * typed (after the last space). `all`: everything.
   */
  flush(mode: 'sentence' | 'words' | 'all' = 'sentence'): string[] {
    const text = this.buffered;
    if (!text) return [];
    if (mode === 'sentence' && (!endsSentence(text) || /\d\.$/.test(text))) return [];
    let keep = '';
    if (mode === 'words' && !this.heldBreaks && /\S$/.test(this.pending)) {
      const space = text.lastIndexOf(' ');
      if (space < 0) return [];
      keep = text.slice(space + 1);
      this.pending = this.pending.slice(0, this.pending.length - keep.length);
    }
    const out = [...this.cut(true)];
    if (this.current) out.push(this.take());
    this.pending = keep;
    return out;
  }

  /** No more text: returns the remaining fragments. The chunker is then empty and can be reused. */
  end(): string[] {
    this.append('', true);
    const out = [...this.cut(true)];
    if (this.current) out.push(this.take());
    this.first = true;
    this.context = '';
    return out;
  }

  /** All of `text`, lazily: what chunkText uses. Fed in blocks, which gives the same fragments and keeps every string built small. */
  *chunkAll(text: string): Generator<string> {
    for (let at = 0; at < text.length; at += BLOCK_CHARS) {
      this.append(text.slice(at, at + BLOCK_CHARS), false);
      yield* this.cut(false);
    }
    yield* this.end();
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
    // Only the last character of folded text can join a run of white space that arrives now.
    const joins = /\s$/.test(this.pending) ? 1 : 0;
    this.pending = this.pending.slice(0, this.pending.length - joins) + fold(this.pending.slice(this.pending.length - joins) + unwrapped);
  }

  /**
   * Cuts pending text at each sentence end that is certain (the next word has arrived), and at
   * each paragraph break; with `final`, the rest is a sentence too. Otherwise the open sentence,
   * once longer than the bound, gives up its leading pieces: their cuts depend only on what has
   * arrived, so the open sentence (and each push's work) stays within about the bound.
   */
  private *cut(final: boolean): Generator<string> {
    const text = this.pending;
    const ends = sentenceEnds(text, 'waits', this.scanFrom);
    for (let at = text.indexOf('\n', this.scanFrom); at >= 0; at = text.indexOf('\n', at + 1)) ends.push(at);
    if (final) ends.push(text.length);
    let start = 0;
    for (const end of ends.sort((a, b) => a - b)) {
      yield* this.sentence(text.slice(start, end));
      start = end;
    }
    let rest = text.slice(start).trimStart();
    // One more character than the bound must have arrived: the last one may still become a paragraph break.
    while (rest.length > this.maxChars + 1) {
      const cut = cutAt(rest, this.maxChars);
      yield* this.pack(rest.slice(0, cut).trim());
      rest = rest.slice(cut).trimStart();
    }
    this.pending = rest;
    this.scanFrom = undecidedFrom(rest);
  }

  /** One whole sentence: packed, cut if longer than the bound; the first sentence goes out alone. */
  private *sentence(segment: string): Generator<string> {
    let rest = segment.trim();
    if (!rest) return;
    while (rest.length > this.maxChars) {
      const cut = cutAt(rest, this.maxChars);
      yield* this.pack(rest.slice(0, cut).trim());
      rest = rest.slice(cut).trim();
    }
    if (rest) yield* this.pack(rest);
    if (this.first && this.current) {
      this.first = false;
      yield this.take();
    }
  }

  /** Packs one piece of a sentence into the current fragment; yields the fragment it no longer fits in. */
  private *pack(piece: string): Generator<string> {
    if (this.current && this.current.length + 1 + piece.length > this.maxChars) yield this.take();
    this.current = this.current ? `${this.current} ${piece}` : piece;
  }

  private take(): string {
    const fragment = this.current;
    this.current = '';
    return fragment;
  }
}

/**
 * Yields trimmed fragments of at most `maxChars`, white space folded to one space. The first
 * sentence goes alone so the first audio comes soon; later sentences are packed together.
 */
export function* chunkText(text: string, options: ChunkOptions = {}): Generator<string> {
  const maxChars = Math.max(MIN_FRAGMENT_CHARS, options.maxChars ?? MAX_FRAGMENT_CHARS);
  if (text.length <= maxChars) {
    // One fragment either way: no need to look for sentences.
    const folded = text.replace(/\s+/g, ' ').trim();
    if (folded) yield folded;
    return;
  }
  yield* new TextChunker(options).chunkAll(text);
}
