// What the local server accepts in a request frame: the API's required fields, types and per-model ranges.
import { validateSettings, type SettingKey, type Settings } from '../settings.js';
import type { SynthesisParams } from './engine.js';

const WIRE_NAMES: Record<SettingKey, string> = {
  model: 'model', voice: 'voice_id', language: 'language', sampleRate: 'sample_rate',
  speed: 'speed', consistency: 'consistency', similarity: 'similarity', enhancement: 'enhancement',
  numberLanguage: 'number_pronunciation_language', math: 'math_notation', wordTimestamps: 'word_timestamps',
};
const NUMERIC_FIELDS = ['sample_rate', 'speed', 'consistency', 'similarity', 'enhancement', 'complete_backoff_ms', 'max_buffer_flush_ms'];

export type CheckedRequest =
  | { ok: true; params: SynthesisParams; completeBackoffMs: number }
  | { ok: false; message: string; code: string };

export function checkRequest(body: unknown, model: string): CheckedRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, code: 'INVALID_REQUEST', message: 'the request must be a JSON object' };
  }
  const r = body as Record<string, unknown>;
  if (typeof r.text !== 'string' || r.text.length === 0) return { ok: false, code: 'INVALID_REQUEST', message: 'text is required' };
  if (typeof r.voice_id !== 'string' || r.voice_id.length === 0) return { ok: false, code: 'INVALID_REQUEST', message: 'voice_id is required' };
  for (const field of NUMERIC_FIELDS) {
    if (r[field] !== undefined && typeof r[field] !== 'number') {
      return { ok: false, code: 'INVALID_REQUEST', message: `${field} must be a number` };
    }
  }
  if (r.language !== undefined && typeof r.language !== 'string') return { ok: false, code: 'INVALID_REQUEST', message: 'language must be a string' };
  const settings: Settings = {
    model,
    voice: r.voice_id,
    language: (r.language as string | undefined) ?? 'en',
    sampleRate: (r.sample_rate as number | undefined) ?? 24000,
    speed: r.speed as number | undefined,
    consistency: r.consistency as number | undefined,
    similarity: r.similarity as number | undefined,
    enhancement: r.enhancement as number | undefined,
  };
  const issues = validateSettings(settings);
  if (issues.length > 0) {
    return { ok: false, code: 'INVALID_PARAMETER', message: issues.map((i) => `${WIRE_NAMES[i.key]} ${i.message}`).join('; ') };
  }
  const backoff = (r.complete_backoff_ms as number | undefined) ?? 4000;
  if (!(backoff >= 0 && backoff <= 10_000)) {
    return { ok: false, code: 'INVALID_PARAMETER', message: 'complete_backoff_ms must be between 0 and 10000' };
  }
  return {
    ok: true,
    completeBackoffMs: backoff,
    params: { text: r.text, voice: settings.voice, language: settings.language, sampleRate: settings.sampleRate, speed: settings.speed },
  };
}
