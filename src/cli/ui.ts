// Terminal output on stderr: a spinner only on a terminal, colours, --verbose lines, and key redaction.
import type { ChalkInstance } from 'chalk';
import type { Ora } from 'ora';

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

const secrets = new Set<string>();

/** Registers a value (the API key) that must never reach the terminal. */
export function addSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

export class Ui {
  readonly quiet: boolean;
  readonly verboseOn: boolean;
  readonly interactive: boolean;
  private spinner: Ora | null = null;
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

  /** Starts or updates the spinner; a no-op off a terminal or with --quiet. */
  async status(text: string): Promise<void> {
    if (!this.interactive) return;
    if (this.spinner) {
      this.spinner.text = text;
      return;
    }
    const { default: ora } = await import('ora');
    this.spinner = ora({ text, stream: process.stderr, discardStdin: false }).start();
  }

  stopStatus(): void {
    this.spinner?.stop();
    this.spinner = null;
  }

  private write(line: string): void {
    if (this.writeLine) return this.writeLine(redact(line));
    const spinning = this.spinner?.isSpinning;
    if (spinning) this.spinner?.clear();
    process.stderr.write(`${redact(line)}\n`);
    if (spinning) this.spinner?.render();
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
}

/** How an error reaches the user: the message, then what to do about it. */
export async function formatError(message: string, hint?: string): Promise<string> {
  const chalk = await colours(process.stderr.isTTY === true);
  const lines = [`${chalk?.red('error:') ?? 'error:'} ${message}`];
  if (hint) lines.push(chalk?.dim(hint) ?? hint);
  return redact(lines.join('\n'));
}
