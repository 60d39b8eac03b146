// Where the text comes from: arguments, a file, or stdin (when it is not a terminal); empty text is a usage error.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';

export interface TextSources {
  args: string[];
  /** A path, or '-' for stdin. */
  file?: string;
  stdin: NodeJS.ReadableStream;
  stdinIsTerminal: boolean;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(typeof part === 'string' ? Buffer.from(part) : part);
  return Buffer.concat(parts).toString('utf8');
}

async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`Cannot read ${path}: ${why}.`);
  }
}

export async function readText(sources: TextSources): Promise<string> {
  const { args, file, stdin, stdinIsTerminal } = sources;
  if (file !== undefined && args.length > 0) {
    throw new UsageError('Give the text as arguments or with --file, not both.');
  }
  let text: string;
  if (file === '-') text = await readStream(stdin);
  else if (file !== undefined) text = await readTextFile(file);
  else if (args.length > 0) text = args.join(' ');
  else if (!stdinIsTerminal) text = await readStream(stdin);
  else throw new UsageError('No text to speak.', 'Give it as arguments, with -f FILE, or on stdin: echo hi | smallest-tts say');
  if (text.trim() === '') throw new UsageError('The text is empty: there is nothing to speak.');
  return text;
}
