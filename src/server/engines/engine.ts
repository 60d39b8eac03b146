// The speech engine interface the local server drives: synthesis params, PCM pieces with word timings, voices.

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

/** s16 mono PCM at params.sampleRate, with the timings of the words whose audio it holds. */
export interface EnginePiece {
  samples: Int16Array;
  words?: WordTiming[];
}

export interface VoiceInfo {
  voiceId: string;
  displayName: string;
  tags: { language?: string[]; accent?: string; gender?: string; age?: string; usecases?: string[] };
  /** true: the voice emits word timings. */
  wordTimestamps?: boolean;
}

/**
 * Words in `EnginePiece.words` are every whitespace-separated word of the text, verbatim (`$100` stays
 * `$100`, punctuation attached as typed), in order, each exactly once, with non-decreasing times inside
 * the piece's audio.
 */
export interface SpeechEngine {
  readonly name: string;
  /** Yields PCM piece by piece as it is produced; stops early when `signal` aborts. */
  synthesize(params: SynthesisParams, signal?: AbortSignal): AsyncIterable<EnginePiece>;
  voices(): VoiceInfo[];
  dispose?(): void | Promise<void>;
}
