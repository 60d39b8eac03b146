// Terminal output on stderr: a spinner only on a terminal, colours, --verbose lines, and key redaction.
import { chalkStderr as chalk } from 'chalk';
import type { Ora } from 'ora';

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

  constructor(options: UiOptions) {
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
    this.write(`${chalk.yellow('warning:')} ${message}`);
  }

  success(message: string): void {
    if (!this.quiet) this.write(`${chalk.green('✔')} ${message}`);
  }

  dim(text: string): string {
    return chalk.dim(text);
  }
}

/** How an error reaches the user: the message, then what to do about it. */
export function formatError(message: string, hint?: string): string {
  const lines = [`${chalk.red('error:')} ${message}`];
  if (hint) lines.push(chalk.dim(hint));
  return redact(lines.join('\n'));
}
