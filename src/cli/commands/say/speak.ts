// Speaking text that has arrived: open the output and the socket together, synthesize (with karaoke
// or progress), then finish the file, the subtitles and the report, or stop with what arrived.
import { stat } from 'node:fs/promises';
import type { AudioSink } from '../../../audio/sink.js';
import { SpeakerSink, probePlayback } from '../../../audio/speaker.js';
import { synthesizeToSink, type SynthesisStats } from '../../../pipeline/synthesize.js';
import type { TextInput } from '../../../text/fragments.js';
import type { WavesClient } from '../../../pipeline/client.js';
import { openOutput } from '../../output/output-choice.js';
import { checkOutputRoom } from '../../output/output-room.js';
import { patchStdoutWav } from '../../output/stdout-file.js';
import { flushStdout } from '../../stdout.js';
import { Karaoke } from '../../terminal/karaoke.js';
import { jsonReport, withHint } from './say-report.js';
import { writeSaySubtitles } from './say-subtitles.js';
import type { SpeechPlan, SpeechRun } from './speech-plan.js';

export async function speak(plan: SpeechPlan, run: SpeechRun, text: TextInput, client: WavesClient, connection: { baseUrl: string }): Promise<void> {
  // A machine without a usable device must not spend a request.
  if (plan.output.kind === 'speaker') await probePlayback({ device: plan.output.device, sampleRate: plan.settings.sampleRate });
  await plan.ui.status(`Connecting to ${new URL(connection.baseUrl).host}…`);
  const started = performance.now();
  const audio = await openAudio(plan, run, client);
  plan.ui.verbose(`ready in ${Math.round(performance.now() - started)} ms`);
  await plan.ui.status('Synthesizing…');
  const { stats, karaoke } = await synthesize(plan, run, text, client, audio);
  plan.ui.stopStatus();
  if (stats.interrupted) {
    karaoke?.stop();
    await stopWithWhatArrived(plan, run, audio, stats);
    throw run.termination.error();
  }
  // Nothing more goes to the service: the socket's closing handshake runs while the audio ends.
  const closing = client.close();
  await audio.end();
  karaoke?.stop();
  run.sink = undefined;
  await finishSpoken(plan, run, audio, stats, started);
  await closing;
}

/**
 * The output and the socket, opened together; a signal meanwhile stops both. A file's folder is
 * probed for room while the socket opens: a full disk costs no request, and no wait either.
 */
async function openAudio({ output, settings }: SpeechPlan, run: SpeechRun, client: WavesClient): Promise<AudioSink> {
  const opening = openOutput(output, settings.sampleRate, run.signal);
  const room = output.kind === 'file' ? checkOutputRoom(output.path) : Promise.resolve();
  const setup = Promise.allSettled([opening, client.connect(), room]);
  const interrupted = new Promise<'interrupted'>((resolve) => run.signal.addEventListener('abort', () => resolve('interrupted'), { once: true }));
  const ready = await Promise.race([setup, interrupted]);
  if (ready === 'interrupted') {
    // A signal while connecting (or waiting for a FIFO's reader): stop now; a file opened meanwhile is
    // removed, and so is the room probe's one-byte file (it takes a few milliseconds to finish).
    await Promise.all([opening.then((s) => s.abort(), () => {}), room.catch(() => {})]);
    throw run.termination.error();
  }
  const [opened, connected, roomy] = ready;
  if (opened.status === 'rejected') throw opened.reason;
  run.sink = opened.value;
  if (roomy.status === 'rejected') throw roomy.reason;
  if (connected.status === 'rejected') throw connected.reason;
  return opened.value;
}

/** A regular file's size, as the text's length for progress (pipes and stdin: unknown). */
async function fileLength(path: string | undefined): Promise<number | undefined> {
  if (path === undefined || path === '-') return undefined;
  const info = await stat(path).catch(() => null);
  return info?.isFile() ? info.size : undefined;
}

async function synthesize({ flags, ui }: SpeechPlan, run: SpeechRun, text: TextInput, client: WavesClient, audio: AudioSink) {
  // Playing on a terminal: the text being heard, its current word highlighted, instead of progress.
  const karaoke = audio instanceof SpeakerSink && ui.karaokeWanted ? new Karaoke(process.stderr, () => audio.clock.playedMs() / 1000, (w) => ui.highlight(w)) : null;
  if (karaoke) ui.stopStatus();
  const stats = await synthesizeToSink(client, text, audio, {
    signal: run.signal,
    textTotal: await fileLength(flags.file),
    onProgress: karaoke ? undefined : (p) => ui.progress(p),
    onWord: karaoke ? (w) => karaoke.word(w) : undefined,
    onSegment: karaoke ? (s) => karaoke.segment(s) : undefined,
  }).catch((error: unknown) => {
    karaoke?.stop();
    throw withHint(error);
  });
  return { stats, karaoke };
}

/**
 * A file keeps what arrived (a valid file, and the subtitles of it); playback stops at once. A
 * device or FIFO whose reader stopped reading is closed after a short grace: the signal wins.
 * Before any audio: no file (an old one stays as it was), as when a signal comes while connecting.
 */
async function stopWithWhatArrived({ output, subtitles, settings, ui }: SpeechPlan, run: SpeechRun, audio: AudioSink, stats: SynthesisStats): Promise<void> {
  await (output.kind === 'speaker' || stats.bytes === 0 ? audio.abort() : audio.end()).catch((error: Error) => ui.verbose(`while stopping: ${error.message}`));
  run.sink = undefined;
  if (subtitles && output.kind !== 'speaker') await writeSaySubtitles(subtitles, stats, settings.voice, run.signal).catch(() => {});
}

async function finishSpoken(plan: SpeechPlan, run: SpeechRun, audio: AudioSink, stats: SynthesisStats, started: number): Promise<void> {
  const { flags, output, redirected, settings, subtitles, ui } = plan;
  if (redirected?.fromStart && output.kind === 'stdout' && output.format === 'wav') {
    await flushStdout();
    patchStdoutWav(settings.sampleRate, stats.bytes);
  }
  if (subtitles) {
    const cues = await writeSaySubtitles(subtitles, stats, settings.voice, run.signal);
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
