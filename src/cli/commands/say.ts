// `smallest-tts say`: text from args, a file or stdin → Waves → speakers, a WAV file, or stdout.
import { once } from 'node:events';
import type { AudioSink } from '../../audio/sink.js';
import { StreamSink } from '../../audio/sink.js';
import { SpeakerSink, probePlayback } from '../../audio/speaker.js';
import { WavFileSink, WavStreamSink } from '../../audio/wav.js';
import { InterruptedError, UsageError } from '../../errors.js';
import type { Settings } from '../../settings.js';
import { synthesizeToSink } from '../../synthesize.js';
import { chunkText } from '../../text/chunk.js';
import { readText } from '../../text/input.js';
import { WavesClient } from '../../waves/client.js';
import { openConnection, reportClientEvents } from '../connect.js';
import { settingsFromFlags, type ConnectionFlags, type SettingsFlags } from '../options.js';
import { Ui } from '../ui.js';

export interface SayFlags extends SettingsFlags, ConnectionFlags {
  file?: string;
  output?: string;
  raw?: boolean;
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

export async function runSay(words: string[], flags: SayFlags): Promise<void> {
  const settings = settingsFromFlags(flags);
  const output = outputFromFlags(flags);
  const ui = new Ui({ quiet: flags.quiet, verbose: flags.verbose, interactive: process.stderr.isTTY === true });
  const text = await readText({ args: words, file: flags.file, stdin: process.stdin, stdinIsTerminal: process.stdin.isTTY === true });
  const connection = await openConnection(flags, ui);
  const client = new WavesClient({ apiKey: connection.apiKey, baseUrl: connection.baseUrl, settings });
  reportClientEvents(client, ui);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C does not wait for cleanup
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let sink: AudioSink | undefined;
  try {
    await ui.status(`Connecting to ${new URL(connection.baseUrl).host}…`);
    const started = performance.now();
    const [opened, connected] = await Promise.allSettled([openSink(output, settings, flags.raw ?? false), client.connect()]);
    if (opened.status === 'rejected') throw opened.reason;
    const audio = (sink = opened.value);
    if (connected.status === 'rejected') throw connected.reason;
    if (controller.signal.aborted) throw new InterruptedError();
    ui.verbose(`ready in ${Math.round(performance.now() - started)} ms`);
    await ui.status('Synthesizing…');
    const stats = await synthesizeToSink(client, chunkText(text, { language: settings.language }), audio, {
      signal: controller.signal,
      onFirstAudio: () => ui.stopStatus(),
    });
    ui.stopStatus();
    if (stats.interrupted) {
      // A file keeps what arrived (a valid WAV); playback stops at once.
      await (output.kind === 'speaker' ? audio.abort() : audio.end());
      sink = undefined;
      throw new InterruptedError();
    }
    await audio.end();
    sink = undefined;
    ui.verbose(
      `time to first audio ${stats.firstAudioMs === undefined ? '-' : Math.round(stats.firstAudioMs)} ms, ` +
        `${stats.audioSeconds.toFixed(2)} s of audio, ${stats.requests} request(s), total ${Math.round(stats.totalMs)} ms`,
    );
    if (output.kind === 'file') ui.verbose(`wrote ${output.path}`);
  } finally {
    ui.stopStatus();
    process.off('SIGINT', onSigint);
    if (sink) await sink.abort();
    await client.close();
    await connection.close();
    if (output.kind === 'stdout' && process.stdout.writableLength > 0) await once(process.stdout, 'drain');
  }
}
