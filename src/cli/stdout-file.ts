// `say hi > out.wav`: stdout is a regular file the shell opened, so the audio goes there as a WAV,
// and the header gets the true length at the end when the file was written from its start.
import { fstatSync, readFileSync, writeSync } from 'node:fs';
import { wavHeader } from '../audio/wav.js';

/** O_APPEND in Linux's open flags (/proc/self/fdinfo shows them in octal). */
const O_APPEND = 0o2000;

export interface StdoutFile {
  /** Written from offset 0 and not appended to (`>`, not `>>`): the header can be rewritten in place. */
  fromStart: boolean;
}

/** stdout as a regular file, or null (a terminal, a pipe, a device, a socket). Call before anything is written. */
export function stdoutFile(fd = 1): StdoutFile | null {
  try {
    if (!fstatSync(fd).isFile()) return null;
  } catch {
    return null;
  }
  try {
    const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    const pos = Number(/^pos:\s+(\d+)/m.exec(info)?.[1]);
    const flags = Number.parseInt(/^flags:\s+([0-7]+)/m.exec(info)?.[1] ?? '', 8);
    return { fromStart: pos === 0 && Number.isInteger(flags) && (flags & O_APPEND) === 0 };
  } catch {
    return { fromStart: false }; // no /proc: the streaming header (unknown length) stays
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
