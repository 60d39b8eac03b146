// The offline voice: CMU Flite (WASI build, BSD-style licence) in a worker process, a sentence at a time.
import { chunkText } from '../../text/chunk.js';
import type { EnginePiece, SpeechEngine, SynthesisParams, VoiceInfo } from './engine.js';
import { FLITE_VOICES } from './flite-voices.js';
import { removeStaleFliteDirs } from './flite/stale-dirs.js';
import { FlitePool, type FlitePoolOptions } from './flite/worker-pool.js';
import type { FliteResult } from './flite/flite-run.js';

/** A voice id the engine does not have. */
export class UnknownVoiceError extends Error {
  readonly code = 'VOICE_NOT_FOUND';
  constructor(readonly voice: string) {
    super(`voice ${voice} is not available offline (offline voices: ${Object.keys(FLITE_VOICES).join(', ')})`);
  }
}

/** Characters per Flite call: about a sentence, so a 250-character request keeps two workers busy. */
const MAX_SENTENCE_CHARS = 140;

export class FliteEngine implements SpeechEngine {
  readonly name = 'flite';
  /** The worker processes; tests watch their 'spawn' and 'exit' events and pids. */
  readonly workers: FlitePool;
  /** Sentences in the works at once per request: enough to keep every worker busy. */
  private readonly lookahead: number;

  constructor(options: FlitePoolOptions = {}) {
    // Folders of older versions (one per process, never removed when it crashed).
    removeStaleFliteDirs();
    this.workers = new FlitePool(options);
    this.workers.warm();
    this.lookahead = this.workers.size + 1;
  }

  /**
   * Yields one piece per sentence group, in order. Flite works a few sentences ahead of the
   * consumer, so the next piece is usually ready when this one has been sent. Pieces of a
   * word-timestamp voice carry `words`: every whitespace-separated word of the piece's text.
   */
  async *synthesize({ text, voice, sampleRate, speed = 1 }: SynthesisParams, signal?: AbortSignal): AsyncIterable<EnginePiece> {
    if (!Object.hasOwn(FLITE_VOICES, voice)) throw new UnknownVoiceError(voice); // not "constructor" either
    const fliteVoice = FLITE_VOICES[voice];
    const wordTimestamps = fliteVoice.wordTimestamps === true;
    const start = (sentence: string): Promise<FliteResult> => {
      if (!/[\p{L}\p{N}]/u.test(sentence)) {
        // Nothing to say (a line of dashes): no audio, and its words at the start.
        const words = sentence.split(/\s+/).filter(Boolean).map((word) => ({ word, start: 0, end: 0 }));
        return Promise.resolve({ samples: new Int16Array(0), words });
      }
      const job = { text: sentence, voice: fliteVoice.flite, pitch: fliteVoice.pitch, speed, sampleRate, words: wordTimestamps };
      const result = this.workers.run(job);
      // Known to settle: keep an abandoned look-ahead job's failure from being reported as unhandled.
      result.catch(() => {});
      return result;
    };
    const sentences = chunkText(text, { maxChars: MAX_SENTENCE_CHARS });
    const queue: Promise<FliteResult>[] = [];
    const fill = () => {
      while (queue.length < this.lookahead && !signal?.aborted) {
        const next = sentences.next();
        if (next.done) return;
        queue.push(start(next.value));
      }
    };
    fill();
    while (queue.length > 0) {
      const current = queue.shift()!;
      fill();
      const { samples, words } = await abortable(current, signal);
      if (signal?.aborted) return;
      if (samples.length === 0 && !wordTimestamps) continue;
      yield wordTimestamps ? { samples, words } : { samples };
    }
  }

  voices(): VoiceInfo[] {
    return Object.entries(FLITE_VOICES).map(([id, v]) => ({
      voiceId: id,
      displayName: v.name,
      tags: { language: ['english'], gender: v.gender, accent: v.accent, age: 'adult', usecases: ['offline'] },
      wordTimestamps: v.wordTimestamps === true,
    }));
  }

  /** Ends the worker processes; resolves once they have gone. */
  dispose(): Promise<void> {
    return this.workers.close();
  }
}

/** Resolves like `promise`, or returns early (with no audio) once `signal` aborts. */
function abortable(promise: Promise<FliteResult>, signal?: AbortSignal): Promise<FliteResult> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve({ samples: new Int16Array(0) });
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
