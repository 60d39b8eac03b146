// `voices`: its flags, help and examples; the body is imported only when it runs.
import { Option, type Command } from 'commander';
import type { WithOptions } from '../../with-options.js';
import { applyConfig } from '../../config/apply-config.js';
import { integer, modelOption } from '../../flag-parsers.js';
import { addConnectionOptions } from '../../options.js';

const VOICES_EXAMPLES = `
Examples:
  $ smallest-tts voices
  $ smallest-tts voices --gender female --language en
  $ smallest-tts voices --json | jq -r '.[].voiceId'
  $ smallest-tts voices --offline
  $ smallest-tts voices --preview liam                      # hear a sample
  $ smallest-tts voices --preview meher -o meher.mp3`;

export function addVoicesCommand(program: Command, withOptions: WithOptions): void {
  const voices = program
    .command('voices')
    .description('list the voices of a model (cached for a day)')
    .addHelpText('after', VOICES_EXAMPLES);
  withOptions(voices, (c) => {
    c
      .addOption(modelOption())
      .option('--language <code>', 'only voices with this language (code or name: en, english)')
      .option('--gender <gender>', 'only voices of this gender')
      .option('--json', 'JSON instead of a table')
      .option('--refresh', 'fetch again instead of using the cache')
      .option('--preview <id>', 'speak a sample sentence in this voice instead of listing (through the speakers, or -o FILE)')
      .option('-o, --output <file>', 'with --preview: write the sample to this file (.wav .mp3 .flac .ogg .ulaw .alaw)')
      .addOption(new Option('--http-timeout <ms>', 'give up on the voice list after this long (tests)').argParser(integer('--http-timeout')).hideHelp());
    addConnectionOptions(c);
  });
  voices.action(async (_flags, command: Command) => {
    applyConfig(command);
    const { runVoices } = await import('./run-voices.js');
    await runVoices(command.opts());
  });
}
