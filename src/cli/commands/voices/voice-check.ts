// Voice ids checked before any request: against the cached catalogue (or the offline voices), with the nearest ids suggested.
import { UsageError } from '../../../core/errors.js';
import { FLITE_VOICES } from '../../../server/engines/flite-voices.js';
import { DEFAULT_BASE_URL } from '../../../protocol/routes.js';
import { didYouMean } from '../../suggest.js';
import { readVoiceCache } from './voice-cache.js';
import type { Voice } from '../../../waves/voices.js';

/** The offline voices, as a catalogue lists them. */
export function offlineVoices(): Voice[] {
  return Object.entries(FLITE_VOICES).map(([voiceId, v]) => ({
    voiceId, displayName: v.name, languages: ['english'], gender: v.gender, accent: v.accent, usecases: ['offline'], wordTimestamps: v.wordTimestamps === true,
  }));
}

/** The voices known without a request: the offline ones, else the cached catalogue of the base URL (default: the API's); null when nothing is cached. */
export function knownVoiceEntries(options: { offline?: boolean; baseUrl?: string; model: string }): Voice[] | null {
  if (options.offline) return offlineVoices();
  return readVoiceCache(options.baseUrl || DEFAULT_BASE_URL, options.model, Number.POSITIVE_INFINITY);
}

/** The ids of knownVoiceEntries. */
export function knownCatalogue(options: { offline?: boolean; baseUrl?: string; model: string }): string[] | null {
  return knownVoiceEntries(options)?.map((v) => v.voiceId) ?? null;
}

/**
 * Word timings asked of a voice that a known catalogue says sends none: a usage error naming the
 * voices that do, before anything is sent. Unknown voices and no catalogue pass (the server decides).
 */
export function checkWordTimings(voice: string, catalogue: Voice[] | null, wanted: string): void {
  const entry = catalogue?.find((v) => v.voiceId === voice);
  if (!entry || entry.wordTimestamps) return;
  const able = catalogue!.filter((v) => v.wordTimestamps).map((v) => v.voiceId);
  throw new UsageError(
    `${wanted} needs word timings, and the voice ${voice} sends none.`,
    able.length ? `Voices that send them: ${able.join(', ')} (e.g. --voice ${able.includes('liam') ? 'liam' : able[0]}).` : 'No voice of this catalogue sends them.',
  );
}

/**
 * A voice not in a known catalogue is a usage error naming the nearest ids; with no catalogue
 * cached, nothing is checked (the server's refusal gets a hint instead).
 */
export function checkVoice(voice: string, catalogue: string[] | null, name = '--voice'): void {
  if (!catalogue || catalogue.length === 0 || catalogue.includes(voice)) return;
  const suggestion = didYouMean(voice, catalogue);
  // A short list (the offline voices) is named outright: `smallest-tts voices` may need a key the user does not have.
  const hint = catalogue.length <= 15 ? `The voices: ${catalogue.join(', ')}.` : 'smallest-tts voices lists them (--refresh fetches the list again).';
  // The same code as the service's refusal of a voice: one meaning, whoever found it.
  throw new UsageError(`${name} ${JSON.stringify(voice)} is not a known voice.${suggestion}`, { code: 'unknown_voice', data: { voice }, hint: suggestion ? undefined : hint });
}

/** The hint for a server that refused a voice nobody could check beforehand. */
export const VOICE_LIST_HINT = 'Run smallest-tts voices to see the voices (it also lets later runs check a voice before sending).';
