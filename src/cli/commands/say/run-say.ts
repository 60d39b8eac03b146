// `smallest-tts say`: text from args, a file or stdin → Waves → speakers, a file (WAV, MP3, FLAC, Ogg, raw, G.711), or stdout.
import { stat } from 'node:fs/promises';
import type { AudioSink } from '../../../audio/sink.js';
import { SpeakerSink, probePlayback } from '../../../audio/speaker.js';
import { ApiError, SmallestTtsError, UsageError } from '../../../core/errors.js';
import type { Settings } from '../../../core/settings.js';
import { synthesizeToSink, type SynthesisStats } from '../../../pipeline/synthesize.js';
import type { TextInput } from '../../../text/fragments.js';
import { NOTHING_TO_SPEAK, textInput, whenTextArrives } from '../../../text/input.js';
import { WavesClient } from '../../../waves/client.js';
import type { ValueOrigins } from '../../config/apply-config.js';
import { openConnection, reportClientEvents } from '../../connection/connect.js';
import { settingsFromFlags, type ConnectionFlags, type SettingsFlags } from '../../options.js';
import { openOutput, outputFromFlags, type Output, type OutputFlags } from '../../output/output-choice.js';
import { formatSampleRate } from '../../terminal/format-rate.js';
import { checkOutputRoom } from '../../output/output-room.js';
import { Karaoke } from '../../terminal/karaoke.js';
import { subtitlePlan, writeSaySubtitles } from './say-subtitles.js';
import { checkOutputFolder } from '../../output/output-folder.js';
import { assertOutputIsNotInput } from '../../output/same-file.js';
import { onTermination } from '../../signals.js';
import { flushStdout } from '../../stdout.js';
import { safeLine } from '../../terminal/sanitize.js';
import { patchStdoutWav, stdoutFile } from '../../output/stdout-file.js';
import { Ui } from '../../terminal/ui.js';
import { VOICE_LIST_HINT, checkVoice, checkWordTimings, knownVoiceEntries } from '../voices/voice-check.js';

export interface SayFlags extends SettingsFlags, ConnectionFlags, OutputFlags {
  file?: string;
  json?: boolean;
  subtitles?: string;
  idleTimeout?: number;
  quiet?: boolean;
  verbose?: boolean;
  /** How the user named the voice, for messages (`voices --preview ID`); default --voice. */
  voiceArgument?: string;
}

/** What `--json` prints: the effective settings (never the key), sizes and timings. */
function jsonReport(settings: Settings, output: Output, stats: SynthesisStats, totalMs: number) {
  return {
    settings,
    output: output.kind === 'file' ? output.path : output.kind,
    format: output.kind === 'speaker' ? 'pcm' : output.format,
    audioSeconds: Number(stats.audioSeconds.toFixed(3)),
    bytes: stats.bytes,
    requests: stats.requests,
    firstAudioMs: stats.firstAudioMs === undefined ? null : Math.round(stats.firstAudioMs),
    totalMs: Math.round(totalMs),
    ...(settings.wordTimestamps && { words: stats.words.map((w) => ({ word: w.word, start: Number(w.start.toFixed(3)), end: Number(w.end.toFixed(3)) })) }),
  };
}

/** How long `say` waits, retrying, while the account is over its concurrency limit. */
const OVER_LIMIT_WAIT_MS = 60_000;

/** A refusal the user can act on gets its hint: how to see the voices, or that the account's request slots stayed taken. */
function withHint(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  if (error.kind === 'over-limit') {
    return new SmallestTtsError(error.message, {
      hint: `The account stayed at its concurrency limit for ${OVER_LIMIT_WAIT_MS / 1000} s (other requests of this key are running): try again when they end; \`batch\` waits and retries by itself.`,
      cause: error,
    });
  }
  if (error.kind !== 'unknown-voice') return error;
  return new SmallestTtsError(error.message, { hint: VOICE_LIST_HINT, cause: error });
}

/** A regular file's size, as the text's length for progress (pipes and stdin: unknown). */
async function fileLength(path: string | undefined): Promise<number | undefined> {
  if (path === undefined || path === '-') return undefined;
  const info = await stat(path).catch(() => null);
  return info?.isFile() ? info.size : undefined;
}

