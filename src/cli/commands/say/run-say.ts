// `smallest-tts say`: text from args, a file or stdin → Waves → speakers, a file (WAV, MP3, FLAC, Ogg, raw, G.711), or stdout.
import { UsageError } from '../../../core/errors.js';
import { textInput } from '../../../text/input.js';
import type { ValueOrigins } from '../../config/apply-config.js';
import { assertOutputIsNotInput } from '../../output/same-file.js';
import { performSpeech } from './perform-speech.js';
import type { SayFlags } from './say-flags.js';
import { subtitlePlan, type SubtitlePlan } from './say-subtitles.js';
import { planSpeech } from './speech-plan.js';

export type { SayFlags } from './say-flags.js';

export async function runSay(words: string[], flags: SayFlags, origins?: ValueOrigins): Promise<void> {
  // `say -v '?'`, as macOS say: the voices, one a line, instead of speaking.
  if (flags.voice === '?') {
    const { runVoiceQuestion } = await import('../voices/voice-question.js');
    return runVoiceQuestion(flags);
  }
  const subtitles = subtitlePlan(flags.subtitles, flags.output);
  checkPaths(words, flags, subtitles);
  const plan = await planSpeech(flags, subtitles, origins);
  await performSpeech(plan, (signal) =>
    textInput({ args: words, file: flags.file, stdin: () => ({ stream: process.stdin, isTerminal: process.stdin.isTTY === true }), signal }),
  );
}

/** Before the output's format is looked at: `-f notes.txt -o notes.txt` is about the input first. */
function checkPaths(words: string[], flags: SayFlags, subtitles: SubtitlePlan | null): void {
  const readsInput = flags.file !== undefined || words.length === 0;
  if (readsInput && flags.output !== undefined && flags.output !== '-') assertOutputIsNotInput(flags.file, flags.output);
  if (readsInput && subtitles) assertOutputIsNotInput(flags.file, subtitles.path);
  if (subtitles && flags.wordTimestamps === false) throw new UsageError('--subtitles needs word timings: leave out --word-timestamps off.');
}
