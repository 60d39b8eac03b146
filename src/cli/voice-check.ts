// Voice ids checked before any request: against the cached catalogue (or the offline voices), with the nearest ids suggested.
import { UsageError } from '../errors.js';
import { FLITE_VOICES } from '../server/flite-voices.js';
import { DEFAULT_BASE_URL } from '../waves/url.js';
import { didYouMean } from './suggest.js';
import { readVoiceCache } from './voice-cache.js';

/** The voices known without a request: the offline ones, else the cached catalogue of the base URL (default: the API's); null when nothing is cached. */
export function knownCatalogue(options: { offline?: boolean; baseUrl?: string; model: string }): string[] | null {
  if (options.offline) return Object.keys(FLITE_VOICES);
  return readVoiceCache(options.baseUrl || DEFAULT_BASE_URL, options.model, Number.POSITIVE_INFINITY)?.map((v) => v.voiceId) ?? null;
}

/**
 * A voice not in a known catalogue is a usage error naming the nearest ids; with no catalogue
 * cached, nothing is checked (the server's refusal gets a hint instead).
 */
export function checkVoice(voice: string, catalogue: string[] | null, prefix = '--'): void {
  if (!catalogue || catalogue.length === 0 || catalogue.includes(voice)) return;
  const suggestion = didYouMean(voice, catalogue);
  throw new UsageError(
    `${prefix}voice ${JSON.stringify(voice)} is not a known voice.${suggestion}`,
    suggestion ? undefined : `smallest-tts voices lists them (--refresh fetches the list again).`,
  );
}

/** The hint for a server that refused a voice nobody could check beforehand. */
export const VOICE_LIST_HINT = 'Run smallest-tts voices to see the voices (it also lets later runs check a voice before sending).';
