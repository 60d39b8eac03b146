// `smallest-tts say`: text from args, a file or stdin → Waves → speakers, a WAV file, or stdout.
import type { AudioSink } from '../../audio/sink.js';
import { StreamSink } from '../../audio/sink.js';
import { SpeakerSink, probePlayback } from '../../audio/speaker.js';
import { WavFileSink, WavStreamSink } from '../../audio/wav.js';
import { ApiError, SmallestTtsError, UsageError } from '../../errors.js';
import type { Settings } from '../../settings.js';
import { synthesizeToSink, type SynthesisStats } from '../../synthesize.js';
import { chunkText } from '../../text/chunk.js';
import { readText } from '../../text/input.js';
import { WavesClient } from '../../waves/client.js';
import type { ValueOrigins } from '../config-apply.js';
import { openConnection, reportClientEvents } from '../connect.js';
import { settingsFromFlags, type ConnectionFlags, type SettingsFlags } from '../options.js';
import { assertOutputIsNotInput } from '../same-file.js';
import { onTermination } from '../signals.js';
import { flushStdout } from '../stdout.js';
import { Ui } from '../ui.js';
import { readVoiceCache } from '../voice-cache.js';

export interface SayFlags extends SettingsFlags, ConnectionFlags {
  file?: string;
  output?: string;
  raw?: boolean;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

type Output = { kind: 'speaker' } | { kind: 'stdout' } | { kind: 'file'; path: string };

function outputFromFlags(flags: SayFlags): Output {
  if (flags.output === undefined) {
    if (flags.raw) throw new UsageError('--raw needs an output: -o FILE or -o - for stdout.');
    return { kind: 'speaker' };
  }
  if (flags.output === '-') {
    if (process.stdout.isTTY) throw new UsageError('Refusing to write audio to a terminal.', 'Redirect it (-o - > out.wav) or pipe it (-o - | aplay).');
    return { kind: 'stdout' };
  }
  if (flags.output.trim() === '') throw new UsageError('-o needs a file name, or - for stdout.');
  return { kind: 'file', path: flags.output };
}

async function openSink(output: Output, settings: Settings, raw: boolean): Promise<AudioSink> {
  switch (output.kind) {
    case 'file':
      return WavFileSink.open(output.path, settings.sampleRate, { raw });
    case 'stdout':
      return raw ? new StreamSink(process.stdout) : new WavStreamSink(process.stdout, settings.sampleRate);
    case 'speaker':
      await probePlayback();
      return SpeakerSink.open(settings.sampleRate);
  }
}

/** What `--json` prints: the effective settings (never the key), sizes and timings. */
function jsonReport(settings: Settings, output: Output, raw: boolean, stats: SynthesisStats, totalMs: number) {
  return {
    settings,
    output: output.kind === 'file' ? output.path : output.kind,
    format: raw ? 'raw' : output.kind === 'speaker' ? 'pcm' : 'wav',
    audioSeconds: Number(stats.audioSeconds.toFixed(3)),
    bytes: stats.bytes,
    requests: stats.requests,
    firstAudioMs: stats.firstAudioMs === undefined ? null : Math.round(stats.firstAudioMs),
    totalMs: Math.round(totalMs),
  };
}

/** An API error about an unknown voice gets the cached voice list as its hint. */
function withVoiceHint(error: unknown, baseUrl: string, settings: Settings): unknown {
  if (!(error instanceof ApiError)) return error;
  const voices = readVoiceCache(baseUrl, settings.model, Number.POSITIVE_INFINITY)?.map((v) => v.voiceId);
  if (!voices || voices.includes(settings.voice)) return error;
  const some = voices.slice(0, 8).join(', ') + (voices.length > 8 ? ', …' : '');
  return new SmallestTtsError(error.message, { hint: `"${settings.voice}" is not in the voice list of ${settings.model}: ${some} (smallest-tts voices)`, cause: error });
}

export async function runSay(words: string[], flags: SayFlags, origins?: ValueOrigins): Promise<void> {
  const settings = settingsFromFlags(flags);
  const output = outputFromFlags(flags);
  if (flags.file !== undefined || words.length === 0) assertOutputIsNotInput(flags.file, output.kind === 'file' ? output.path : undefined);
  // --json on stderr shares it with the spinner: keep the spinner off then.
  const jsonOnStderr = flags.json && output.kind !== 'file';
  const ui = await Ui.create({ quiet: flags.quiet, verbose: flags.verbose, interactive: process.stderr.isTTY === true && !jsonOnStderr });
  if (origins) {
    ui.verbose(`settings: ${origins.describe()}`);
    for (const key of origins.dropped) ui.verbose(`ignored ${key} from the config file: it applies to lightning-v2 only`);
  }
  const text = await readText({ args: words, file: flags.file, stdin: process.stdin, stdinIsTerminal: process.stdin.isTTY === true });
  const connection = await openConnection(flags, ui);
  const client = new WavesClient({ apiKey: connection.apiKey, baseUrl: connection.baseUrl, settings });
  reportClientEvents(client, ui);
  const controller = new AbortController();
  let sink: AudioSink | undefined;
  // Ctrl-C, SIGTERM, SIGHUP: stop and keep a valid file; a second signal does not wait, but the file still ends valid.
  const termination = onTermination(() => controller.abort(), { force: () => sink instanceof WavFileSink && sink.finishSync() });
  try {
    await ui.status(`Connecting to ${new URL(connection.baseUrl).host}…`);
    const started = performance.now();
    const opening = openSink(output, settings, flags.raw ?? false);
    const setup = Promise.allSettled([opening, client.connect()]);
    const interrupted = new Promise<'interrupted'>((resolve) => controller.signal.addEventListener('abort', () => resolve('interrupted'), { once: true }));
    const ready = await Promise.race([setup, interrupted]);
    if (ready === 'interrupted') {
      // Ctrl-C while connecting: stop now; a file opened meanwhile is removed.
      void opening.then((s) => s.abort(), () => {});
      throw termination.error();
    }
    const [opened, connected] = ready;
    if (opened.status === 'rejected') throw opened.reason;
    const audio = (sink = opened.value);
    if (connected.status === 'rejected') throw connected.reason;
    ui.verbose(`ready in ${Math.round(performance.now() - started)} ms`);
    await ui.status('Synthesizing…');
    const stats = await synthesizeToSink(client, chunkText(text, { language: settings.language }), audio, {
      signal: controller.signal,
      onFirstAudio: () => ui.stopStatus(),
    }).catch((error: unknown) => {
      throw withVoiceHint(error, connection.baseUrl, settings);
    });
    ui.stopStatus();
    if (stats.interrupted) {
      // A file keeps what arrived (a valid WAV); playback stops at once.
      await (output.kind === 'speaker' ? audio.abort() : audio.end());
      sink = undefined;
      throw termination.error();
    }
    await audio.end();
    sink = undefined;
    const underruns = audio instanceof SpeakerSink ? audio.clock : null;
    if (underruns) ui.verbose(`playback: ${underruns.underruns} underrun(s), ${Math.round(underruns.underrunMs)} ms of silence added`);
    ui.verbose(
      `time to first audio ${stats.firstAudioMs === undefined ? '-' : Math.round(stats.firstAudioMs)} ms, ` +
        `${stats.audioSeconds.toFixed(2)} s of audio, ${stats.requests} request(s), total ${Math.round(stats.totalMs)} ms`,
    );
    if (output.kind === 'file') ui.verbose(`wrote ${output.path}`);
    if (flags.json) {
      const report = JSON.stringify({ ...jsonReport(settings, output, flags.raw ?? false, stats, performance.now() - started), ...(underruns && { underruns: underruns.underruns }) });
      (output.kind === 'file' ? process.stdout : process.stderr).write(`${report}\n`);
    }
  } finally {
    ui.stopStatus();
    termination.dispose();
    if (sink) await sink.abort();
    await client.close();
    await connection.close();
    if (output.kind === 'stdout') await flushStdout();
  }
}
