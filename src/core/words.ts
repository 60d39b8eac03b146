// A spoken word with its time in the audio: what the service's word timings become, and what subtitles and karaoke read.

/** A word with its time in a stream's audio (seconds from the stream's first sample). */
export interface TimedWord {
  word: string;
  start: number;
  end: number;
}
