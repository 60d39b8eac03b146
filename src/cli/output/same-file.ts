// Refuses an output that is the input (`-f notes.txt -o notes.txt`, or another path, link or
// redirect to the same file): the finished audio would replace the text it was made from.
import { fstatSync, statSync, type Stats } from 'node:fs';
import { UsageError } from '../../core/errors.js';

function identity(stats: Stats | undefined): string | null {
  return stats && stats.isFile() ? `${stats.dev}:${stats.ino}` : null;
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined; // a missing output is the usual case; a missing input is reported when read
  }
}

/**
 * Throws a UsageError (exit 2) when the output file is the input file. `input` is a path, `-` or
 * undefined for stdin (compared when stdin is a regular file, as in `< notes.txt`).
 */
export function assertOutputIsNotInput(input: string | undefined, output: string | undefined): void {
  if (output === undefined || output === '-') return;
  const out = identity(statOf(output));
  if (!out) return;
  let stdin: Stats | undefined;
  if (input === undefined || input === '-') {
    try {
      stdin = fstatSync(0);
    } catch {
      stdin = undefined;
    }
  }
  const source = input === undefined || input === '-' ? stdin : statOf(input);
  if (identity(source) === out) {
    const named = input && input !== '-' ? `-f ${input}` : 'stdin';
    throw new UsageError(`The output ${output} is the input (${named}): writing the audio would replace the text.`, 'Choose another output file, e.g. -o out.wav.');
  }
}
