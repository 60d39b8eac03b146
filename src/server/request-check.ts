// What the local server accepts in a request frame: the documented fields, their types and per-model ranges.
import { modelSpec } from '../core/models.js';
import { validateSettings, type Settings } from '../core/settings.js';
import type { SynthesisParams } from './engines/engine.js';
import { CLIENT_ID_PATTERN, REQUEST_FIELD_TYPES, SETTING_FIELDS, WIRE_FORMATS, isWireFormat, type WireFormat } from '../protocol/request-fields.js';
import { RETIRED_MODEL_BODY, perModelPath } from '../protocol/routes.js';
import { isRetired, type Route } from './routes.js';

/** The longest text one frame (or one context's buffer) may carry. */
export const MAX_TEXT_CHARS = 100_000;

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

type CheckedFrame = { ok: true; frame: RequestFrame } | { ok: false; code: string; message: string };

const fail = (code: string, message: string): CheckedFrame => ({ ok: false, code, message });

function modelFor(r: Record<string, unknown>, route: Route, retired: readonly string[]): { model: string } | { code: string; message: string } {
  if (route.kind === 'per-model') return { model: route.model };
  const name = (r.model as string | undefined) ?? 'lightning_v3.1';
  if (isRetired(name, retired) || name === 'lightning-large') return { code: 'MODEL_DEPRECATED', message: RETIRED_MODEL_BODY.message };
  const spec = modelSpec(name);
  if (spec && !spec.live) {
    return { code: 'MODEL_NOT_SUPPORTED', message: `model ${name} is served only on its own route, ${perModelPath(spec.pathName, 'stream')}` };
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

/** The documented fields' types: numbers, booleans, strings and client ids; undefined when all are right. */
function checkFieldTypes(r: Record<string, unknown>): string | undefined {
  for (const field of REQUEST_FIELD_TYPES.number) {
    if (r[field] !== undefined && (typeof r[field] !== 'number' || !Number.isFinite(r[field]))) return `${field} must be a number`;
  }
  for (const field of REQUEST_FIELD_TYPES.boolean) {
    if (r[field] !== undefined && typeof r[field] !== 'boolean') return `${field} must be true or false`;
  }
  for (const field of REQUEST_FIELD_TYPES.string) {
    if (r[field] !== undefined && typeof r[field] !== 'string') return `${field} must be a string`;
  }
  for (const field of REQUEST_FIELD_TYPES.id) {
    if (r[field] !== undefined && (typeof r[field] !== 'string' || !CLIENT_ID_PATTERN.test(r[field] as string))) return `${field} must match ${CLIENT_ID_PATTERN.source}`;
  }
  return undefined;
}

/** What a frame asks of the buffers: a context's id, and whether it closes, cancels or flushes. */
type Control = Pick<RequestFrame, 'contextId' | 'close' | 'cancel' | 'flush'>;

function controlOf(r: Record<string, unknown>, live: boolean): Control {
  return {
    contextId: live ? (r.context_id as string | undefined) : undefined,
    close: live && r.context_close === true,
    cancel: r.cancel_request === true,
    flush: r.flush === true,
  };
}

/** A frame that closes a context, flushes, or cancels may come without text. */
function isClosing(control: Control, r: Record<string, unknown>): boolean {
  return (control.contextId !== undefined && r.continue === false) || control.flush || control.close || control.cancel;
}

/** The text and the voice: text required unless the frame closes something, a voice for any text. */
function checkTextAndVoice(text: string, voice: string | undefined, closing: boolean): { code: string; message: string } | undefined {
  if (text.length > MAX_TEXT_CHARS) return { code: 'TEXT_TOO_LONG', message: `text must be at most ${MAX_TEXT_CHARS} characters (got ${text.length})` };
  if (text.length === 0 && !closing) return { code: 'INVALID_REQUEST', message: 'text is required' };
  if ((voice === undefined || voice === '') && text.length > 0) return { code: 'INVALID_REQUEST', message: 'voice_id is required' };
  return undefined;
}

/** The frame's voice settings; the sample rate's default is the route's (44100 live, 24000 per model). */
function settingsOf(r: Record<string, unknown>, model: string, voice: string | undefined, live: boolean): Settings {
  return {
    model,
    voice: voice || 'placeholder',
    language: (r.language as string | undefined) ?? 'en',
    sampleRate: (r.sample_rate as number | undefined) ?? (live ? 44100 : 24000),
    speed: r.speed as number | undefined,
    consistency: r.consistency as number | undefined,
    similarity: r.similarity as number | undefined,
    enhancement: r.enhancement as number | undefined,
    numberLanguage: r.number_pronunciation_language as string | undefined,
  };
}

/** Checks one parsed frame against the route's rules; `hasVoice` says whether the engine has a voice. */
export function checkRequest(body: unknown, route: Route, options: { retiredModels: readonly string[]; hasVoice: (voice: string) => boolean }): CheckedFrame {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('INVALID_REQUEST', 'the request must be a JSON object');
  const r = body as Record<string, unknown>;
  const badType = checkFieldTypes(r);
  if (badType !== undefined) return fail('INVALID_REQUEST', badType);
  const model = modelFor(r, route, options.retiredModels);
  if ('code' in model) return fail(model.code, model.message);
  const live = route.kind === 'live';
  const control = controlOf(r, live);
  if (control.contextId !== undefined && r.flush !== undefined) return fail('INVALID_REQUEST', 'flush cannot be used with context_id; close a context with continue: false');
  const text = (r.text as string | undefined) ?? '';
  const voice = r.voice_id as string | undefined;
  const textOrVoice = checkTextAndVoice(text, voice, isClosing(control, r));
  if (textOrVoice) return fail(textOrVoice.code, textOrVoice.message);
  const settings = settingsOf(r, model.model, voice, live);
  const issues = validateSettings(settings);
  if (issues.length > 0) return fail('INVALID_PARAMETER', issues.map((i) => `${SETTING_FIELDS[i.key]} ${i.message}`).join('; '));
  if (voice && !options.hasVoice(voice)) return fail('VOICE_NOT_FOUND', `voice ${JSON.stringify(voice).slice(0, 140)} was not found on model ${model.model}`);
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
      ...control,
      continue: r.continue === true,
      maxBufferDelayMs: timing.delay,
      maxBufferFlushMs: timing.flushMs,
      outputFormat: timing.format,
      requestId: r.request_id as string | undefined,
      sessionId: r.session_id as string | undefined,
    },
  };
}
