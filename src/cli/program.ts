// The commander program: commands, their flags and help; command bodies are imported only when run.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { MODELS } from '../settings.js';
import { polishProgram } from './help.js';
import { addConnectionOptions, addSettingsOptions } from './options.js';

/** The package's version, found by walking up from this file (it runs compiled and bundled). */
function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'smallest-tts' && pkg.version) return pkg.version;
    } catch {
      // not here; keep walking
    }
  }
  return 'unknown';
}

const SAY_EXAMPLES = `
Examples:
  $ smallest-tts say --offline "Hello from the offline voice" -o hello.wav
  $ smallest-tts say "Hello there" --voice emily          # through the speakers
  $ echo "From a pipe" | smallest-tts say -o out.wav
  $ smallest-tts say -f chapter.txt -o chapter.wav --speed 1.2
  $ smallest-tts say "Raw PCM" --raw -o - | aplay -f S16_LE -r 24000 -c 1
  $ smallest-tts say "Older model" --model lightning-v2 --consistency 0.6 -o v2.wav
  $ smallest-tts say "Stats for scripts" -o x.wav --json | jq .audioSeconds`;

const REPL_EXAMPLES = `
Commands inside the REPL: /voice /speed /language /model /consistency /similarity /enhancement
/rate /settings /reset /save FILE.wav | off /help /quit. Ctrl-C stops the speech; Ctrl-D leaves.

Examples:
  $ smallest-tts repl --offline
  $ smallest-tts repl --voice emily --speed 1.2
  $ printf '/voice emily\\nHello\\n/speed 1.5\\nFaster now\\n' | smallest-tts repl -o out.wav`;

const SERVE_EXAMPLES = `
Examples:
  $ smallest-tts serve                                  # ws://127.0.0.1:8765, no key needed
  $ smallest-tts serve --port 9000 --api-key test-key
  $ SMALLEST_BASE_URL=ws://127.0.0.1:8765 SMALLEST_API_KEY=x smallest-tts say "hi" -o hi.wav
  $ smallest-tts serve --first-chunk-delay 250 --realtime-factor 3   # behave like a far-away API`;

const VOICES_EXAMPLES = `
Examples:
  $ smallest-tts voices
  $ smallest-tts voices --gender female --language en
  $ smallest-tts voices --json | jq -r '.[].voiceId'
  $ smallest-tts voices --offline`;

const CONFIG_EXAMPLES = `
Keys: model voice language speed consistency similarity enhancement sample-rate base-url api-key

Examples:
  $ smallest-tts config set voice emily
  $ smallest-tts config set api-key sk-...            # stored with mode 0600, shown redacted
  $ smallest-tts config set speed 1.3 --profile fast
  $ smallest-tts say "Quick" --profile fast
  $ smallest-tts config list
  $ smallest-tts config unset voice
Precedence: flags, then environment, then the config file, then built-in defaults.`;

function integer(name: string) {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(value) || value < 0) {
      throw new InvalidArgumentError(`${name} must be a whole number of 0 or more (got ${JSON.stringify(raw)})`);
    }
    return value;
  };
}

/** Config-file values enter as commander's 'config' source before the command runs. */
async function withConfig(command: Command) {
  const { applyConfig } = await import('./config-apply.js');
  return applyConfig(command);
}

