// Streams a text source as numbered lines (LF or CRLF), holding one chunk and one line in memory at a time.
import { createReadStream } from 'node:fs';

interface NumberedLine {
  /** 1-based. */
  line: number;
  text: string;
}

/** The decoded text of a file, chunk by chunk (UTF-8; a leading byte-order mark is dropped). */
export async function* readChunks(path: string): AsyncGenerator<string> {
  let first = true;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 })) {
    const text = chunk as string;
    yield first && text.startsWith('\uFEFF') ? text.slice(1) : text;
    first = false;
  }
}

/** Every line of the chunks, including blank ones, without its line ending; a final line without one counts too. */
export async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<NumberedLine> {
  let rest = '';
  let line = 0;
  for await (const chunk of chunks) {
    rest += chunk;
    let start = 0;
    let at: number;
    while ((at = rest.indexOf('\n', start)) !== -1) {
      const text = rest.slice(start, at);
      start = at + 1;
      yield { line: ++line, text: text.endsWith('\r') ? text.slice(0, -1) : text };
    }
    rest = rest.slice(start);
  }
  if (rest !== '') yield { line: ++line, text: rest.endsWith('\r') ? rest.slice(0, -1) : rest };
}
