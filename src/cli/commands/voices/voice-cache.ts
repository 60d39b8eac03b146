// The voice list cached for a day per catalogue route, for `voices`, completion and say's hints.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { voicesUrl } from '../../../protocol/routes.js';
import { withWordTimestamps, type Voice } from '../../../waves/voices.js';
import { cacheDir } from '../../config/paths.js';

const VOICE_CACHE_TTL_MS = 24 * 60 * 60 * 1000;

/** Keyed by the catalogue's URL: current models share one catalogue, so they share one cache file. */
function cacheFile(baseUrl: string, model: string): string {
  let route: string;
  try {
    route = voicesUrl(baseUrl, model);
  } catch {
    route = `${baseUrl} ${model}`;
  }
  const id = createHash('sha256').update(route).digest('hex').slice(0, 16);
  return join(cacheDir(), `voices-${id}.json`);
}

export function readVoiceCache(baseUrl: string, model: string, maxAgeMs = VOICE_CACHE_TTL_MS): Voice[] | null {
  try {
    const { fetchedAt, voices } = JSON.parse(readFileSync(cacheFile(baseUrl, model), 'utf8')) as { fetchedAt: number; voices: Voice[] };
    return Date.now() - fetchedAt <= maxAgeMs && Array.isArray(voices) ? voices.map(withWordTimestamps) : null;
  } catch {
    return null;
  }
}

export function writeVoiceCache(baseUrl: string, model: string, voices: Voice[]): void {
  try {
    mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
    writeFileSync(cacheFile(baseUrl, model), JSON.stringify({ fetchedAt: Date.now(), voices }));
  } catch {
    // A cache that cannot be written only costs a request next time.
  }
}
