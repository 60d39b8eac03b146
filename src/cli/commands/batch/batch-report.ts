// What `batch` reports: the summary and the failures on stderr, and the streamed --json document.
import { once } from 'node:events';
import { OutputClosedError } from '../../../audio/sink.js';
import type { BatchResult } from '../../../pipeline/batch/run.js';
import { stdoutReaderLeft } from '../../stdout.js';
import { safeLine } from '../../terminal/sanitize.js';
import { formatDuration, type ProgressState } from './batch-progress.js';

/** Text from a server or a manifest: one line, no escape sequences or control characters, no key. */
export const clean = (text: string) => safeLine(text, 500);

/** Failures listed on stderr at the end; the rest are only counted (the --json report has them all). */
export const LISTED_FAILURES = 20;

export function summary(state: ProgressState, outDir: string, seconds: number): string {
  const finished = state.written + state.skipped + state.failed;
  return (
    `${state.total} item${state.total === 1 ? '' : 's'}: ${state.written} written, ${state.skipped} already there, ${state.failed} failed; ` +
    `${formatDuration(state.audioSeconds)} of audio in ${formatDuration(seconds)} → ${outDir}` +
    (finished < state.total ? ` (${state.total - finished} not done)` : '')
  );
}

export function failureList(failures: BatchResult[], failed: number): string {
  const lines = [...failures].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)).map((r) => `  ${clean(r.id)}${r.line !== undefined ? ` (line ${r.line})` : ''}: ${clean(r.error?.message ?? 'failed')}`);
  if (failed > failures.length) lines.push(`  … and ${failed - failures.length} more${failures.length > 0 ? ' (see --json)' : ''}`);
  return `${failed} item${failed === 1 ? '' : 's'} failed:\n${lines.join('\n')}`;
}

/** One item of the --json report. */
function reportItem(r: BatchResult) {
  return {
    id: r.id,
    line: r.line ?? null,
    file: r.file,
    status: r.status,
    audioSeconds: r.audioSeconds === null ? null : Number(r.audioSeconds.toFixed(3)),
    bytes: r.bytes,
    retries: r.retries,
    subtitles: r.subtitles ?? null,
    error: r.error ? { ...r.error, message: clean(r.error.message) } : null,
  };
}

/**
 * The --json report, streamed: each item is written as it finishes (completion order; `line`
 * gives manifest order), the totals after them, so memory does not grow with the manifest. The
 * document is complete when the command ends, interrupted or not.
 */
export class JsonReport {
  private count = 0;
  private bytes = 0;

  async item(r: BatchResult): Promise<void> {
    if (r.status === 'done') this.bytes += r.bytes;
    await this.write(`${this.count++ === 0 ? '{"items":[' : ','}\n${JSON.stringify(reportItem(r))}`);
  }

  async end(state: ProgressState, outDir: string, signal: string | undefined): Promise<void> {
    const totals = {
      outDir,
      total: state.total,
      written: state.written,
      skipped: state.skipped,
      failed: state.failed,
      notDone: state.total - this.count,
      interrupted: signal ?? null,
      audioSeconds: Number(state.audioSeconds.toFixed(3)),
      bytes: this.bytes,
    };
    await this.write(`${this.count === 0 ? '{"items":[' : '\n'}],${JSON.stringify(totals).slice(1)}\n`);
  }

  /** A reader that left (`| head`) ends the batch quietly, as `say` does. */
  private async write(text: string): Promise<void> {
    if (stdoutReaderLeft()) throw new OutputClosedError();
    if (!process.stdout.write(text)) await once(process.stdout, 'drain').catch(() => {});
    if (stdoutReaderLeft()) throw new OutputClosedError();
  }
}

