// Voice names the CLI can offer without a request: the cached catalog, the documented ones, the offline voices.
import { FLITE_VOICES } from '../server/flite-voices.js';
import { DEFAULT_BASE_URL } from '../waves/url.js';
import { readVoiceCache } from './voice-cache.js';

const DOCUMENTED = ['sophia', 'emily', 'ryan'];

export function knownVoices(model: string, baseUrl = process.env.SMALLEST_BASE_URL || DEFAULT_BASE_URL): string[] {
  const cached = readVoiceCache(baseUrl, model, Number.POSITIVE_INFINITY)?.map((v) => v.voiceId) ?? [];
  return [...new Set([...cached, ...DOCUMENTED, ...Object.keys(FLITE_VOICES)])].sort();
}
