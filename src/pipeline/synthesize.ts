// Text → client → sink: one job for the whole text (a continuation on the live route), written as it arrives; returns stats.
import type { AudioSink } from '../audio/sink.js';
import type { Settings } from '../core/settings.js';
import type { TextInput } from '../text/fragments.js';
import type { WavesClient } from './client.js';
import type { TimedWord } from '../waves/utterance/speech-stream.js';

export interface SynthesisStats {
  requests: number;
  bytes: number;
  audioSeconds: number;
  /** From the start of synthesis to the first audio reaching the sink. */
  firstAudioMs?: number;
  totalMs: number;
  interrupted: boolean;
  /** Word timings, against the audio written (empty when the voice gives none). */
  words: TimedWord[];
}

interface SynthesisProgress {
  /** Characters of text whose audio has arrived, and of all the text (undefined while it is still arriving). */
  textDone: number;
  textTotal?: number;
  audioSeconds: number;
}

export interface SynthesizeOptions {
  /** Aborting stops the audio at once; the stats say `interrupted`. */
  signal?: AbortSignal;
  settings?: Readonly<Settings>;
  /** The text's length when the input does not tell (a file read as it arrives). */
  textTotal?: number;
  onFirstAudio?: () => void;
  onProgress?: (progress: SynthesisProgress) => void;
  /** Each word as its timing arrives, timed against the audio written. */
  onWord?: (word: TimedWord) => void;
  /** Each piece of text as its audio begins, with its start in the audio written (seconds). */
  onSegment?: (segment: { text: string; start: number }) => void;
}

export async function synthesizeToSink(client: WavesClient, input: TextInput, sink: AudioSink, options: SynthesizeOptions = {}): Promise<SynthesisStats> {
  const started = performance.now();
  const settings = options.settings ?? client.settings;
  const { signal } = options;
  const stats: SynthesisStats = { requests: 0, bytes: 0, audioSeconds: 0, totalMs: 0, interrupted: false, words: [] };
  const textTotal = typeof input === 'string' ? input.replace(/\s+/g, ' ').trim().length : options.textTotal;
  const stream = client.synthesize(input, { settings, signal });
  const bytesPerSecond = settings.sampleRate * 2;
  const writeAudio = async (pcm: Buffer): Promise<void> => {
    if (stats.firstAudioMs === undefined) {
      stats.firstAudioMs = performance.now() - started;
      options.onFirstAudio?.();
    }
    await sink.write(pcm);
    stats.bytes += pcm.length;
    options.onProgress?.({ textDone: stream.textDone, textTotal, audioSeconds: stats.bytes / bytesPerSecond });
  };
  for await (const event of stream.all({ segments: options.onSegment !== undefined })) {
    if (signal?.aborted) break;
    if (event.type === 'word') options.onWord?.(event.word);
    else if (event.type === 'segment') options.onSegment?.({ text: event.text, start: event.start });
    else await writeAudio(event.pcm);
  }
  stats.requests = stream.requests;
  stats.words = stream.words;
  stats.interrupted = (signal?.aborted ?? false) || stream.interrupted;
  stats.audioSeconds = stats.bytes / bytesPerSecond;
  stats.totalMs = performance.now() - started;
  return stats;
}
