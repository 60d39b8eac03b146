// A deterministic speech engine for tests and benchmarks: one tone per word, with exact word timings.
import { WORD_TIMESTAMP_VOICES } from '../../core/models.js';
import type { EnginePiece, SpeechEngine, SynthesisParams, VoiceInfo } from './engine.js';
import { FLITE_VOICES } from './flite-voices.js';

function wordPitch(word: string): number {
  let h = 0;
  for (const ch of word) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return 180 + (h % 500);
}

/** Voices of the catalogue: three without word timings, and the API's word-timestamp voices with them. */
const VOICES: readonly { id: string; gender: string; words: boolean }[] = [
  { id: 'sophia', gender: 'female', words: false },
  { id: 'emily', gender: 'female', words: false },
  { id: 'ryan', gender: 'male', words: false },
  ...WORD_TIMESTAMP_VOICES.map((id) => ({ id, gender: FLITE_VOICES[id].gender, words: true })),
];

/**
 * Not speech: one tone per word (its pitch from the word, its length from the word's length and the
 * speed) followed by a gap. Repeatable to the byte, fast, and longer text gives longer audio. Each
 * piece is one word; its timing is the tone, from 0 to the tone's end.
 */
export class ToneEngine implements SpeechEngine {
  readonly name = 'tone';
  private readonly letterSeconds: number;
  private readonly gapSeconds: number;

  /** Defaults give speech-like lengths; benchmarks shrink them to keep huge texts' audio small. */
  constructor(options: { letterSeconds?: number; gapSeconds?: number } = {}) {
    this.letterSeconds = options.letterSeconds ?? 0.05;
    this.gapSeconds = options.gapSeconds ?? 0.04;
  }

  async *synthesize({ text, sampleRate, speed = 1 }: SynthesisParams, signal?: AbortSignal): AsyncIterable<EnginePiece> {
    const words = text.split(/\s+/).filter(Boolean);
    const gap = Math.round((this.gapSeconds * sampleRate) / speed);
    for (const word of words) {
      if (signal?.aborted) return;
      const length = Math.round((this.letterSeconds * sampleRate * Math.min(word.length, 20)) / speed);
      const samples = new Int16Array(length + gap);
      const step = (2 * Math.PI * wordPitch(word)) / sampleRate;
      for (let i = 0; i < length; i++) samples[i] = Math.round(8000 * Math.sin(step * i));
      yield { samples, words: [{ word, start: 0, end: length / sampleRate }] };
    }
  }

  voices(): VoiceInfo[] {
    return VOICES.map(({ id, gender, words }) => ({
      voiceId: id,
      displayName: id[0].toUpperCase() + id.slice(1),
      tags: { language: ['english'], gender, accent: 'american' },
      ...(words ? { wordTimestamps: true } : {}),
    }));
  }
}
