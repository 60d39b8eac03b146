// The commander program: commands, their flags and help; command bodies are imported only when run.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { OUTPUT_FORMATS } from '../audio/formats.js';
import { DEFAULT_SETTINGS, MODELS, WORD_TIMESTAMP_VOICES, canonicalModel, modelSpec } from '../core/settings.js';
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
  $ smallest-tts say -v liam "Short flags, as in macOS say" -o liam.wav
  $ smallest-tts say -v '?' --offline                     # list the voices, one a line
  $ echo "From a pipe" | smallest-tts say -o out.wav
  $ smallest-tts say -f chapter.txt -o chapter.mp3 --speed 1.2
  $ smallest-tts say "Lossless" -o take.flac
  $ smallest-tts say "Ogg Vorbis on stdout" --format ogg -o - > out.ogg
  $ smallest-tts say "On the USB headset" --device plughw:CARD=Headset,DEV=0
  $ smallest-tts say "Raw PCM" --raw -o - | aplay -f S16_LE -r 24000 -c 1
  $ smallest-tts say "Press one for sales" -o menu.ulaw         # G.711 μ-law, 8 kHz, for telephony
  $ smallest-tts say -f chapter.txt -o chapter.mp3 --voice liam --subtitles chapter.srt
  $ llm "tell me a story" | smallest-tts say               # speaks each sentence as it arrives
  $ tail -f build.log | smallest-tts say
  $ smallest-tts say "こんにちは" --model lightning_v3.1_pro --voice meher --language ja
  $ smallest-tts say "Total: 3×4=12" --math --number-language en
  $ smallest-tts say "Seed routes" --route per-model --base-url wss://waves-api.smallest.ai
  $ smallest-tts say "Stats for scripts" -o x.wav --json | jq .audioSeconds`;

const REPL_EXAMPLES = `
Commands inside the REPL: /voice /speed /language /model /consistency /similarity /enhancement
/rate /settings /reset /save FILE | off /help /quit. Ctrl-C stops the speech; Ctrl-D leaves.

Examples:
  $ smallest-tts repl --offline
  $ smallest-tts repl --voice emily --speed 1.2
  $ printf '/voice emily\\nHello\\n/speed 1.5\\nFaster now\\n' | smallest-tts repl -o out.wav`;

const SERVE_EXAMPLES = `
Examples:
  $ smallest-tts serve                                  # ws://127.0.0.1:8765, no key needed
  $ smallest-tts serve --port 9000 --api-key test-key
  $ smallest-tts serve --host 0.0.0.0 --api-key test-key   # reachable from the LAN: a key is required
  $ SMALLEST_BASE_URL=ws://127.0.0.1:8765 SMALLEST_API_KEY=x smallest-tts say "hi" -o hi.wav
  $ smallest-tts serve --first-chunk-delay 250 --realtime-factor 3   # behave like a far-away API
  $ smallest-tts serve --engine tone --max-active 1 --max-connections 5   # the account limits
  $ smallest-tts serve --engine tone --stall-after-chunks 2             # a server that goes silent
  $ smallest-tts serve --engine tone --close-with 4401:unauthorised     # a server that hangs up

Routes: /waves/v1/tts/live (model in each request), /waves/v1/{model}/get_speech/stream and
/api/v1/{model}/get_speech/stream (lightning-v3.1, lightning-v3.1-pro; lightning-v2 answers 410
unless --retire-model none), GET …/{model}/get_voices. Continuations (context_id) release text one
sentence at a time, each release its own request_id and complete (a sentence under 30 characters
joins the next; at most 250 characters), on arrival of the sentence end, after max_buffer_delay_ms
(0: at once) or on continue: false; --release-mode fragment makes one release per fragment. Error
frames carry a flat message and error {message, code}. output_format: pcm, wav, mp3, ulaw, alaw.
Voices ${WORD_TIMESTAMP_VOICES.join(', ')} send word timestamps (both engines), from 0 in each
release.`;

const BATCH_EXAMPLES = `
Manifests: .txt (one item per non-blank line; ids 0001, 0002, …), .jsonl (one object per line:
text, and optional id, voice, model, language, speed, format), .csv (a header row with the same
columns). Every line is checked before anything is sent. Finished files are never requested again:
rerun after Ctrl-C or a crash to do what is left (--force redoes everything).

