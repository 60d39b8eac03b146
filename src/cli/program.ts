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

export function buildProgram(): Command {
  const program = new Command('smallest-tts')
    .description("Speak text with Smallest AI's Waves streaming text-to-speech API.")
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // In the order --help lists them.
  for (const add of [addSayCommand, addReplCommand, addBatchCommand, addVoicesCommand, addDoctorCommand, addLanguagesCommand, addConfigCommand, addCompletionCommands, addServeCommand]) add(program);
  return polishProgram(program);
}
