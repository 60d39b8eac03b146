// What the local server accepts in a request frame: the documented fields, their types and per-model ranges.
import { modelSpec } from '../core/models.js';
import { validateSettings, type SettingKey, type Settings } from '../core/settings.js';
import type { SynthesisParams } from './engines/engine.js';
import { WIRE_FORMATS, isWireFormat, type WireFormat } from './output-format.js';
import { RETIRED_BODY, isRetired, type Route } from './routes.js';

/** The longest text one frame (or one context's buffer) may carry. */
export const MAX_TEXT_CHARS = 100_000;
const ID_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;
const WIRE_NAMES: Record<SettingKey, string> = {
  model: 'model', voice: 'voice_id', language: 'language', sampleRate: 'sample_rate',
  speed: 'speed', consistency: 'consistency', similarity: 'similarity', enhancement: 'enhancement',
  numberLanguage: 'number_pronunciation_language', math: 'math_notation', wordTimestamps: 'word_timestamps',
};
const NUMERIC_FIELDS = ['sample_rate', 'speed', 'consistency', 'similarity', 'enhancement', 'complete_backoff_ms', 'max_buffer_flush_ms', 'max_buffer_delay_ms'];
const BOOLEAN_FIELDS = ['continue', 'flush', 'context_close', 'cancel_request', 'word_timestamps', 'math_notation'];
const STRING_FIELDS = ['text', 'voice_id', 'model', 'language', 'number_pronunciation_language', 'output_format'];
const ID_FIELDS = ['request_id', 'session_id', 'context_id'];

/** One request frame, checked. `params` is absent on frames that carry no voice (closing and control frames). */
export interface RequestFrame {
  body: Record<string, unknown>;
  /** The model's id (lightning_v3.1, …). */
  model: string;
  text: string;
  params?: SynthesisParams;
  wordTimestamps: boolean;
  completeBackoffMs: number;
  contextId?: string;
  continue: boolean;
  flush: boolean;
  cancel: boolean;
  close: boolean;
  maxBufferDelayMs: number;
  maxBufferFlushMs: number;
  /** What each chunk carries: pcm (default), wav, mp3, ulaw or alaw. */
  outputFormat: WireFormat;
  requestId?: string;
  sessionId?: string;
}

export type CheckedFrame = { ok: true; frame: RequestFrame } | { ok: false; code: string; message: string };

const fail = (code: string, message: string): CheckedFrame => ({ ok: false, code, message });

function modelFor(r: Record<string, unknown>, route: Route, retired: readonly string[]): { model: string } | { code: string; message: string } {
  if (route.kind === 'per-model') return { model: route.model };
  const name = (r.model as string | undefined) ?? 'lightning_v3.1';
  if (isRetired(name, retired) || name === 'lightning-large') return { code: 'MODEL_DEPRECATED', message: RETIRED_BODY.message };
  const spec = modelSpec(name);
  if (spec && !spec.live) {
    return { code: 'MODEL_NOT_SUPPORTED', message: `model ${name} is served only on its own route, /waves/v1/${spec.pathName}/get_speech/stream` };
  }
  if (!spec || spec.id !== name) {
    return { code: 'INVALID_MODEL', message: `model must be lightning_v3.1 or lightning_v3.1_pro (got ${JSON.stringify(name).slice(0, 80)})` };
  }
  return { model: spec.id };
}

/** The waits and the output format of a frame, within their documented ranges. */
function checkWaitsAndFormat(r: Record<string, unknown>): { backoff: number; delay: number; flushMs: number; format: WireFormat } | { code: string; message: string } {
  const invalid = (message: string) => ({ code: 'INVALID_PARAMETER', message });
  const backoff = (r.complete_backoff_ms as number | undefined) ?? 4000;
  if (!(backoff >= 0 && backoff <= 10_000)) return invalid('complete_backoff_ms must be between 0 and 10000');
  const delay = (r.max_buffer_delay_ms as number | undefined) ?? 3000;
  if (!(Number.isInteger(delay) && delay >= 0 && delay <= 5000)) return invalid('max_buffer_delay_ms must be a whole number between 0 and 5000');
  const flushMs = (r.max_buffer_flush_ms as number | undefined) ?? 0;
  if (!(Number.isInteger(flushMs) && flushMs >= 0 && flushMs <= 1000)) return invalid('max_buffer_flush_ms must be a whole number between 0 and 1000');
  const format = (r.output_format as string | undefined) ?? 'pcm';
  if (!isWireFormat(format)) return invalid(`output_format must be one of ${WIRE_FORMATS.join(', ')} (got ${JSON.stringify(format).slice(0, 40)})`);
  return { backoff, delay, flushMs, format };
}

