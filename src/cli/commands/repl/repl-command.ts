// `repl`: its flags, help and examples; the body is imported only when it runs.
import { Option, type Command } from 'commander';
import type { WithOptions } from '../../with-options.js';
import { applyConfig } from '../../config/apply-config.js';
import { integer } from '../../flag-parsers.js';
import { addConnectionOptions, addSettingsOptions } from '../../options.js';

const REPL_EXAMPLES = `
Commands inside the REPL: /voice /speed /language /model /consistency /similarity /enhancement
/rate /settings /reset /save FILE | off /help /quit. Ctrl-C stops the speech; Ctrl-D leaves.

Examples:
  $ smallest-tts repl --offline
  $ smallest-tts repl --voice emily --speed 1.2
  $ printf '/voice emily\\nHello\\n/speed 1.5\\nFaster now\\n' | smallest-tts repl -o out.wav`;

export function addReplCommand(program: Command, withOptions: WithOptions): void {
  const repl = program
    .command('repl')
    .description('an interactive prompt: every line is spoken; /voice, /speed, /model … change settings live')
    .addHelpText('after', REPL_EXAMPLES);
  withOptions(repl, (c) => {
    c
      .option('-o, --output <file>', 'write everything spoken to this file instead of playing it (.wav .mp3 .flac .ogg .raw .ulaw .alaw)')
      .option('--format <name>', 'the -o file\'s format, whatever its extension: wav, mp3, flac, ogg, raw, ulaw or alaw (8 kHz unless --sample-rate)')
      .option('--device <name>', 'play on this ALSA device (names as `aplay -L` lists them)')
      .addOption(new Option('--idle-timeout <seconds>', 'how long the server keeps an idle connection (?timeout=); it reopens when needed').argParser(integer('--idle-timeout')));
    addSettingsOptions(c);
    addConnectionOptions(c);
  });
  repl.action(async (_flags, command: Command) => {
    const origins = applyConfig(command);
    const { runRepl } = await import('./run-repl.js');
    process.exitCode = await runRepl(command.opts(), origins);
  });
}
