// The request body's documented fields as they travel: each field's type, the pattern of the
// client's ids, the output formats, the setting each field carries, and the server's reading of a text frame.
import type { SettingKey } from '../core/settings.js';

/** The pattern of the client's correlation ids (`request_id`, `session_id`, `context_id`). */
export const CLIENT_ID_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;

/** The type of every documented field; `id` fields are strings matching CLIENT_ID_PATTERN. */
export const REQUEST_FIELD_TYPES = {
  number: ['sample_rate', 'speed', 'consistency', 'similarity', 'enhancement', 'complete_backoff_ms', 'max_buffer_flush_ms', 'max_buffer_delay_ms'],
  boolean: ['continue', 'flush', 'context_close', 'cancel_request', 'word_timestamps', 'math_notation'],
  string: ['text', 'voice_id', 'model', 'language', 'number_pronunciation_language', 'output_format'],
  id: ['request_id', 'session_id', 'context_id'],
} as const;

/** The values of `output_format`: what each chunk frame's audio holds. */
export const WIRE_FORMATS = ['pcm', 'wav', 'mp3', 'ulaw', 'alaw'] as const;
export type WireFormat = (typeof WIRE_FORMATS)[number];

export const isWireFormat = (name: string): name is WireFormat => (WIRE_FORMATS as readonly string[]).includes(name);

/** The request field that carries each setting. */
export const SETTING_FIELDS: Record<SettingKey, string> = {
  model: 'model', voice: 'voice_id', language: 'language', sampleRate: 'sample_rate',
  speed: 'speed', consistency: 'consistency', similarity: 'similarity', enhancement: 'enhancement',
  numberLanguage: 'number_pronunciation_language', math: 'math_notation', wordTimestamps: 'word_timestamps',
};

/** A text frame's JSON value; undefined for a binary frame or text that is not JSON. Never throws. */
export function decodeRequest(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
