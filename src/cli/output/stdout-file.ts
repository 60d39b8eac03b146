// `say hi > out.wav`: stdout is a regular file the shell opened with an audio extension, so the
// audio goes there in that format; a WAV header gets the true length at the end when the file was
// written from its start. `say done > build.log` still speaks.
import { fstatSync, readFileSync, readlinkSync, writeSync } from 'node:fs';
import { extname } from 'node:path';
import { FORMAT_INFO, OUTPUT_FORMATS, type OutputFormat } from '../../audio/formats.js';
import { wavHeader } from '../../audio/wav.js';

/** O_APPEND in Linux's open flags (/proc/self/fdinfo shows them in octal). */
const O_APPEND = 0o2000;

export interface StdoutFile {
  /** The format its name's extension gives (`out.mp3`: mp3). */
  format: OutputFormat;
  /** Written from offset 0 and not appended to (`>`, not `>>`): the header can be rewritten in place. */
  fromStart: boolean;
}

/** The format of an audio file's extension, or null for any other name (a log, no extension). */
function audioFormatOf(path: string): OutputFormat | null {
  const ext = extname(path).toLowerCase();
  return OUTPUT_FORMATS.find((f) => FORMAT_INFO[f].extensions.includes(ext)) ?? null;
}

/**
 * stdout as a regular file named like audio (`> out.wav`, `>> take.mp3`), or null: a terminal, a
 * pipe, a device, or a file of another name. Call before anything is written.
 */
export function stdoutFile(fd = 1): StdoutFile | null {
  let format: OutputFormat | null;
  try {
    if (!fstatSync(fd).isFile()) return null;
    format = audioFormatOf(readlinkSync(`/proc/self/fd/${fd}`));
  } catch {
    return null;
  }
  if (!format) return null;
  try {
    const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    const pos = Number(/^pos:\s+(\d+)/m.exec(info)?.[1]);
    const flags = Number.parseInt(/^flags:\s+([0-7]+)/m.exec(info)?.[1] ?? '', 8);
    return { format, fromStart: pos === 0 && Number.isInteger(flags) && (flags & O_APPEND) === 0 };
  } catch {
    return { format, fromStart: false }; // the streaming header (unknown length) stays
  }
}

/** Rewrites the WAV header at the start of stdout's file with the length of the audio written. */
export function patchStdoutWav(sampleRate: number, dataBytes: number, fd = 1): void {
  try {
    writeSync(fd, wavHeader(sampleRate, dataBytes), 0, 44, 0);
  } catch {
    // The streaming header (unknown length) stays: still a WAV every player reads.
  }
}