export function buildProgram(): Command {
  const program = new Command('smallest-tts')
    .description("Speak text with Smallest AI's Waves streaming text-to-speech API.")
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const say = program
    .command('say')
    .description('speak text: from arguments, --file, or stdin; to the speakers, a WAV file, or stdout')
    .argument('[text...]', 'the text to speak (or use --file, or pipe it on stdin)')
    .option('-f, --file <path>', 'read the text from a file (- for stdin)')
    .option('-o, --output <file>', 'write a WAV file instead of playing (- for stdout)')
    .option('--raw', 'headerless 16-bit little-endian mono PCM instead of WAV (with -o)')
    .option('--json', 'print one JSON object of settings and timings (stdout with -o FILE, else stderr)')
    .addHelpText('after', SAY_EXAMPLES);
  addSettingsOptions(say);
  addConnectionOptions(say);
  say.action(async (words: string[], _flags, command: Command) => {
    const origins = await withConfig(command);
    const { runSay } = await import('./commands/say.js');
    await runSay(words, command.opts(), origins);
  });

  const repl = program
    .command('repl')
    .description('an interactive prompt: every line is spoken; /voice, /speed, /model … change settings live')
    .option('-o, --output <file>', 'write everything spoken to this WAV file instead of playing it')
    .addOption(new Option('--keepalive-interval <ms>', 'keepalive period while idle (tests)').argParser(integer('--keepalive-interval')).default(30_000).hideHelp())
    .addHelpText('after', REPL_EXAMPLES);
  addSettingsOptions(repl);
  addConnectionOptions(repl);
  repl.action(async (_flags, command: Command) => {
    const origins = await withConfig(command);
    const { runRepl } = await import('./commands/repl.js');
    process.exitCode = await runRepl(command.opts(), origins);
  });

  const voices = program
    .command('voices')
    .description('list the voices of a model (cached for a day)')
    .addOption(new Option('--model <name>', `model (default: ${MODELS[0]})`).choices(MODELS))
    .option('--language <code>', 'only voices with this language (code or name: en, english)')
    .option('--gender <gender>', 'only voices of this gender')
    .option('--json', 'JSON instead of a table')
    .option('--refresh', 'fetch again instead of using the cache')
    .addOption(new Option('--http-timeout <ms>', 'give up on the voice list after this long (tests)').argParser(integer('--http-timeout')).hideHelp())
    .addHelpText('after', VOICES_EXAMPLES);
  addConnectionOptions(voices);
  voices.action(async (_flags, command: Command) => {
    await withConfig(command);
    const { runVoices } = await import('./commands/voices.js');
    await runVoices(command.opts());
  });

  program
    .command('languages')
    .description('list the language codes a model supports')
    .addOption(new Option('--model <name>', `model (default: ${MODELS[0]})`).choices(MODELS))
    .option('--json', 'JSON instead of a table')
    .addHelpText('after', '\nExamples:\n  $ smallest-tts languages\n  $ smallest-tts languages --json | jq -r \'.[].code\'')
    .action(async (flags) => {
      const { runLanguages } = await import('./commands/voices.js');
      runLanguages(flags);
    });

  program
    .command('config')
    .description('set, show or remove defaults in the config file')
    .argument('<action>', 'set KEY VALUE | get KEY | unset KEY | list | path')
    .argument('[args...]')
    .option('--profile <name>', 'work on a named profile instead of the defaults')
    .addHelpText('after', CONFIG_EXAMPLES)
    .action(async (action: string, args: string[], flags: { profile?: string }) => {
      const { runConfigCommand } = await import('./commands/config.js');
      runConfigCommand(action, args, flags.profile);
    });

  program
    .command('completion')
    .description('print a shell completion script')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText('after', '\nExamples:\n  $ source <(smallest-tts completion bash)\n  $ smallest-tts completion fish > ~/.config/fish/completions/smallest-tts.fish')
    .action(async (shell: string) => {
      const { completionScript } = await import('./commands/completion.js');
      process.stdout.write(completionScript(program, shell));
    });

  program
    .command('__voices', { hidden: true })
    .argument('[model]')
    .action(async (model?: string) => {
      const { knownVoices } = await import('./voice-names.js');
      process.stdout.write(`${knownVoices(model ?? MODELS[0]).join('\n')}\n`);
    });

  program
    .command('serve')
    .description('run a local Waves-compatible server with the offline voice, for testing apps without a key')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', integer('--port'), 8765)
    .option('--api-key <key>', 'require this key (Authorization: Bearer); without it any key is accepted')
    .option('--engine <name>', 'flite: the offline voice; tone: fast test tones, not speech', 'flite')
    .option('--idle-timeout <seconds>', 'close a connection idle this long', integer('--idle-timeout'), 60)
    .option('--chunk-bytes <n>', 'PCM bytes per chunk frame', integer('--chunk-bytes'), 4800)
    .addOption(new Option('--first-chunk-delay <ms>', "fault: wait this long before each request's first chunk").argParser(integer('--first-chunk-delay')))
    .addOption(new Option('--realtime-factor <x>', 'fault: pace audio at this many times real time (0: as fast as possible)').argParser(Number))
    .addOption(new Option('--drop-after-chunks <n>', 'fault: drop the connection after this many chunks').argParser(integer('--drop-after-chunks')))
    .addOption(new Option('--drop-connections <n>', 'fault: how many connections --drop-after-chunks applies to').argParser(integer('--drop-connections')).default(1))
    .addOption(new Option('--refuse-voice <id...>', 'fault: answer these voices with an error frame'))
    .addOption(new Option('--retire-model <model...>', 'fault: answer these models with HTTP 410, as retired models are'))
    .option('--close-after-complete', 'close the socket after each request, as the API specs describe')
    .option('--word-timestamps', 'send word_timestamp frames before each chunk (unknown to older clients)')
    .option('-q, --quiet', 'no log lines')
    .addHelpText('after', SERVE_EXAMPLES)
    .action(async (flags) => {
      const { runServe } = await import('./commands/serve.js');
      await runServe(flags);
    });

  return polishProgram(program);
}
