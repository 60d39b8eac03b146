// say --subtitles: the file and its format checked before anything is sent; cues written from the words heard.
import { writeFileOutput } from '../../../audio/byte-target.js';
import { outputProblem, sameFile } from '../../../audio/output-target.js';
import { SmallestTtsError, UsageError } from '../../../core/errors.js';
import { WORD_TIMESTAMP_VOICES } from '../../../core/settings.js';
import type { SynthesisStats } from '../../../pipeline/synthesize.js';
import { buildCues, formatSubtitles, subtitleFormatFromPath, type SubtitleFormat } from '../../../text/subtitles.js';

export interface SubtitlePlan {
  path: string;
  format: SubtitleFormat;
}

/**
 * Checks `--subtitles FILE` (extension .srt or .vtt, not the audio file itself, under any name or
 * link); null without the flag. What would stop the file being written (a folder, a name too long,
 * a missing or unwritable folder) is found now: a run must not spend a request to fail at the end.
 */
export function subtitlePlan(path: string | undefined, audioPath: string | undefined): SubtitlePlan | null {
  if (path === undefined) return null;
  if (path.trim() === '' || path === '-') throw new UsageError('--subtitles needs a file name ending in .srt or .vtt.');
  if (audioPath !== undefined && audioPath !== '-' && sameFile(audioPath, path)) {
    throw new UsageError('--subtitles and -o name the same file.');
  }
  const format = subtitleFormatFromPath(path);
  const problem = outputProblem(path);
  if (problem) throw new SmallestTtsError(`Cannot write ${path}: ${problem}.`);
  return { path, format };
}

/**
 * Writes the cues of every word heard (timed against the audio written). A voice that sent no word
 * timings is an error (exit 1): the audio stays, and no empty subtitle file is left.
 */
export async function writeSaySubtitles(plan: SubtitlePlan, stats: SynthesisStats, voice: string, signal?: AbortSignal): Promise<number> {
  // After an interruption, only words whose audio was written.
  const words = stats.words.filter((w) => w.end <= stats.audioSeconds + 1e-3);
  if (words.length === 0) {
    throw new SmallestTtsError(`The voice ${voice} gave no word timings, so ${plan.path} was not written.`, {
      hint: `Voices that give them: ${WORD_TIMESTAMP_VOICES.join(', ')} (e.g. --voice ${WORD_TIMESTAMP_VOICES[4]}).`,
    });
  }
  const cues = buildCues(words);
  // Through a link to its target; a device or FIFO in place (a FIFO's reader waited for until `signal`).
  await writeFileOutput(plan.path, formatSubtitles(cues, plan.format), signal);
  return cues.length;
}
