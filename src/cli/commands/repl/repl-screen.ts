// Where the REPL prints: above the open prompt when there is one, else plainly on stdout or stderr.
import * as readline from 'node:readline';
import { chalkStderr, default as chalk } from 'chalk';
import { safeText } from '../../terminal/sanitize.js';
import { redact } from '../../terminal/ui.js';
import type { SessionOutput } from './repl-session.js';

export class ReplScreen {
  /** The open prompt, while the interactive loop runs. */
  rl: readline.Interface | null = null;

  constructor(
    readonly interactive: boolean,
    private readonly quiet: boolean | undefined,
  ) {}

  print(text: string, stream: NodeJS.WriteStream = process.stdout): void {
    const safe = redact(text);
    if (this.rl && this.interactive) {
      readline.clearLine(process.stdout, 0);
      readline.cursorTo(process.stdout, 0);
      process.stdout.write(`${safe}\n`);
      this.rl.prompt(true);
    } else {
      stream.write(`${safe}\n`);
    }
  }

  /** The session's messages: information on stdout at a prompt (stderr, unless --quiet, from a pipe), errors on stderr. */
  get out(): SessionOutput {
    return {
      info: (message: string) => (this.interactive ? this.print(safeText(message, 4000)) : !this.quiet && this.print(safeText(message, 4000), process.stderr)),
      error: (message: string) => this.print(`${(this.interactive ? chalk : chalkStderr).red('error:')} ${safeText(message)}`, process.stderr),
    };
  }
}
