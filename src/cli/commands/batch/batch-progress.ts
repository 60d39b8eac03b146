// The batch's progress line on a terminal: items done/failed/left, audio produced, ETA; redrawn in place at most a few times a second.
import { LiveLine, usableWidth } from '../../terminal/progress.js';

export interface ProgressState {
  /** Items in this run (the shard's share of the manifest). */
  total: number;
  written: number;
  skipped: number;
  failed: number;
  audioSeconds: number;
  /** performance.now() when the run started. */
  startedAt: number;
}

/** "0.4s", "12.5s" (to a tenth under a minute: a short batch is not "in 0s"), "3m07s", "1h02m". */
export function formatDuration(seconds: number): string {
  const tenths = Math.max(0, Math.round(seconds * 10)) / 10;
  if (tenths < 60) return `${tenths.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

/** One line, at most `width − 1` characters (a terminal reporting width 0 counts as 80). */
export function progressLine(state: ProgressState, now: number, width: number): string {
  const finished = state.written + state.skipped + state.failed;
  const left = Math.max(0, state.total - finished);
  const requested = state.written + state.failed; // skipped items cost no time: they do not predict the rest
  const elapsed = (now - state.startedAt) / 1000;
  const eta = requested > 0 && left > 0 ? `ETA ${formatDuration((elapsed / requested) * left)}` : left > 0 ? 'ETA …' : 'finishing';
  const parts = [
    `${finished}/${state.total} done${state.skipped > 0 ? ` (${state.skipped} already there)` : ''}`,
    ...(state.failed > 0 ? [`${state.failed} failed`] : []),
    `${left} left`,
    `${formatDuration(state.audioSeconds)} of audio`,
    eta,
  ];
  const line = `batch: ${parts.join(' · ')}`;
  const room = Math.max(10, (width > 0 ? width : 80) - 1);
  return line.length > room ? `${line.slice(0, room - 1)}…` : line;
}

/** The batch's line, drawn by the same live line as `say`'s (ora's spinner, at most once per `intervalMs`); clear() leaves the line empty. */
export class ProgressRenderer {
  private readonly line: LiveLine;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    intervalMs = 250,
  ) {
    this.line = new LiveLine(stream, { intervalMs, delayMs: 0 });
  }

  /** The latest counts; drawn on the line's next tick. */
  update(state: ProgressState): void {
    // The spinner and a space come first.
    this.line.set(progressLine(state, performance.now(), usableWidth(this.stream.columns) - 2));
  }

  clear(): void {
    this.line.stop();
  }
}