/** Checks one parsed frame against the route's rules; `hasVoice` says whether the engine has a voice. */
export function checkRequest(body: unknown, route: Route, options: { retiredModels: readonly string[]; hasVoice: (voice: string) => boolean }): CheckedFrame {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('INVALID_REQUEST', 'the request must be a JSON object');
  const r = body as Record<string, unknown>;
  for (const field of NUMERIC_FIELDS) {
    if (r[field] !== undefined && (typeof r[field] !== 'number' || !Number.isFinite(r[field]))) return fail('INVALID_REQUEST', `${field} must be a number`);
  }
  for (const field of BOOLEAN_FIELDS) {
    if (r[field] !== undefined && typeof r[field] !== 'boolean') return fail('INVALID_REQUEST', `${field} must be true or false`);
  }
  for (const field of STRING_FIELDS) {
    if (r[field] !== undefined && typeof r[field] !== 'string') return fail('INVALID_REQUEST', `${field} must be a string`);
  }
  for (const field of ID_FIELDS) {
    if (r[field] !== undefined && (typeof r[field] !== 'string' || !ID_PATTERN.test(r[field] as string))) {
      return fail('INVALID_REQUEST', `${field} must match ^[a-zA-Z0-9_.-]{1,128}$`);
    }
  }
  const model = modelFor(r, route, options.retiredModels);
  if ('code' in model) return fail(model.code, model.message);
  const live = route.kind === 'live';
  const contextId = live ? (r.context_id as string | undefined) : undefined;
  if (contextId !== undefined && r.flush !== undefined) return fail('INVALID_REQUEST', 'flush cannot be used with context_id; close a context with continue: false');
  const close = live && r.context_close === true;
  const cancel = r.cancel_request === true;
  const flush = r.flush === true;
  const closing = (contextId !== undefined && r.continue === false) || flush || close || cancel;
  const text = (r.text as string | undefined) ?? '';
  if (text.length > MAX_TEXT_CHARS) return fail('TEXT_TOO_LONG', `text must be at most ${MAX_TEXT_CHARS} characters (got ${text.length})`);
  if (text.length === 0 && !closing) return fail('INVALID_REQUEST', 'text is required');
  const voice = r.voice_id as string | undefined;
  if ((voice === undefined || voice === '') && text.length > 0) return fail('INVALID_REQUEST', 'voice_id is required');
  const spec = modelSpec(model.model)!;
  const settings: Settings = {
    model: model.model,
    voice: voice || 'placeholder',
    language: (r.language as string | undefined) ?? 'en',
    sampleRate: (r.sample_rate as number | undefined) ?? (live ? 44100 : 24000),
    speed: r.speed as number | undefined,
    consistency: r.consistency as number | undefined,
    similarity: r.similarity as number | undefined,
    enhancement: r.enhancement as number | undefined,
    numberLanguage: r.number_pronunciation_language as string | undefined,
  };
  const issues = validateSettings(settings);
  if (issues.length > 0) return fail('INVALID_PARAMETER', issues.map((i) => `${WIRE_NAMES[i.key]} ${i.message}`).join('; '));
  if (voice && !options.hasVoice(voice)) return fail('VOICE_NOT_FOUND', `voice ${JSON.stringify(voice).slice(0, 140)} was not found on model ${spec.id}`);
  const timing = checkWaitsAndFormat(r);
  if ('code' in timing) return fail(timing.code, timing.message);
  return {
    ok: true,
    frame: {
      body: r,
      model: model.model,
      text,
      params: voice ? { text, voice, language: settings.language, sampleRate: settings.sampleRate, speed: settings.speed } : undefined,
      wordTimestamps: r.word_timestamps === true,
      completeBackoffMs: timing.backoff,
      contextId,
      continue: r.continue === true,
      flush,
      cancel,
      close,
      maxBufferDelayMs: timing.delay,
      maxBufferFlushMs: timing.flushMs,
      outputFormat: timing.format,
      requestId: r.request_id as string | undefined,
      sessionId: r.session_id as string | undefined,
    },
  };
}
