// Waves wire format: request encoding (unset and model-inappropriate fields omitted) and tolerant frame decoding.
import { modelSpec } from '../core/models.js';
import { V2_ONLY_KEYS, type Settings } from '../core/settings.js';
import type { Route } from './routes.js';

export interface WavesRequest {
  text: string;
  voice_id: string;
  model?: string;
  language?: string;
  sample_rate?: number;
  speed?: number;
  consistency?: number;
  similarity?: number;
  enhancement?: number;
  word_timestamps?: boolean;
  number_pronunciation_language?: string;
  math_notation?: boolean;
  request_id?: string;
  complete_backoff_ms?: number;
  context_id?: string;
  continue?: boolean;
  [field: string]: unknown;
}

interface EncodeOptions {
  /**
   * How long the server waits after the last chunk before `complete`. The API's default of
   * 4000 ms would add a 4-second tail to every request, so the client sends 0 unless told.
   */
  completeBackoffMs?: number;
  /** On the live route the model travels in the body; on a per-model route it is in the URL. */
  route?: Route;
  /** Echoed back as external_request_id: frames for other requests are recognised and dropped. */
  requestId?: string;
  /** A continuation (live route only): fragments sharing this id, `more` true until the last. */
  context?: { id: string; more: boolean };
}

export function buildRequest(text: string, settings: Settings, options: EncodeOptions = {}): WavesRequest {
  const request: WavesRequest = { text, voice_id: settings.voice };
  const live = (options.route ?? 'live') === 'live' && modelSpec(settings.model)?.live !== false;
  if (live) request.model = settings.model;
  request.language = settings.language;
  request.sample_rate = settings.sampleRate;
  if (settings.speed !== undefined) request.speed = settings.speed;
  if (modelSpec(settings.model)?.v2Options) {
    for (const key of V2_ONLY_KEYS) {
      const value = settings[key];
      if (value !== undefined) request[key] = value;
    }
  }
  if (settings.wordTimestamps) request.word_timestamps = true;
  if (settings.numberLanguage !== undefined) request.number_pronunciation_language = settings.numberLanguage;
  if (settings.math !== undefined) request.math_notation = settings.math;
  if (options.requestId !== undefined) request.request_id = options.requestId;
  request.complete_backoff_ms = options.completeBackoffMs ?? 0;
  if (options.context && live) {
    request.context_id = options.context.id;
    request.continue = options.context.more;
  }
  return request;
}

export interface WordTimestamp {
  /** 0-based position in the request's (or segment's) text. */
  id?: number;
  /** Verbatim from the input. */
  word: string;
  /** Seconds from the start of this request's (or released segment's) audio. */
  start: number;
  end: number;
}

/** Ids the server attaches: its own request_id (new per released segment) and the client's echoed id. */
interface FrameIds {
  requestId?: string;
  externalRequestId?: string;
}

export type Frame =
  | ({ type: 'chunk'; audio: Buffer } & FrameIds)
  | ({ type: 'word'; word: WordTimestamp } & FrameIds)
  | ({ type: 'complete' } & FrameIds)
  | ({ type: 'error'; message: string; code?: string } & FrameIds)
  | { type: 'other'; status: string }
  | { type: 'invalid'; reason: string };

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Base64 (standard or URL-safe alphabet), padded or not. */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Never throws: malformed frames come back as `invalid`, unknown statuses as `other`. */
export function decodeFrame(data: string | Buffer): Frame {
  let message: unknown;
  try {
    message = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    return { type: 'invalid', reason: 'not JSON' };
  }
  if (typeof message !== 'object' || message === null) return { type: 'invalid', reason: 'not an object' };
  const m = message as Record<string, unknown>;
  const ids: FrameIds = {};
  const requestId = str(m.request_id);
  const externalRequestId = str(m.external_request_id);
  if (requestId !== undefined) ids.requestId = requestId;
  if (externalRequestId !== undefined) ids.externalRequestId = externalRequestId;
  const data_ = typeof m.data === 'object' && m.data !== null ? (m.data as Record<string, unknown>) : {};
  switch (m.status) {
    case 'chunk': {
      const audio = str(data_.audio);
      if (audio === undefined) return { type: 'invalid', reason: 'chunk without data.audio' };
      // Buffer.from skips what is not base64 and decodes the rest: junk would become audio. Such
      // a chunk fails its request instead (an error frame with its ids), so nothing false is written.
      if (!BASE64.test(audio) || audio.length % 4 === 1) {
        return { type: 'error', ...ids, message: 'The server sent audio that is not valid base64 (a protocol error).', code: 'INVALID_AUDIO' };
      }
      return { type: 'chunk', ...ids, audio: Buffer.from(audio, 'base64') };
    }
    case 'word_timestamp': {
      const word = str(data_.word);
      const start = num(data_.start);
      const end = num(data_.end);
      if (word === undefined || start === undefined || end === undefined) return { type: 'invalid', reason: 'word_timestamp without word, start and end' };
      return { type: 'word', ...ids, word: { id: num(data_.id), word, start, end } };
    }
    case 'complete':
      return { type: 'complete', ...ids };
    case 'error': {
      const nested = typeof m.error === 'object' && m.error !== null ? (m.error as Record<string, unknown>) : {};
      const text = str(nested.message) ?? str(m.message) ?? str(m.error) ?? 'unknown error';
      const code = str(nested.code) ?? str(m.error_code) ?? str(m.code);
      return { type: 'error', ...ids, message: text, code };
    }
    default:
      return { type: 'other', status: typeof m.status === 'string' ? m.status : String(m.status) };
  }
}
