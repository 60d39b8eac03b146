// `smallest-tts repl`: an interactive prompt (or piped lines) where every line is spoken and
// /commands change the settings live.
import type { ValueOrigins } from '../../config/apply-config.js';
import { Ui, highlightWord } from '../../terminal/ui.js';
import { ReplKaraoke } from './repl-karaoke.js';
import { speakLines } from './repl-loops.js';
import { openEnds, openReplClient, startSession, watchSignals } from './repl-parts.js';
import { planRepl, type ReplFlags } from './repl-plan.js';
import { ReplScreen } from './repl-screen.js';

export type { ReplFlags } from './repl-plan.js';

export async function runRepl(flags: ReplFlags, origins?: ValueOrigins): Promise<number> {
  const plan = planRepl(flags, origins);
  const screen = new ReplScreen(plan.interactive, flags.quiet);
  const karaoke = plan.karaokeOn ? new ReplKaraoke(() => screen.rl, highlightWord) : null;
  const ui = await Ui.create({ quiet: flags.quiet, verbose: flags.verbose, interactive: false, writeLine: (line) => screen.print(line, process.stderr) });
  if (origins) ui.verbose(`settings: ${origins.describe()}`);
  const stop = watchSignals();
  const { output, connection } = await openEnds(plan, ui, stop);
  const client = openReplClient(plan, connection, screen, ui);
  const run = startSession(plan, screen, karaoke, client, output, stop);
  try {
    await speakLines(run);
  } finally {
    stop.termination.dispose();
    await run.queue.stop().catch(() => {});
    await output?.abort();
    await client.close();
    await connection.close();
  }
  // A person at the prompt typed a typo long ago: only the last line decides. Scripts keep the worst.
  return stop.termination.exitCode ?? (stop.interrupted ? 130 : plan.interactive ? run.session.lastExitCode : run.session.exitCode);
}
