// The voice catalogue of a model: from the cache when it is fresh, else fetched (and cached).
import { fetchVoices, type Voice } from '../../../waves/voices.js';
import { openConnection } from '../../connection/connect.js';
import type { ConnectionFlags } from '../../options.js';
import type { Ui } from '../../terminal/ui.js';
import { readVoiceCache, writeVoiceCache } from './voice-cache.js';

export interface VoicesFlags extends ConnectionFlags {
  model?: string;
  language?: string;
  gender?: string;
  json?: boolean;
  refresh?: boolean;
  /** Speak a sample in this voice instead of listing. */
  preview?: string;
  output?: string;
  httpTimeout?: number;
  quiet?: boolean;
  verbose?: boolean;
}

/** The catalogue: from the cache when it is fresh (and not --refresh), else fetched (and cached). */
export async function catalogue(flags: VoicesFlags, model: string, ui: Ui): Promise<Voice[]> {
  const connection = await openConnection(flags, ui);
  try {
    const cacheable = !flags.offline;
    const cached = cacheable && !flags.refresh ? readVoiceCache(connection.baseUrl, model) : null;
    if (cached) {
      ui.verbose(`voices from the cache (${cached.length}); --refresh to fetch again`);
      return cached;
    }
    await ui.status('Fetching voices…');
    const voices = await fetchVoices({ apiKey: connection.apiKey, baseUrl: connection.baseUrl, model, timeoutMs: flags.httpTimeout, trace: connection.trace, agent: connection.agent });
    ui.stopStatus();
    ui.verbose(`fetched ${voices.length} voices`);
    if (cacheable) writeVoiceCache(connection.baseUrl, model, voices);
    return voices;
  } finally {
    ui.stopStatus();
    await connection.close();
  }
}
