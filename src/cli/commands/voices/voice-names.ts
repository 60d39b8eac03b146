// Voice names the CLI can offer without a request: the cached catalog, the documented ones, the offline voices.
import { FLITE_VOICES } from '../../../server/engines/flite-voices.js';
import { DEFAULT_BASE_URL } from '../../../protocol/routes.js';
import { loadConfig } from '../../config/config-file.js';
import { readVoiceCache } from './voice-cache.js';

const DOCUMENTED = ['sophia', 'emily', 'ryan'];

/** The base URL the commands would use: the environment's, else the config file's, else the default. */
function configuredBaseUrl(): string {
  try {
    return process.env.SMALLEST_BASE_URL || String(loadConfig().defaults['base-url'] ?? '') || DEFAULT_BASE_URL;
  } catch {
    return DEFAULT_BASE_URL;
  }
}

/** What a voice id looks like (as --voice accepts it): anything else from a server never reaches a shell or terminal. */
const VOICE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function knownVoices(model: string, baseUrl = configuredBaseUrl()): string[] {
  const cached = readVoiceCache(baseUrl, model, Number.POSITIVE_INFINITY)?.map((v) => v.voiceId).filter((id) => typeof id === 'string' && VOICE_ID.test(id)) ?? [];
  return [...new Set([...cached, ...DOCUMENTED, ...Object.keys(FLITE_VOICES)])].sort();
}
