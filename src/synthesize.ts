// Text chunks → client → sink: keeps the next requests queued so audio joins without gaps; returns stats.
import type { AudioSink } from './audio/sink.js';
import type { WavesClient } from './waves/client.js';
import type { SpeechStream } from './waves/speech-stream.js';

export interface SynthesisStats {
  requests: number;
  bytes: number;
  audioSeconds: number;
  /** From the start of synthesis to the first audio reaching the sink. */
  firstAudioMs?: number;
  totalMs: number;
  interrupted: boolean;
}

export interface SynthesizeOptions {
  /** Aborting interrupts the client: no more audio is written. */
  signal?: AbortSignal;
  /** Requests queued beyond the one being consumed (bounds memory when the sink is slower than the server). */
  lookahead?: number;
  onFirstAudio?: () => void;
}

export async function synthesizeToSink(client: WavesClient, chunks: Iterable<string>, sink: AudioSink, options: SynthesizeOptions = {}): Promise<SynthesisStats> {
  const started = performance.now();
  const sampleRate = client.settings.sampleRate;
  const lookahead = Math.max(0, options.lookahead ?? 2);
  const stats: SynthesisStats = { requests: 0, bytes: 0, audioSeconds: 0, totalMs: 0, interrupted: false };
  const { signal } = options;
  const onAbort = () => client.interrupt();
  signal?.addEventListener('abort', onAbort, { once: true });
  const source = chunks[Symbol.iterator]();
  const window: SpeechStream[] = [];
  const fill = () => {
    while (window.length <= lookahead && !signal?.aborted) {
      const next = source.next();
      if (next.done) return;
      window.push(client.synthesize(next.value));
      stats.requests++;
    }
  };
  try {
    fill();
    while (window.length > 0 && !signal?.aborted) {
      const stream = window[0];
      for await (const pcm of stream) {
        if (signal?.aborted) break;
        if (stats.firstAudioMs === undefined) {
          stats.firstAudioMs = performance.now() - started;
          options.onFirstAudio?.();
        }
        await sink.write(pcm);
        stats.bytes += pcm.length;
      }
      window.shift();
      fill();
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // A failure: drop what is still queued or in flight; a request that failed alone (an error frame) leaves the socket be.
    if (!signal?.aborted && window.some((s) => !s.isFinished)) client.interrupt();
  }
  stats.interrupted = signal?.aborted ?? false;
  stats.audioSeconds = stats.bytes / 2 / sampleRate;
  stats.totalMs = performance.now() - started;
  return stats;
}
