// The voice catalog over REST: GET {http base}/…/{model}/get_voices with the Bearer key; every tag optional.
import { request as httpRequest, type Agent } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ApiError, AuthError, ConnectionError, ModelRetiredError } from '../core/errors.js';
import { LANGUAGES, sendsWordTimestamps } from '../core/settings.js';
import { describeNetworkFailure, networkFailure } from './network-failure.js';
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

/** A voice list larger than this is not a voice list. */
const MAX_BODY_BYTES = 8 << 20;

interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * GET with node:http(s), which takes an agent (fetch takes none): the status and the whole body, or
 * a rejection tagged with how far it got ('no answer' before the headers, 'the body stalled' after).
 */
function httpGet(url: URL, headers: Record<string, string>, agent: Agent | undefined, signal: AbortSignal): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let stage: 'no answer' | 'the body stalled' = 'no answer';
    const failed = (error: Error) => reject(Object.assign(error, { stage }));
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { headers, agent, signal }, (response) => {
      stage = 'the body stalled';
      const parts: Buffer[] = [];
      let size = 0;
      response.on('data', (part: Buffer) => {
        size += part.length;
        if (size > MAX_BODY_BYTES) return response.destroy(new Error(`the voice list is larger than ${MAX_BODY_BYTES >> 20} MB`));
        parts.push(part);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
      response.on('error', failed);
      response.on('close', () => {
        if (!response.complete) failed(new Error('the connection closed mid-body'));
      });
    });
    request.on('error', failed);
    request.end();
  });
}

export async function fetchVoices(options: FetchVoicesOptions): Promise<Voice[]> {
  const url = voicesUrl(options.baseUrl, options.model);
  const host = new URL(url).host;
  const timeoutMs = options.timeoutMs ?? VOICES_TIMEOUT_MS;
  // One controller for the caller's signal and the timeout (AbortSignal.any is missing in early Node 20).
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const forward = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  else options.signal?.addEventListener('abort', forward, { once: true });
  let answer: HttpAnswer;
  options.trace?.({ dir: 'out', kind: 'http', method: 'GET', url });
  try {
    answer = await httpGet(new URL(url), { Authorization: `Bearer ${options.apiKey}`, Accept: 'application/json' }, options.agent, controller.signal);
    options.trace?.({ dir: 'in', kind: 'http', url, status: answer.status });
  } catch (error) {
    options.trace?.({ dir: 'in', kind: 'error', message: (error as Error).message });
    if (options.signal?.aborted) throw error;
    const stage = (error as { stage?: string }).stage ?? 'no answer';
    if (timedOut) throw new ConnectionError(`The voice list from ${host} did not arrive within ${timeoutMs / 1000} s (${stage}).`, error);
    const failure = networkFailure(error);
    const reason = failure ? describeNetworkFailure(failure, host) : ((error as NodeJS.ErrnoException).code ?? (error as Error).message);
    throw new ConnectionError(`Could not ${stage === 'the body stalled' ? 'read the voice list from' : 'reach'} ${host}: ${reason}.`, error);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', forward);
  }
  const { status, body } = answer;
  if (status === 401 || status === 403) throw new AuthError(status);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const message = (parsed as { message?: string; error?: { message?: string } } | undefined);
  if (status === 410) throw new ModelRetiredError(options.model, message?.message);
  if (status < 200 || status > 299) throw new ApiError(`${message?.error?.message ?? message?.message ?? 'the voice list request failed'} (HTTP ${status})`, { status });
  return parseVoices(parsed);
}
