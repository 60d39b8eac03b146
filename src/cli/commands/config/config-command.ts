// `config`: its arguments, help and examples; the body is imported only when it runs.
import type { Command } from 'commander';
import type { WithOptions } from '../../with-options.js';

const CONFIG_EXAMPLES = `
Keys: model voice language speed consistency similarity enhancement sample-rate number-language math
word-timestamps route device base-url api-key

Examples:
  $ smallest-tts config set voice emily
  $ smallest-tts config set api-key sk-...            # stored with mode 0600, shown redacted
  $ smallest-tts config set speed 1.3 --profile fast
  $ smallest-tts say "Quick" --profile fast
  $ smallest-tts config list
  $ smallest-tts config unset voice
Precedence: flags, then environment, then the config file, then built-in defaults.`;

export function addConfigCommand(program: Command, withOptions: WithOptions): void {
  const command = program
    .command('config')
    .description('set, show or remove defaults in the config file')
    .argument('<action>', 'set KEY VALUE | get KEY | unset KEY | list | path')
    .argument('[args...]')
    .addHelpText('after', CONFIG_EXAMPLES)
    .action(async (action: string, args: string[], flags: { profile?: string }) => {
      const { runConfigCommand } = await import('./run-config.js');
      runConfigCommand(action, args, flags.profile);
    });
  withOptions(command, (c) => {
    c
      .option('--profile <name>', 'work on a named profile instead of the defaults');
  });
}
