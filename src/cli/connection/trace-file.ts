// `--trace FILE`: one JSON line per trace event, appended, each written as it happens (so nothing
// waits in a buffer when the process exits or is signalled), stamped with ms since the trace began.
import { closeSync, openSync, writeSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import type { TraceEvent, Tracer } from '../../waves/trace.js';
import { addSecret, redact } from '../secrets.js';

export interface TraceFile {
  readonly trace: Tracer;
  /** Registers another value (a key) that must never be written (in this file or anywhere else). */
  addSecret(value: string | undefined): void;
  close(): void;
}

export function openTraceFile(path: string, secrets: (string | undefined)[] = []): TraceFile {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'a', 0o600);
  } catch (error) {
    throw new UsageError(`--trace: cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  secrets.forEach(addSecret);
  const began = performance.now();
  const close = () => {
    if (fd === undefined) return;
    const open = fd;
    fd = undefined;
    process.off('exit', close);
    try {
      closeSync(open);
    } catch {
      // already gone
    }
  };
  process.on('exit', close);
  const trace = (event: TraceEvent) => {
    if (fd === undefined) return;
    const line = JSON.stringify({ t: Math.round((performance.now() - began) * 10) / 10, ...event });
    try {
      writeSync(fd, `${redact(line)}\n`); // the same redaction as every other output
    } catch {
      close(); // a full disk must not stop the speech; the trace just ends
    }
  };
  return { trace, addSecret, close };
}
