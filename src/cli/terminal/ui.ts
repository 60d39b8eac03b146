// Terminal output on stderr: a status/progress line only on a terminal, colours, --verbose lines, and key redaction.
import type { ChalkInstance } from 'chalk';
import { redact } from '../secrets.js';
import { LiveLine, ProgressEstimator, printable, progressText, summaryText, type Progress } from './progress.js';

/** chalk costs ~12 ms to load: only a terminal gets colours, so only a terminal loads it. */
async function colours(enabled: boolean): Promise<ChalkInstance | null> {
  return enabled ? (await import('chalk')).chalkStderr : null;
}

export interface UiOptions {
  quiet?: boolean;
  verbose?: boolean;
  /** stderr is a terminal: spinners and colours are welcome. */
  interactive: boolean;
  /** Where status lines go instead of stderr (the REPL prints above its prompt). */
  writeLine?: (line: string) => void;
}

export { addSecret, redact } from '../secrets.js';

/** Reverse video for the word being heard (only ever written to a terminal); brackets with NO_COLOR. */
export function highlightWord(text: string): string {
  return process.env.NO_COLOR ? `[${text}]` : `\x1b[7m${text}\x1b[27m`;
}

export class Ui {
  readonly quiet: boolean;
  readonly verboseOn: boolean;
  readonly interactive: boolean;
  private line: LiveLine | null = null;
  private readonly estimator = new ProgressEstimator();
  private readonly startedAt = performance.now();
  private readonly writeLine?: (line: string) => void;
  private readonly chalk: ChalkInstance | null;

  static async create(options: UiOptions): Promise<Ui> {
    return new Ui(options, await colours(options.interactive && !options.quiet));
  }

  private constructor(options: UiOptions, chalk: ChalkInstance | null) {
    this.chalk = chalk;
    this.writeLine = options.writeLine;
    this.quiet = options.quiet ?? false;
    this.verboseOn = (options.verbose ?? false) && !this.quiet;
    this.interactive = options.interactive && !this.quiet;
  }

  /**
   * Starts or updates the status line (shown after about a second, so quick work shows nothing);
   * a no-op off a terminal or with --quiet.
   */
  async status(text: string): Promise<void> {
    if (!this.interactive) return;
    this.line ??= new LiveLine(process.stderr);
    this.line.set(text);
  }

  /** The status line shows the share of the text spoken, the audio produced and an ETA. */
  progress(p: Progress): void {
    if (!this.interactive) return;
    this.line ??= new LiveLine(process.stderr);
    this.line.set(progressText(this.estimator.estimate(p), performance.now() - this.startedAt));
  }

  /** The one line at the end of a run on a terminal: "wrote chapter.mp3 — 12:41 of audio in 38 s". */
  summary(target: string, audioSeconds: number): void {
    if (!this.interactive) return;
    this.stopStatus();
    this.write(summaryText(printable(target), audioSeconds, performance.now() - this.startedAt));
  }

  stopStatus(): void {
    this.line?.stop();
    this.line = null;
  }

  private write(line: string): void {
    if (this.writeLine) return this.writeLine(redact(line));
    if (this.line) this.line.print(redact(line));
    else process.stderr.write(`${redact(line)}\n`);
  }

  verbose(message: string): void {
    if (this.verboseOn) this.write(`${this.dim('[verbose]')} ${message}`);
  }

  info(message: string): void {
    if (!this.quiet) this.write(message);
  }

  warn(message: string): void {
    this.write(`${this.chalk?.yellow('warning:') ?? 'warning:'} ${message}`);
  }

  dim(text: string): string {
    return this.chalk?.dim(text) ?? text;
  }

  /**
   * The word being heard, in karaoke: reverse video, which every terminal has (only shown on one),
   * whatever colour support is detected; plain brackets with NO_COLOR.
   */
  highlight(text: string): string {
    return highlightWord(text);
  }

  /** Karaoke replaces the progress line while playing. */
  get karaokeWanted(): boolean {
    return this.interactive && !this.writeLine;
  }
}

/** How an error reaches the user: the message, then what to do about it. */
export async function formatError(message: string, hint?: string): Promise<string> {
  const chalk = await colours(process.stderr.isTTY === true);
  const lines = [`${chalk?.red('error:') ?? 'error:'} ${message}`];
  if (hint) lines.push(chalk?.dim(hint) ?? hint);
  return redact(lines.join('\n'));
}