export async function runSay(words: string[], flags: SayFlags, origins?: ValueOrigins): Promise<void> {
  // `say -v '?'`, as macOS say: the voices, one a line, instead of speaking.
  if (flags.voice === '?') {
    const { runVoiceQuestion } = await import('../voices/run-voices.js');
    return runVoiceQuestion(flags);
  }
  const subtitles = subtitlePlan(flags.subtitles, flags.output);
  // Before the output's format is looked at: `-f notes.txt -o notes.txt` is about the input first.
  const readsInput = flags.file !== undefined || words.length === 0;
  if (readsInput && flags.output !== undefined && flags.output !== '-') assertOutputIsNotInput(flags.file, flags.output);
  if (readsInput && subtitles) assertOutputIsNotInput(flags.file, subtitles.path);
  if (subtitles && flags.wordTimestamps === false) throw new UsageError('--subtitles needs word timings: leave out --word-timestamps off.');
  // `say hi > out.wav`: the shell's audio file gets the audio (a WAV header patched at the end), not a playback attempt.
  const redirected = flags.output === undefined ? stdoutFile() : null;
  const output = outputFromFlags(flags, process.stdout.isTTY === true, redirected?.format);
  if (output.kind === 'file') checkOutputFolder(output.path);
  // --json on stderr shares it with the spinner: keep the spinner off then.
  const jsonOnStderr = flags.json && output.kind !== 'file';
  const ui = await Ui.create({ quiet: flags.quiet, verbose: flags.verbose, interactive: process.stderr.isTTY === true && !jsonOnStderr });
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
  if (origins) {
    ui.verbose(`settings: ${origins.describe()}`);
    for (const key of origins.dropped) ui.verbose(`ignored ${key} from the config file: it applies to lightning-v2 only`);
  }
  const controller = new AbortController();
  let sink: AudioSink | undefined;
  // Ctrl-C, SIGTERM, SIGHUP in any phase: stop and keep a valid file; a second signal does not wait,
  // but the file still ends valid (or, before any audio, no temporary file is left).
  const termination = onTermination(() => controller.abort(), { force: () => sink?.finishSync?.() });
  const signal = controller.signal;
  let client: WavesClient | undefined;
  let connection: Awaited<ReturnType<typeof openConnection>> | undefined;
  try {
    // Text from a FIFO or a pipe may be slow to come: a signal ends the wait.
    const input = await textInput({ args: words, file: flags.file, stdin: process.stdin, stdinIsTerminal: process.stdin.isTTY === true, signal }).catch((error: unknown) => {
      throw signal.aborted ? termination.error() : error;
    });
    // A voice the cached catalogue (or the offline voice) does not have never costs a request.
    checkVoice(settings.voice, known?.map((v) => v.voiceId) ?? null, flags.voiceArgument);
    if (subtitles) checkWordTimings(settings.voice, known, '--subtitles');
    connection = await openConnection(flags, ui);
    if (signal.aborted) throw termination.error();
    client = new WavesClient({
      apiKey: connection.apiKey, baseUrl: connection.baseUrl, route: connection.route, settings, idleTimeoutSeconds: flags.idleTimeout,
      trace: connection.trace,
      agent: connection.agent,
      overLimitRetryMs: OVER_LIMIT_WAIT_MS,
    });
    reportClientEvents(client, ui);
    client.on('over_limit', ({ attempt, delayMs, message }) => {
      if (attempt === 1) ui.info(`The account is at its concurrency limit (${safeLine(message)}): retrying for up to ${OVER_LIMIT_WAIT_MS / 1000} s.`);
      void ui.status(`Waiting for a free request slot: retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s…`);
    });
    // Streamed input: the socket opens while the first sentence is still being written; blank input closes it unused.
    if (typeof input !== 'string') void client.connect().catch(() => {});
    const text = await whenTextArrives(input).catch((error: unknown) => {
      throw signal.aborted ? termination.error() : error;
    });
    if (signal.aborted) throw termination.error();
    if (text === null) throw new UsageError(NOTHING_TO_SPEAK);
    await speak(text, client, connection);
  } finally {
    ui.stopStatus();
    termination.dispose();
    if (sink) await sink.abort();
    await client?.close();
    await connection?.close();
    if (output.kind === 'stdout') await flushStdout();
  }

  async function speak(text: TextInput, client: WavesClient, connection: { baseUrl: string }): Promise<void> {
    // A machine without a usable device must not spend a request.
    if (output.kind === 'speaker') await probePlayback({ device: output.device, sampleRate: settings.sampleRate });
    await ui.status(`Connecting to ${new URL(connection.baseUrl).host}…`);
    const started = performance.now();
    const opening = openOutput(output, settings.sampleRate, signal);
    const setup = Promise.allSettled([opening, client.connect()]);
    const interrupted = new Promise<'interrupted'>((resolve) => controller.signal.addEventListener('abort', () => resolve('interrupted'), { once: true }));
    const ready = await Promise.race([setup, interrupted]);
    if (ready === 'interrupted') {
      // A signal while connecting (or waiting for a FIFO's reader): stop now; a file opened meanwhile is removed.
      await opening.then((s) => s.abort(), () => {});
      throw termination.error();
    }
    const [opened, connected] = ready;
    if (opened.status === 'rejected') throw opened.reason;
    const audio = (sink = opened.value);
    if (connected.status === 'rejected') throw connected.reason;
    if (output.kind === 'file') await checkOutputRoom(output.path); // a full disk costs no request
    ui.verbose(`ready in ${Math.round(performance.now() - started)} ms`);
    await ui.status('Synthesizing…');
    // Playing on a terminal: the text being heard, its current word highlighted, instead of progress.
    const karaoke = audio instanceof SpeakerSink && ui.karaokeWanted ? new Karaoke(process.stderr, () => audio.clock.playedMs() / 1000, (w) => ui.highlight(w)) : null;
    if (karaoke) ui.stopStatus();
    const stats = await synthesizeToSink(client, text, audio, {
      signal: controller.signal,
      textTotal: await fileLength(flags.file),
      onProgress: karaoke ? undefined : (p) => ui.progress(p),
      onWord: karaoke ? (w) => karaoke.word(w) : undefined,
      onSegment: karaoke ? (s) => karaoke.segment(s) : undefined,
    })
      .catch((error: unknown) => {
        karaoke?.stop();
        throw withHint(error);
      });
    ui.stopStatus();
    if (stats.interrupted) {
      karaoke?.stop();
      // A file keeps what arrived (a valid file, and the subtitles of it); playback stops at once. A
      // device or FIFO whose reader stopped reading is closed after a short grace: the signal wins.
      // Before any audio: no file (an old one stays as it was), as when a signal comes while connecting.
      await (output.kind === 'speaker' || stats.bytes === 0 ? audio.abort() : audio.end()).catch((error: Error) => ui.verbose(`while stopping: ${error.message}`));
      sink = undefined;
      if (subtitles && output.kind !== 'speaker') await writeSaySubtitles(subtitles, stats, settings.voice, signal).catch(() => {});
      throw termination.error();
    }
    await audio.end();
    karaoke?.stop();
    sink = undefined;
    if (redirected?.fromStart && output.kind === 'stdout' && output.format === 'wav') {
      await flushStdout();
      patchStdoutWav(settings.sampleRate, stats.bytes);
    }
    if (subtitles) {
      const cues = await writeSaySubtitles(subtitles, stats, settings.voice, signal);
      ui.verbose(`wrote ${subtitles.path} (${cues} cues)`);
    }
    const underruns = audio instanceof SpeakerSink ? audio.clock : null;
    if (underruns) ui.verbose(`playback: ${underruns.underruns} underrun(s), ${Math.round(underruns.underrunMs)} ms of silence added`);
    ui.verbose(
      `time to first audio ${stats.firstAudioMs === undefined ? '-' : Math.round(stats.firstAudioMs)} ms, ` +
        `${stats.audioSeconds.toFixed(2)} s of audio, ${stats.requests} request(s), total ${Math.round(stats.totalMs)} ms`,
    );
    if (output.kind === 'file') ui.verbose(`wrote ${output.path}`);
    if (output.kind !== 'speaker') ui.summary(output.kind === 'file' ? output.path : 'stdout', stats.audioSeconds);
    if (flags.json) {
      const report = JSON.stringify({ ...jsonReport(settings, output, stats, performance.now() - started), ...(underruns && { underruns: underruns.underruns }) });
      (output.kind === 'file' ? process.stdout : process.stderr).write(`${report}\n`);
    }
  }
}
