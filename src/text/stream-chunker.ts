// Cuts text that arrives in pieces into fragments of complete sentences (≤ maxChars), as soon as each is known to be complete.
import { endsSentence } from './sentence-end.js';

/**
 * The end of the last (or, with `first`, the first) sentence in `text` after `from` that ends at or
 * before `limit`, is followed by white space and then by a character that does not continue it
 * (not a lower-case letter, as in '"Really?" she asked'); -1 when there is none yet.
 */
function sentenceBreak(text: string, from: number, limit: number, first: boolean): number {
  const pattern = /[.!?…。！？]["'”’)\]»]*(\s+)(?=(\S))/gu;
  pattern.lastIndex = from;
  let at = -1;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const end = m.index + m[0].length - m[1].length;
    if (end > limit) break;
    if (/\p{Ll}/u.test(m[2]) || !endsSentence(text.slice(Math.max(from, end - 40), end))) continue;
    at = end;
    if (first) break;
  }
  return at;
}

/** The last space at or before `limit`, past a third of it; else `limit`. */
function cutAt(text: string, limit: number): number {
  const space = text.lastIndexOf(' ', limit);
  if (space > limit / 3) return space;
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit; // keep a surrogate pair together
}

export interface StreamChunkerOptions {
  /** Upper bound on a fragment's characters. The vendor recommends at most about 250. */
  maxChars?: number;
}

/**
 * Text in, fragments out: `push` returns the fragments that became complete; `flush` releases what
 * is pending (after a pause in the input); `end` releases the rest. Whitespace is folded to single
 * spaces; no character is lost or repeated, whatever the split points of the input. Work per push
 * is bounded by the pending text, never by all the text seen.
 */
export class StreamChunker {
  private readonly maxChars: number;
  private pending = '';
  private first = true;

  constructor(options: StreamChunkerOptions = {}) {
    this.maxChars = Math.max(20, options.maxChars ?? 250);
  }

  /** Text not yet released (folded). */
  get buffered(): string {
    return this.pending;
  }

  push(text: string): string[] {
    this.pending += text.replace(/\s+/g, ' ');
    const out: string[] = [];
    for (;;) {
      this.pending = this.pending.trimStart();
      // The first fragment is one sentence, so the first audio comes soon; later ones pack sentences up to maxChars.
      const end = sentenceBreak(this.pending, 0, this.maxChars, this.first);
      if (end > 0) {
        this.release(out, end);
        continue;
      }
      if (this.pending.length <= this.maxChars) break;
      this.release(out, cutAt(this.pending, this.maxChars));
    }
    return out;
  }

  private release(out: string[], end: number): void {
    const fragment = this.pending.slice(0, end).trim();
    this.pending = this.pending.slice(end);
    if (fragment) {
      out.push(fragment);
      this.first = false;
    }
  }

  /**
   * After a pause. `sentence`: releases pending text that ends a sentence ("9." may still become
   * 9.30, so not that). `words`: releases every complete word, keeping a word still being typed
   * (text after the last space). `all`: everything (the end of the input).
   */
  flush(mode: 'sentence' | 'words' | 'all' = 'sentence'): string[] {
    const text = this.pending.trim();
    if (!text) return [];
    if (mode === 'sentence' && (!endsSentence(text) || /\d\.$/.test(text))) return [];
    let keep = '';
    if (mode === 'words' && !/\s$/.test(this.pending)) {
      const space = text.lastIndexOf(' ');
      if (space < 0) return [];
      keep = text.slice(space + 1);
    }
    const out: string[] = [];
    this.pending = keep ? text.slice(0, text.length - keep.length) : text;
    // Whole text may exceed maxChars only when no space allowed a cut: cut it anyway.
    while (this.pending.trim().length > this.maxChars) this.release(out, cutAt(this.pending, this.maxChars));
    this.release(out, this.pending.length);
    this.pending = keep;
    return out;
  }

  end(): string[] {
    return this.flush('all');
  }
}
