// Subtitles beside a batch item's audio: from the item's word timings to `{id}.srt` (or .vtt), written atomically.
import { writeFileOutput } from '../../audio/byte-target.js';
import { buildCues, formatSubtitles, type SubtitleFormat } from '../../text/subtitles.js';
import type { SynthesisStats } from '../synthesize.js';
import type { TimedWord } from '../../waves/utterance/speech-stream.js';

/** The word timings of one item's whole audio, already timed against the audio written. */
export function itemWordTimings(stats: Pick<SynthesisStats, 'words'>): TimedWord[] {
  return [...stats.words];
}

/** `{audio path without its extension}.{format}`. */
export function subtitlePathFor(audioPath: string, format: SubtitleFormat): string {
  return `${audioPath.replace(/\.[^./\\]+$/, '')}.${format}`;
}

/**
 * Writes the subtitles of one item from its word timings; returns the file written, or undefined
 * when the voice gave no timings (most voices give none).
 */
export async function writeItemSubtitles(audioPath: string, words: readonly TimedWord[], format: SubtitleFormat, signal?: AbortSignal): Promise<string | undefined> {
  if (words.length === 0) return undefined;
  const path = subtitlePathFor(audioPath, format);
  await writeFileOutput(path, formatSubtitles(buildCues(words), format), signal);
  return path;
}
