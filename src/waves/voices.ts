// The voice catalog over REST: GET {http base}/…/{model}/get_voices with the Bearer key; every tag optional.
import type { Agent } from 'node:http';
import { ApiError } from '../core/errors.js';
import { LANGUAGES, sendsWordTimestamps } from '../core/settings.js';
import { bearer, httpRequestJson } from './http/request.js';
import type { Tracer } from './trace.js';
import { voicesUrl } from '../protocol/routes.js';

export interface Voice {
  voiceId: string;
  displayName: string;
  languages: string[];
  accent?: string;
  gender?: string;
  age?: string;
  usecases: string[];
  /** Sends word timings when asked: the catalogue's own `wordTimestamps` when it has one, else the API's documented list. */
  wordTimestamps: boolean;
}

/** A voice as parsed now, from an entry that may predate `wordTimestamps` (an older cache). */
export function withWordTimestamps(voice: Omit<Voice, 'wordTimestamps'> & { wordTimestamps?: unknown }): Voice {
  return { ...voice, wordTimestamps: typeof voice.wordTimestamps === 'boolean' ? voice.wordTimestamps : sendsWordTimestamps(voice.voiceId) };
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Accepts the documented shape and tolerates missing or oddly typed fields. */
function parseVoices(body: unknown): Voice[] {
  const list = (body as { voices?: unknown })?.voices;
  if (!Array.isArray(list)) throw new ApiError('the voice list has no "voices" array');
  return list.flatMap((entry): Voice[] => {
    const v = entry as Record<string, unknown>;
    const voiceId = text(v?.voiceId) ?? text(v?.voice_id) ?? text(v?.id);
    if (!voiceId) return [];
    const tags = (typeof v.tags === 'object' && v.tags !== null ? v.tags : {}) as Record<string, unknown>;
    return [withWordTimestamps({
      voiceId,
      displayName: text(v.displayName) ?? text(v.name) ?? voiceId,
      languages: strings(tags.language),
      accent: text(tags.accent),
      gender: text(tags.gender),
      age: text(tags.age),
      usecases: strings(tags.usecases),
      wordTimestamps: v.wordTimestamps ?? v.word_timestamps,
    })];
  });
}

interface VoiceFilter {
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

/** How long the voice list may take, headers and body together, unless the caller says otherwise. */
const VOICES_TIMEOUT_MS = 15_000;

interface FetchVoicesOptions {
  apiKey: string;
  baseUrl: string;
  model: string;
  /** Cancels the request. */
  signal?: AbortSignal;
  /** Gives up after this long, counting the body too (a server that stalls mid-body). Default 15 s. */
  timeoutMs?: number;
  /** Connects through this HTTP agent (a proxy agent); default: a direct connection. */
  agent?: Agent;
  /** Told of the request and the answer's status. */
  trace?: Tracer;
}

export async function fetchVoices(options: FetchVoicesOptions): Promise<Voice[]> {
  const body = await httpRequestJson({
    url: voicesUrl(options.baseUrl, options.model),
    headers: { ...bearer(options.apiKey), Accept: 'application/json' },
    what: 'voice list',
    model: options.model,
    timeoutMs: options.timeoutMs ?? VOICES_TIMEOUT_MS,
    signal: options.signal,
    agent: options.agent,
    trace: options.trace,
  });
  return parseVoices(body);
}
