// The voice catalog over REST: GET {http base}/…/{model}/get_voices with the Bearer key; every tag optional.
import { ApiError, AuthError, ConnectionError, ModelRetiredError } from '../errors.js';
import { LANGUAGES } from '../settings.js';
import { voicesUrl } from './url.js';

export interface Voice {
  voiceId: string;
  displayName: string;
  languages: string[];
  accent?: string;
  gender?: string;
  age?: string;
  usecases: string[];
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Accepts the documented shape and tolerates missing or oddly typed fields. */
export function parseVoices(body: unknown): Voice[] {
  const list = (body as { voices?: unknown })?.voices;
  if (!Array.isArray(list)) throw new ApiError('the voice list has no "voices" array');
  return list.flatMap((entry): Voice[] => {
    const v = entry as Record<string, unknown>;
    const voiceId = text(v?.voiceId) ?? text(v?.voice_id) ?? text(v?.id);
    if (!voiceId) return [];
    const tags = (typeof v.tags === 'object' && v.tags !== null ? v.tags : {}) as Record<string, unknown>;
    return [{
      voiceId,
      displayName: text(v.displayName) ?? text(v.name) ?? voiceId,
      languages: strings(tags.language),
      accent: text(tags.accent),
      gender: text(tags.gender),
      age: text(tags.age),
      usecases: strings(tags.usecases),
    }];
  });
}

export interface VoiceFilter {
  /** A code (en) or a name (english), as the API tags say it. */
  language?: string;
  gender?: string;
}

export function filterVoices(voices: Voice[], filter: VoiceFilter): Voice[] {
  const wanted = filter.language?.toLowerCase();
  const languageName = wanted ? (LANGUAGES as Record<string, string>)[wanted]?.toLowerCase() : undefined;
  return voices.filter((v) => {
    if (wanted && !v.languages.some((l) => [wanted, languageName].includes(l.toLowerCase()))) return false;
    if (filter.gender && v.gender?.toLowerCase() !== filter.gender.toLowerCase()) return false;
    return true;
  });
}

export async function fetchVoices(options: { apiKey: string; baseUrl: string; model: string; signal?: AbortSignal }): Promise<Voice[]> {
  const url = voicesUrl(options.baseUrl, options.model);
  let response: Response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${options.apiKey}` }, signal: options.signal ?? AbortSignal.timeout(15_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new ConnectionError(`Could not reach ${new URL(url).host}: ${cause?.code ?? (error as Error).message}`, error);
  }
  const body = await response.text();
  if (response.status === 401 || response.status === 403) throw new AuthError(response.status);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const message = (parsed as { message?: string; error?: { message?: string } } | undefined);
  if (response.status === 410) throw new ModelRetiredError(options.model, message?.message);
  if (!response.ok) throw new ApiError(`${message?.error?.message ?? message?.message ?? 'the voice list request failed'} (HTTP ${response.status})`, { status: response.status });
  return parseVoices(parsed);
}
