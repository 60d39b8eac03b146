// `--trace FILE`: one JSON line per trace event, appended, each written as it happens (so nothing
// waits in a buffer when the process exits or is signalled), stamped with ms since the trace began.
import { closeSync, openSync, writeSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { TraceEvent, Tracer } from '../waves/trace.js';

export interface TraceFile {
  readonly trace: Tracer;
  /** Registers another value (a key) that must never be written. */
  addSecret(value: string | undefined): void;
  close(): void;
}

/** `Bearer <anything>` and every registered secret, in plain and JSON-escaped form, become `[redacted]`. */
export function redactLine(line: string, secrets: Iterable<string>): string {
  let out = line.replace(/(Bearer\s+)[^\s"\\]+/gi, '$1[redacted]');
  for (const secret of secrets) {
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) out = out.split(form).join('[redacted]');
  }
  return out;
}

export function openTraceFile(path: string, secrets: (string | undefined)[] = []): TraceFile {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'a', 0o600);
  } catch (error) {
    throw new UsageError(`--trace: cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const known = new Set<string>();
  const addSecret = (value: string | undefined) => {
    if (value && value.length >= 4) known.add(value);
  };
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
      writeSync(fd, `${redactLine(line, known)}\n`);
    } catch {
      close(); // a full disk must not stop the speech; the trace just ends
    }
  };
  return { trace, addSecret, close };
}
