// Where the text comes from: arguments (a string), or a file, stdin or a FIFO read as it arrives; no text is a usage error.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import { isFifo, openFifoForReading } from '../core/files/fifo.js';
import type { TextInput } from './fragments.js';

interface TextSources {
  args: string[];
  /** A path, or '-' for stdin. */
  file?: string;
  /** Asked for only when the text comes from stdin: opening the process's stdin costs a stream (a pipe, a reader). */
  stdin: () => { stream: NodeJS.ReadableStream; isTerminal: boolean };
  /** Aborting ends every wait for text (a FIFO's writer, a quiet pipe): the stream is destroyed. */
  signal?: AbortSignal;
}

/**
 * Whether text has anything a voice can say: a letter, a digit or a symbol. Text of nothing but
 * punctuation, spaces and control characters (`...`, `?!`) would buy a request for silence.
 */
function hasSpeakable(text: string): boolean {
  return /[^\p{P}\p{Z}\p{C}\s]/u.test(text);
}

export const NOTHING_TO_SPEAK = 'The text is empty or only punctuation: there is nothing to speak.';

async function* decoded(stream: NodeJS.ReadableStream, signal?: AbortSignal): AsyncGenerator<string> {
  stream.setEncoding?.('utf8'); // a multi-byte character split across reads is joined
  const stop = () => (stream as NodeJS.ReadableStream & { destroy?(): void }).destroy?.();
  if (signal?.aborted) return stop();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const part of stream) yield typeof part === 'string' ? part : part.toString('utf8');
  } catch (error) {
    if (!signal?.aborted) throw error; // a stream destroyed by the signal just ends
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

function cannotRead(path: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
  return new UsageError(`Cannot read ${path}: ${why}.`);
}

/**
 * Opens the file now, so a missing one is reported before anything connects; its text is then read
 * as it comes. A FIFO is opened once, as `cat` would (waiting for a writer), and read without a
 * blocked thread, so a signal always ends the wait.
 */
async function fileText(path: string, signal?: AbortSignal): Promise<AsyncIterable<string>> {
  if (isFifo(path)) {
    try {
      return decoded(await openFifoForReading(path, signal), signal);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw cannotRead(path, error);
    }
  }
  let handle;
  try {
    handle = await open(path, 'r');
    if ((await handle.stat()).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
  } catch (error) {
    await handle?.close();
    throw cannotRead(path, error);
  }
  return decoded(createReadStream(path, { fd: handle, autoClose: true }), signal);
}

/**
 * The text to speak: a string from arguments, else pieces read as they arrive (so speech can begin
 * before a pipe closes). Whether piped text is empty is known only at its end: see `nonEmpty`.
 */
export async function textInput(sources: TextSources): Promise<TextInput> {
  const { args, file } = sources;
  if (file !== undefined && args.length > 0) {
    throw new UsageError('Give the text as arguments or as a file, not both.', { code: 'text_twice' });
  }
  if (file === '-') return decoded(sources.stdin().stream, sources.signal);
  if (file !== undefined) return fileText(file, sources.signal);
  if (args.length > 0) {
    const text = args.join(' ');
    if (!hasSpeakable(text)) throw new UsageError(NOTHING_TO_SPEAK);
    return text;
  }
  const stdin = sources.stdin();
  if (!stdin.isTerminal) return decoded(stdin.stream, sources.signal);
  throw new UsageError('No text to speak.', { code: 'no_text' });
}

/**
 * Waits for the first text with something to speak, so nothing connects for empty input (or only
 * punctuation). Returns the whole input again (nothing consumed is lost), or null when it ended
 * with nothing to speak.
 */
export async function whenTextArrives(input: TextInput): Promise<TextInput | null> {
  if (typeof input === 'string') return hasSpeakable(input) ? input : null;
  if (!(Symbol.asyncIterator in input)) return input;
  const source = (input as AsyncIterable<string>)[Symbol.asyncIterator]();
  const seen: string[] = [];
  for (;;) {
    const next = await source.next();
    if (next.done) return null;
    seen.push(next.value);
    if (hasSpeakable(next.value)) break;
  }
  return (async function* () {
    yield seen.join('');
    for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
  })();
}
