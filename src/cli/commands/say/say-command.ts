// `say`: its flags, help and examples; the body is imported only when it runs.
import { Option, type Command } from 'commander';
import type { WithOptions } from '../../with-options.js';
import { applyConfig } from '../../config/apply-config.js';
import { integer } from '../../flag-parsers.js';
import { addConnectionOptions, addSettingsOptions } from '../../options.js';

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
  $ smallest-tts say "The older routes" --route per-model --base-url wss://waves-api.smallest.ai
  $ smallest-tts say "Stats for scripts" -o x.wav --json | jq .audioSeconds`;

export function addSayCommand(program: Command, withOptions: WithOptions): void {
  const say = program
    .command('say')
    .description('speak text: from arguments, --file, or stdin; to the speakers, a file (WAV, MP3, FLAC, Ogg, raw, μ-law, A-law), or stdout')
    .argument('[text...]', 'the text to speak (or use --file, or pipe it on stdin)')
    .addHelpText('after', SAY_EXAMPLES);
  withOptions(say, (c) => {
    c
      .option('-f, --file <path>', 'read the text from a file (- for stdin)')
      .option('-o, --output <file>', 'write a file instead of playing (- for stdout); .wav .mp3 .flac .ogg .raw .ulaw .alaw by the extension')
      .option('--format <name>', 'wav, mp3, flac, ogg, raw, ulaw or alaw, whatever the extension (needed with -o - for non-WAV); ulaw and alaw (G.711) are 8 kHz unless --sample-rate is given')
      .option('--raw', 'headerless 16-bit little-endian mono PCM instead of WAV (with -o)')
      .option('--device <name>', 'play on this ALSA device (names as `aplay -L` lists them)')
      .option('--subtitles <file>', 'also write subtitles timed against the audio: FILE.srt or FILE.vtt (voices with word timings, e.g. liam)')
      .addOption(new Option('--idle-timeout <seconds>', 'how long the server keeps an idle connection (?timeout=); it reopens when needed').argParser(integer('--idle-timeout')))
      .option('--json', 'print one JSON object of settings and timings (stdout with -o FILE, else stderr)');
    addSettingsOptions(c);
    addConnectionOptions(c);
  });
  say.action(async (words: string[], _flags, command: Command) => {
    const origins = applyConfig(command);
    const { runSay } = await import('./run-say.js');
    await runSay(words, command.opts(), origins);
  });
}
