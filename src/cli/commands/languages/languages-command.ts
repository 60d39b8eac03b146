// `languages`: its flags and help; the body is imported only when it runs.
import type { Command } from 'commander';
import type { WithOptions } from '../../with-options.js';
import { modelOption } from '../../flag-parsers.js';

export function addLanguagesCommand(program: Command, withOptions: WithOptions): void {
  const command = program
    .command('languages')
    .description('list the language codes a model supports')
    .addHelpText('after', '\nExamples:\n  $ smallest-tts languages\n  $ smallest-tts languages --json | jq -r \'.[].code\'')
    .action(async (flags) => {
      const { runLanguages } = await import('./run-languages.js');
      runLanguages(flags);
    });
  withOptions(command, (c) => {
    c
      .addOption(modelOption())
      .option('--json', 'JSON instead of a table');
  });
}
