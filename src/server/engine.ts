// Speech engines for the local server: the interface, and a deterministic tone engine for tests and benchmarks.

export interface SynthesisParams {
  text: string;
  voice: string;
  language: string;
  sampleRate: number;
  speed?: number;
}

/** Seconds, relative to the start of this piece's samples. */
export interface WordTiming {
  word: string;
  start: number;
  end: number;
}

/** s16 mono PCM at params.sampleRate, with the timings of the words it speaks when the voice has them. */
export interface EnginePiece {
  samples: Int16Array;
  words?: WordTiming[];
}

export interface VoiceInfo {
  voiceId: string;
  displayName: string;
  tags: { language?: string[]; accent?: string; gender?: string; age?: string; usecases?: string[] };
  /** True: the voice emits word timings. */
  wordTimestamps?: boolean;
}

export interface SpeechEngine {
  readonly name: string;
  /** Yields audio piece by piece as it is produced. */
  synthesize(params: SynthesisParams, signal?: AbortSignal): AsyncIterable<EnginePiece>;
  voices(): VoiceInfo[];
  dispose?(): void | Promise<void>;
}

function wordPitch(word: string): number {
  let h = 0;
  for (const ch of word) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return 180 + (h % 500);
}

/**
 * Not speech: one tone per word, its pitch from the word and its length from the word's length
 * and the speed. Repeatable to the byte, fast, and longer text gives longer audio.
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

  async *synthesize({ text, sampleRate, speed = 1 }: SynthesisParams): AsyncIterable<EnginePiece> {
    const words = text.split(/\s+/).filter(Boolean);
    const gap = Math.round((this.gapSeconds * sampleRate) / speed);
    for (const word of words) {
      const length = Math.round((this.letterSeconds * sampleRate * Math.min(word.length, 20)) / speed);
      const samples = new Int16Array(length + gap);
      const step = (2 * Math.PI * wordPitch(word)) / sampleRate;
      for (let i = 0; i < length; i++) samples[i] = Math.round(8000 * Math.sin(step * i));
      yield { samples };
    }
  }

  voices(): VoiceInfo[] {
    return ['sophia', 'emily', 'ryan'].map((id) => ({
      voiceId: id,
      displayName: id[0].toUpperCase() + id.slice(1),
      tags: { language: ['english'], gender: id === 'ryan' ? 'male' : 'female', accent: 'american' },
    }));
  }
}
