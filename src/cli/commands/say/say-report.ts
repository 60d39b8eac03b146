// What `say` says about a run: the --json object, and hints on refusals the user can act on.
import { ApiError, SmallestTtsError } from '../../../core/errors.js';
import type { Settings } from '../../../core/settings.js';
import type { SynthesisStats } from '../../../pipeline/synthesize.js';
import type { Output } from '../../output/output-choice.js';
import { VOICE_LIST_HINT } from '../voices/voice-check.js';

/** How long `say` waits, retrying, while the account is over its concurrency limit. */
export const OVER_LIMIT_WAIT_MS = 60_000;

/** What `--json` prints: the effective settings (never the key), sizes and timings. */
export function jsonReport(settings: Settings, output: Output, stats: SynthesisStats, totalMs: number) {
  return {
    settings,
    output: output.kind === 'file' ? output.path : output.kind,
    format: output.kind === 'speaker' ? 'pcm' : output.format,
    audioSeconds: Number(stats.audioSeconds.toFixed(3)),
    bytes: stats.bytes,
    requests: stats.requests,
    firstAudioMs: stats.firstAudioMs === undefined ? null : Math.round(stats.firstAudioMs),
    totalMs: Math.round(totalMs),
    ...(settings.wordTimestamps && { words: stats.words.map((w) => ({ word: w.word, start: Number(w.start.toFixed(3)), end: Number(w.end.toFixed(3)) })) }),
  };
}

/** A refusal the user can act on gets its hint: how to see the voices, or that the account's request slots stayed taken. */
export function withHint(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  if (error.kind === 'over-limit') {
    return new SmallestTtsError(error.message, {
      hint: `The account stayed at its concurrency limit for ${OVER_LIMIT_WAIT_MS / 1000} s (other requests of this key are running): try again when they end; \`batch\` waits and retries by itself.`,
      cause: error,
    });
  }
  if (error.kind !== 'unknown-voice') return error;
  return new SmallestTtsError(error.message, { hint: VOICE_LIST_HINT, cause: error });
}
