// Waves wire format: request encoding (unset and model-inappropriate fields omitted) and tolerant frame decoding.
import { V2_ONLY_KEYS, type Settings } from '../settings.js';

export interface WavesRequest {
  text: string;
  voice_id: string;
  language?: string;
  sample_rate?: number;
  speed?: number;
  consistency?: number;
  similarity?: number;
  enhancement?: number;
  complete_backoff_ms?: number;
  [field: string]: unknown;
}

export interface EncodeOptions {
  /**
   * How long the server waits after the last chunk before `complete`. The API's default of
   * 4000 ms would add a 4-second tail to every request, so the client sends 0 unless told.
   */
  completeBackoffMs?: number;
}

export function buildRequest(text: string, settings: Settings, options: EncodeOptions = {}): WavesRequest {
  const request: WavesRequest = {
    text,
    voice_id: settings.voice,
    language: settings.language,
    sample_rate: settings.sampleRate,
  };
  if (settings.speed !== undefined) request.speed = settings.speed;
  if (settings.model === 'lightning-v2') {
    for (const key of V2_ONLY_KEYS) {
      const value = settings[key];
      if (value !== undefined) request[key] = value;
    }
  }
  request.complete_backoff_ms = options.completeBackoffMs ?? 0;
  return request;
}

export type Frame =
  | { type: 'chunk'; requestId?: string; audio: Buffer }
  | { type: 'complete'; requestId?: string }
  | { type: 'error'; requestId?: string; message: string; code?: string }
  | { type: 'other'; status: string }
  | { type: 'invalid'; reason: string };

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

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
  const requestId = str(m.request_id);
  switch (m.status) {
    case 'chunk': {
      const audio = str((m.data as Record<string, unknown> | undefined)?.audio);
      if (audio === undefined) return { type: 'invalid', reason: 'chunk without data.audio' };
      return { type: 'chunk', requestId, audio: Buffer.from(audio, 'base64') };
    }
    case 'complete':
      return { type: 'complete', requestId };
    case 'error': {
      const nested = typeof m.error === 'object' && m.error !== null ? (m.error as Record<string, unknown>) : {};
      const text = str(nested.message) ?? str(m.message) ?? str(m.error) ?? 'unknown error';
      const code = str(nested.code) ?? str(m.error_code) ?? str(m.code);
      return { type: 'error', requestId, message: text, code };
    }
    default:
      return { type: 'other', status: typeof m.status === 'string' ? m.status : String(m.status) };
  }
}