Examples:
  $ smallest-tts batch lines.txt --out-dir audio/ --offline
  $ smallest-tts batch book.jsonl --out-dir audio/ --concurrency 4 --json > report.json
  $ smallest-tts batch prompts.csv --out-dir audio/ --voice emily --format raw
  $ smallest-tts batch big.txt --out-dir audio/ --shard $((JOB_COMPLETION_INDEX+1))/8
  $ parallel smallest-tts batch big.txt --out-dir audio/ --shard {}/4 ::: 1 2 3 4
  $ cut -f2 data.tsv | smallest-tts batch - --out-dir audio/`;

const VOICES_EXAMPLES = `
Examples:
  $ smallest-tts voices
  $ smallest-tts voices --gender female --language en
  $ smallest-tts voices --json | jq -r '.[].voiceId'
  $ smallest-tts voices --offline
  $ smallest-tts voices --preview liam                      # hear a sample
  $ smallest-tts voices --preview meher -o meher.mp3`;

const DOCTOR_EXAMPLES = `
Sends a one-shot request, one fragment of three sentences, a continuation of three fragments, a
word-timed request, a refused language, an unknown voice, two requests at once and an idle socket
(?timeout=1): about 10 seconds of audio, 30 seconds in all. Exit 0: every rule the client relies on
held; 1: one did not (or the key was refused), with what to report.

Examples:
  $ smallest-tts doctor
  $ smallest-tts doctor --trace doctor.jsonl          # send this file with a report: no key, no audio
  $ smallest-tts doctor --json | jq .summary
  $ smallest-tts doctor --offline                     # the local server, as a reference
  $ smallest-tts doctor --base-url ws://127.0.0.1:8765 --api-key x`;

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

function integer(name: string) {
  return (raw: string): number => {
    const value = Number(raw);
    // Decimal digits only: Number() would also take 0x50, 1e3 or 0b1.
    if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(value)) {
      throw new InvalidArgumentError(`${name} must be a whole number of 0 or more (got ${JSON.stringify(raw)})`);
    }
    return value;
  };
}

/** A model name in any spelling, as the model's id. */
function modelName(raw: string): string {
  const id = canonicalModel(raw);
  if (!modelSpec(id)) throw new InvalidArgumentError(`must be one of ${MODELS.join(', ')} (got ${JSON.stringify(raw)})`);
  return id;
}

function port(raw: string): number {
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || value > 65535) {
    throw new InvalidArgumentError(`--port must be 0–65535 (got ${JSON.stringify(raw)})`);
  }
  return value;
}

