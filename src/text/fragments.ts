// Any text input — a string, pieces from a pipe, tokens from an LLM — as fragments of complete sentences, released as soon as known.
import { chunkText, TextChunker } from './chunk.js';

export type TextInput = string | Iterable<string> | AsyncIterable<string>;

interface FragmentOptions {
  maxChars?: number;
  language?: string;
  /** A pause in the input this long releases pending text that ends a sentence or a line. Default 150 ms. */
  sentencePauseMs?: number;
  /** A pause this long releases whatever is pending. Default 1500 ms. */
  anyPauseMs?: number;
}

function isAsync(input: TextInput): input is AsyncIterable<string> {
  return typeof (input as AsyncIterable<string>)[Symbol.asyncIterator] === 'function';
}

async function* fromIterable(pieces: Iterable<string>, maxChars?: number): AsyncGenerator<string> {
  const chunker = new TextChunker({ maxChars, release: 'sentence' });
  for (const piece of pieces) yield* chunker.push(piece);
  yield* chunker.end();
}

const PAUSE = Symbol('pause');

/** Pieces from an async source; while the source is quiet, pending text is released after a pause. */
async function* fromAsync(pieces: AsyncIterable<string>, options: FragmentOptions): AsyncGenerator<string> {
  const chunker = new TextChunker({ maxChars: options.maxChars, release: 'sentence' });
  const sentencePause = options.sentencePauseMs ?? 150;
  const anyPause = options.anyPauseMs ?? 1500;
  const source = pieces[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<string>> | null = null;
  let lineEnded = false;
  try {
    for (;;) {
      next ??= source.next();
      let result: IteratorResult<string> | typeof PAUSE;
      if (chunker.buffered.trim() === '') {
        result = await next;
      } else {
        // Wait for more text, but not forever: a pause means the producer has finished a thought.
        const waited = Math.min(sentencePause, anyPause);
        let timer: NodeJS.Timeout | undefined;
        const pause = new Promise<typeof PAUSE>((resolve) => (timer = setTimeout(resolve, waited, PAUSE)));
        result = await Promise.race([next, pause]);
        clearTimeout(timer);
        if (result === PAUSE) {
          const released = lineEnded ? chunker.flush('words') : chunker.flush('sentence');
          if (released.length > 0) {
            yield* released;
            continue;
          }
          // No sentence end: wait for the longer pause before giving up on the sentence.
          const rest = new Promise<typeof PAUSE>((resolve) => (timer = setTimeout(resolve, anyPause - waited, PAUSE)));
          result = await Promise.race([next, rest]);
          clearTimeout(timer);
          if (result === PAUSE) {
            yield* chunker.flush('words');
            continue;
          }
        }
      }
      next = null;
      if (result.done) break;
      const piece = typeof result.value === 'string' ? result.value : String(result.value);
      if (piece.trim() !== '') lineEnded = /\n\s*$/.test(piece);
      else if (piece.includes('\n')) lineEnded = true;
      yield* chunker.push(piece);
      // A line that ends a sentence is complete now: no pause needed to know it.
      if (lineEnded) yield* chunker.flush('sentence');
    }
    yield* chunker.end();
  } finally {
    if (next === null) await source.return?.();
    else void source.return?.()?.catch(() => {});
  }
}

/**
 * Fragments (≤ maxChars, trimmed, whitespace folded) for any text input. A whole string is cut by
 * `chunkText`; pieces that arrive over time are released sentence by sentence as they complete.
 */
export function textFragments(input: TextInput, options: FragmentOptions = {}): AsyncIterator<string> {
  if (typeof input === 'string') {
    const chunks = chunkText(input, { maxChars: options.maxChars, language: options.language });
    return (async function* () {
      yield* chunks;
    })();
  }
  return isAsync(input) ? fromAsync(input, options) : fromIterable(input, options.maxChars);
}
