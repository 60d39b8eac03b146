// The commander program: the root, then each command's flags and help from its own folder; command
// bodies are imported only when run.
import { Command } from 'commander';
import { addBatchCommand } from './commands/batch/batch-command.js';
import { addCompletionCommands } from './commands/completion/completion-command.js';
import { addConfigCommand } from './commands/config/config-command.js';
import { addDoctorCommand } from './commands/doctor/doctor-command.js';
import { addLanguagesCommand } from './commands/languages/languages-command.js';
import { addReplCommand } from './commands/repl/repl-command.js';
import { addSayCommand } from './commands/say/say-command.js';
import { addServeCommand } from './commands/serve/serve-command.js';
import { addVoicesCommand } from './commands/voices/voices-command.js';
import { polishProgram } from './help.js';
import { packageVersion } from './package-version.js';
import type { WithOptions } from './with-options.js';

/**
 * The whole program. With `optionsOnDemand` (the CLI's start), a command's flags are added only when
 * commander dispatches to it or shows its help (all of them for `completion`, which prints the
 * tree); the root help still marks every command that has flags with [options].
 */
export function buildProgram({ optionsOnDemand = false } = {}): Command {
  const program = new Command('smallest-tts')
    .description("Speak text with Smallest AI's Waves streaming text-to-speech API.")
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const pending = new Map<Command, (command: Command) => void>();
  const withOptions: WithOptions = optionsOnDemand ? (command, addOptions) => void pending.set(command, addOptions) : (command, addOptions) => addOptions(command);
  // In the order --help lists them.
  for (const add of [addSayCommand, addReplCommand, addBatchCommand, addVoicesCommand, addDoctorCommand, addLanguagesCommand, addConfigCommand, addCompletionCommands, addServeCommand]) add(program, withOptions);
  if (optionsOnDemand) {
    const fill = (command: Command) => {
      pending.get(command)?.(command);
      pending.delete(command);
    };
    program.hook('preSubcommand', (_root, command) => (command.name() === 'completion' ? [...pending.keys()].forEach(fill) : fill(command)));
    // `smallest-tts help say` shows say's help without dispatching to it.
    for (const command of pending.keys()) command.on('beforeHelp', () => fill(command));
  }
  return polishProgram(program, (command) => pending.has(command));
}
