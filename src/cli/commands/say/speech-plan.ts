// Before any text is read: where the audio goes, the terminal's Ui, and the settings of the request.
import type { AudioSink } from '../../../audio/sink.js';
import type { Settings } from '../../../core/settings.js';
import type { Voice } from '../../../waves/voices.js';
import type { ValueOrigins } from '../../config/apply-config.js';
import { settingsFromFlags } from '../../options.js';
import { outputFromFlags, type Output } from '../../output/output-choice.js';
import { checkOutputFolder } from '../../output/output-folder.js';
import { stdoutFile, type StdoutFile } from '../../output/stdout-file.js';
import type { Termination } from '../../signals.js';
import { formatSampleRate } from '../../terminal/format-rate.js';
import { Ui } from '../../terminal/ui.js';
import { knownVoiceEntries } from '../voices/voice-check.js';
import type { SayFlags } from './say-flags.js';
import type { SubtitlePlan } from './say-subtitles.js';

export interface SpeechPlan {
  flags: SayFlags;
  output: Output;
  /** stdout redirected to a file (`say hi > out.wav`), whose WAV header is patched at the end. */
  redirected: StdoutFile | null;
  ui: Ui;
  settings: Settings;
  /** The voices known without a request (the offline list or the cached catalogue), if any. */
  known: Voice[] | null;
  subtitles: SubtitlePlan | null;
}

/** A run's stop: its abort signal, the signal handlers, and the sink a second signal must finish. */
export interface SpeechRun {
  controller: AbortController;
  signal: AbortSignal;
  termination: Termination;
  sink?: AudioSink;
}

/** Output, Ui and settings for one `say`-like run. */
export async function planSpeech(flags: SayFlags, subtitles: SubtitlePlan | null, origins?: ValueOrigins): Promise<SpeechPlan> {
  // `say hi > out.wav`: the shell's audio file gets the audio (a WAV header patched at the end), not a playback attempt.
  const redirected = flags.output === undefined ? stdoutFile() : null;
  const output = outputFromFlags(flags, process.stdout.isTTY === true, redirected?.format);
  if (output.kind === 'file') checkOutputFolder(output.path);
  // --json on stderr shares it with the spinner: keep the spinner off then.
  const jsonOnStderr = flags.json && output.kind !== 'file';
  const ui = await Ui.create({ quiet: flags.quiet, verbose: flags.verbose, interactive: process.stderr.isTTY === true && !jsonOnStderr });
  const { settings, known } = speechSettings(flags, output, ui, subtitles, origins);
  if (origins) {
    ui.verbose(`settings: ${origins.describe()}`);
    for (const key of origins.dropped) ui.verbose(`ignored ${key} from the config file: it applies to lightning-v2 only`);
  }
  return { flags, output, redirected, ui, settings, known, subtitles };
}

function speechSettings(flags: SayFlags, output: Output, ui: Ui, subtitles: SubtitlePlan | null, origins?: ValueOrigins) {
  // Subtitles need word timings; so does karaoke (playing on a terminal), where the voice has them.
  const wantWords = subtitles !== null || (output.kind === 'speaker' && ui.karaokeWanted);
  const telephonyRate = formatSampleRate(output.kind === 'speaker' ? undefined : output.format, flags, origins);
  const settings = settingsFromFlags({
    ...flags,
    ...(wantWords && flags.wordTimestamps === undefined && { wordTimestamps: true }),
    ...(telephonyRate !== undefined && { sampleRate: telephonyRate }),
  });
  const known = knownVoiceEntries({ offline: flags.offline, baseUrl: flags.baseUrl, model: settings.model });
  // Karaoke shows the sentence for a voice known to send no word timings: it need not ask for them.
  if (!subtitles && flags.wordTimestamps === undefined && known?.find((v) => v.voiceId === settings.voice)?.wordTimestamps === false) settings.wordTimestamps = undefined;
  return { settings, known };
}