/** Config-file values enter as commander's 'config' source before the command runs. */
async function withConfig(command: Command) {
  const { applyConfig } = await import('./config/apply-config.js');
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
    .description('speak text: from arguments, --file, or stdin; to the speakers, a file (WAV, MP3, FLAC, Ogg, raw, μ-law, A-law), or stdout')
    .argument('[text...]', 'the text to speak (or use --file, or pipe it on stdin)')
    .option('-f, --file <path>', 'read the text from a file (- for stdin)')
    .option('-o, --output <file>', 'write a file instead of playing (- for stdout); .wav .mp3 .flac .ogg .raw .ulaw .alaw by the extension')
    .option('--format <name>', 'wav, mp3, flac, ogg, raw, ulaw or alaw, whatever the extension (needed with -o - for non-WAV); ulaw and alaw (G.711) are 8 kHz unless --sample-rate is given')
    .option('--raw', 'headerless 16-bit little-endian mono PCM instead of WAV (with -o)')
    .option('--device <name>', 'play on this ALSA device (names as `aplay -L` lists them)')
    .option('--subtitles <file>', 'also write subtitles timed against the audio: FILE.srt or FILE.vtt (voices with word timings, e.g. liam)')
    .addOption(new Option('--idle-timeout <seconds>', 'how long the server keeps an idle connection (?timeout=); it reopens when needed').argParser(integer('--idle-timeout')))
    .option('--json', 'print one JSON object of settings and timings (stdout with -o FILE, else stderr)')
    .addHelpText('after', SAY_EXAMPLES);
  addSettingsOptions(say);
  addConnectionOptions(say);
  say.action(async (words: string[], _flags, command: Command) => {
    const origins = await withConfig(command);
    const { runSay } = await import('./commands/say/run-say.js');
    await runSay(words, command.opts(), origins);
  });

  const repl = program
    .command('repl')
    .description('an interactive prompt: every line is spoken; /voice, /speed, /model … change settings live')
    .option('-o, --output <file>', 'write everything spoken to this file instead of playing it (.wav .mp3 .flac .ogg .raw .ulaw .alaw)')
    .option('--format <name>', 'the -o file\'s format, whatever its extension: wav, mp3, flac, ogg, raw, ulaw or alaw (8 kHz unless --sample-rate)')
    .option('--device <name>', 'play on this ALSA device (names as `aplay -L` lists them)')
    .addOption(new Option('--idle-timeout <seconds>', 'how long the server keeps an idle connection (?timeout=); it reopens when needed').argParser(integer('--idle-timeout')))
    .addHelpText('after', REPL_EXAMPLES);
  addSettingsOptions(repl);
  addConnectionOptions(repl);
  repl.action(async (_flags, command: Command) => {
    const origins = await withConfig(command);
    const { runRepl } = await import('./commands/repl/run-repl.js');
    process.exitCode = await runRepl(command.opts(), origins);
  });

  const batch = program
    .command('batch')
    .description('speak every item of a manifest (.txt, .jsonl, .csv) into its own file: resumable, parallel, shardable')
    .argument('<manifest>', 'the manifest file (- for stdin)')
    .requiredOption('-d, --out-dir <dir>', 'folder for the outputs: {id}.wav (created if missing)')
    .addOption(new Option('--manifest-format <format>', 'txt, jsonl or csv (default: from the extension; txt for stdin)').choices(['txt', 'jsonl', 'csv']))
    .addOption(new Option('--format <format>', 'output format of every item (a manifest column may override it); ulaw and alaw are 8 kHz unless --sample-rate').choices([...OUTPUT_FORMATS]).default('wav'))
    .addOption(new Option('--subtitles [format]', 'also write {id}.srt (or vtt) where the voice gives word timings').choices(['srt', 'vtt']).preset('srt'))
    .option('-c, --concurrency <n>', 'requests at once, each on its own socket (at most --max-sockets)', integer('--concurrency'), 1)
    .option('--max-sockets <n>', 'sockets your account may open (the API allows 5)', integer('--max-sockets'))
    .option('--shard <K/N>', 'only the items whose 0-based index is K-1 modulo N (for parallel jobs)')
    .option('--force', 'redo items whose output file already exists')
    .option('--json', 'print a JSON report of every item on stdout at the end')
    .addOption(new Option('--retry-base-ms <ms>', 'first backoff delay after a concurrency-limit refusal').argParser(integer('--retry-base-ms')).hideHelp())
    .addHelpText('after', BATCH_EXAMPLES);
  addSettingsOptions(batch);
  addConnectionOptions(batch);
  batch.action(async (manifest: string, _flags, command: Command) => {
    const origins = await withConfig(command);
    const { runBatchCommand } = await import('./commands/batch/run-batch.js');
    process.exitCode = await runBatchCommand(manifest, command.opts(), origins);
  });

  const voices = program
    .command('voices')
    .description('list the voices of a model (cached for a day)')
    .addOption(new Option('--model <name>', `model (default: ${DEFAULT_SETTINGS.model})`).argParser(modelName))
    .option('--language <code>', 'only voices with this language (code or name: en, english)')
    .option('--gender <gender>', 'only voices of this gender')
    .option('--json', 'JSON instead of a table')
    .option('--refresh', 'fetch again instead of using the cache')
    .option('--preview <id>', 'speak a sample sentence in this voice instead of listing (through the speakers, or -o FILE)')
    .option('-o, --output <file>', 'with --preview: write the sample to this file (.wav .mp3 .flac .ogg .ulaw .alaw)')
    .addOption(new Option('--http-timeout <ms>', 'give up on the voice list after this long (tests)').argParser(integer('--http-timeout')).hideHelp())
    .addHelpText('after', VOICES_EXAMPLES);
  addConnectionOptions(voices);
  voices.action(async (_flags, command: Command) => {
    await withConfig(command);
    const { runVoices } = await import('./commands/voices/run-voices.js');
    await runVoices(command.opts());
  });

  const doctor = program
    .command('doctor')
    .description('check your account and the service: a few seconds of audio, then what the service did against what the client relies on')
    .addOption(new Option('--model <name>', `model (default: ${DEFAULT_SETTINGS.model})`).argParser(modelName))
    .option('-v, --voice <id>', `voice for the requests (default: ${DEFAULT_SETTINGS.voice}; word timings use liam, or meher on the pro model)`)
    .option('--json', 'the same as data on stdout')
    .addOption(new Option('--watch-ms <ms>', 'how long to watch for audio after each last complete (default: the drain cap + 500 ms)').argParser(integer('--watch-ms')).hideHelp())
    .addHelpText('after', DOCTOR_EXAMPLES);
  addConnectionOptions(doctor);
  doctor.action(async (_flags, command: Command) => {
    await withConfig(command);
    const { runDoctor } = await import('./commands/doctor/run-doctor.js');
    process.exitCode = await runDoctor(command.opts());
  });

  program
    .command('languages')
    .description('list the language codes a model supports')
    .addOption(new Option('--model <name>', `model (default: ${DEFAULT_SETTINGS.model})`).argParser(modelName))
    .option('--json', 'JSON instead of a table')
    .addHelpText('after', '\nExamples:\n  $ smallest-tts languages\n  $ smallest-tts languages --json | jq -r \'.[].code\'')
    .action(async (flags) => {
      const { runLanguages } = await import('./commands/languages/run-languages.js');
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
      const { runConfigCommand } = await import('./commands/config/run-config.js');
      runConfigCommand(action, args, flags.profile);
    });

  program
    .command('completion')
    .description('print a shell completion script')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText('after', '\nExamples:\n  $ source <(smallest-tts completion bash)\n  $ smallest-tts completion fish > ~/.config/fish/completions/smallest-tts.fish')
    .action(async (shell: string) => {
      const { completionScript } = await import('./commands/completion/completion-script.js');
      process.stdout.write(completionScript(program, shell));
    });

  program
    .command('__voices', { hidden: true })
    .argument('[model]')
    .action(async (model?: string) => {
      const { knownVoices } = await import('./commands/voices/voice-names.js');
      process.stdout.write(`${knownVoices(model ?? DEFAULT_SETTINGS.model).join('\n')}\n`);
    });

  program
    .command('serve')
    .description('run a local Waves-compatible server with the offline voice, for testing apps without a key')
    .option('--host <host>', 'address to listen on (one other machines reach needs --api-key or --allow-anonymous)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', port, 8765)
    .option('--api-key <key>', 'require this key (Authorization: Bearer); without it any key is accepted')
    .option('--allow-anonymous', 'with a --host other than loopback: run without --api-key on purpose (anyone who reaches it may use it)')
    .option('--engine <name>', 'flite: the offline voice; tone: fast test tones, not speech', 'flite')
    .option('--idle-timeout <seconds>', 'close a connection idle this long (a client may ask for another with ?timeout=)', integer('--idle-timeout'), 60)
    .option('--chunk-bytes <n>', 'PCM bytes per chunk frame', integer('--chunk-bytes'), 4800)
    .option('--max-active <n>', 'account-wide active requests (a context counts once); over it: a concurrency_limit_exceeded error frame', integer('--max-active'))
    .option('--max-connections <n>', 'open sockets at most; over it an upgrade gets HTTP 429', integer('--max-connections'))
    .addOption(new Option('--handshake-timeout <ms>', 'close raw sockets that have not finished their HTTP request in this long').argParser(integer('--handshake-timeout')).default(10_000))
    .addOption(new Option('--retire-model <model...>', 'answer these models with HTTP 410, as the API does; "none" serves lightning-v2 (default: lightning-v2)'))
    .addOption(new Option('--first-chunk-delay <ms>', "fault: wait this long before each request's first chunk").argParser(integer('--first-chunk-delay')))
    .addOption(new Option('--realtime-factor <x>', 'fault: pace audio at this many times real time (0: as fast as possible)').argParser(Number))
    .addOption(new Option('--drop-after-chunks <n>', 'fault: drop the connection (no close frame) after this many chunks').argParser(integer('--drop-after-chunks')))
    .addOption(new Option('--drop-connections <n>', 'fault: how many connections --drop-after-chunks applies to').argParser(integer('--drop-connections')).default(1))
    .addOption(new Option('--stall-after-chunks <n>', 'fault: send this many chunks of a request (0: none), then nothing, never closing').argParser(integer('--stall-after-chunks')))
    .addOption(new Option('--close-with <code[:reason]>', 'fault: close the socket with this code and reason when a request arrives (e.g. 1008:policy, 4401:unauthorised)'))
    .addOption(new Option('--close-after-chunks <n>', 'fault: with --close-with, close after this many chunks instead').argParser(integer('--close-after-chunks')))
    .addOption(new Option('--refuse-voice <id...>', 'fault: answer these voices with a VOICE_NOT_FOUND error frame'))
    .option('--ignore-blank', 'fault: never answer a request whose text is blank (keepalives)')
    .option('--foreign-frames', "fault: before each chunk, send a junk chunk with another request's ids, which clients must drop")
    .addOption(new Option('--segment-delay <ms>', 'fault: wait this long before each continuation or flush segment').argParser(integer('--segment-delay')))
    .addOption(new Option('--release-mode <mode>', 'how a context releases text: sentence (one sentence per release, several complete per fragment, as the API is described) or fragment (fault: one release per fragment, a server that does not split)').choices(['sentence', 'fragment']).default('sentence'))
    .option('--close-after-complete', 'close the socket after each request, as the API specs describe')
    .option('--word-timestamps', 'fault: send word_timestamp frames for every request and voice, asked or not (unknown to older clients)')
    .option('-q, --quiet', 'no log lines')
    .addHelpText('after', SERVE_EXAMPLES)
    .action(async (flags) => {
      const { runServe } = await import('./commands/serve/run-serve.js');
      await runServe(flags);
    });

  return polishProgram(program);
}
