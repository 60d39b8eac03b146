// `completion`, and the hidden `__voices` that its scripts call for voice names; bodies imported only when run.
import type { Command } from 'commander';
import { DEFAULT_SETTINGS } from '../../../core/settings.js';

export function addCompletionCommands(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText('after', '\nExamples:\n  $ source <(smallest-tts completion bash)\n  $ smallest-tts completion fish > ~/.config/fish/completions/smallest-tts.fish')
    .action(async (shell: string) => {
      const { completionScript } = await import('./completion-script.js');
      process.stdout.write(completionScript(program, shell));
    });

  program
    .command('__voices', { hidden: true })
    .argument('[model]')
    .action(async (model?: string) => {
      const { knownVoices } = await import('../voices/voice-names.js');
      process.stdout.write(`${knownVoices(model ?? DEFAULT_SETTINGS.model).join('\n')}\n`);
    });
}
