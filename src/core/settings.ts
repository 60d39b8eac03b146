// Synthesis settings: defaults, one table of limits per model, parsing of user-typed values, validation as data.
import { UsageError, settingError } from './errors.js';
import { MODEL_SPECS, canonicalModel, languageName, modelSpec, modelsWithLanguage } from './models.js';

export { WORD_TIMESTAMP_VOICES, sendsWordTimestamps, MODELS, MODEL_SPECS, LANGUAGES, LANGUAGE_CODES, canonicalModel, modelSpec } from './models.js';

export const SAMPLE_RATES = [8000, 16000, 24000, 44100] as const;

export interface Settings {
  model: string;
  voice: string;
  language: string;
  sampleRate: number;
  /** Unset values are not sent; the API uses its own default. */
  speed?: number;
  consistency?: number;
  similarity?: number;
  enhancement?: number;
  /** Language for numbers, amounts and dates (number_pronunciation_language). */
  numberLanguage?: string;
  /** Read digit-flanked operators as words (math_notation). */
  math?: boolean;
  /** Ask for word_timestamp frames (only some voices send them). */
  wordTimestamps?: boolean;
}

export type SettingKey = keyof Settings;
export const SETTING_KEYS: readonly SettingKey[] = [
  'model', 'voice', 'language', 'sampleRate', 'speed', 'consistency', 'similarity', 'enhancement',
  'numberLanguage', 'math', 'wordTimestamps',
];
/** Settings only lightning-v2 accepts; never sent to another model. */
type V2OnlyKey = 'consistency' | 'similarity' | 'enhancement';
export const V2_ONLY_KEYS: readonly V2OnlyKey[] = ['consistency', 'similarity', 'enhancement'];
const BOOLEAN_KEYS: readonly SettingKey[] = ['math', 'wordTimestamps'];
const TEXT_KEYS: readonly SettingKey[] = ['model', 'voice', 'language', 'numberLanguage'];

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  model: 'lightning_v3.1',
  voice: 'sophia',
  language: 'en',
  sampleRate: 24000,
});

export interface SettingIssue {
  key: SettingKey;
  /** Phrased to follow the setting's name: `speed ${message}`, `--speed ${message}` or `/speed ${message}`. */
  message: string;
}

function languageIssue(model: string, code: string, codes: readonly string[]): string {
  const elsewhere = modelsWithLanguage(code).filter((m) => m !== model);
  const where = elsewhere.length > 0 ? `; ${elsewhere.join(' and ')} ${elsewhere.length > 1 ? 'have' : 'has'} it` : languageName(code) ? '; no current model has it' : '';
  return `must be one of ${codes.join(' ')} on ${model} (got ${JSON.stringify(code)})${where}`;
}

/** Every problem with a full set of settings; an empty list means valid. */
export function validateSettings(s: Settings): SettingIssue[] {
  const issues: SettingIssue[] = [];
  const push = (key: SettingKey, message: string) => issues.push({ key, message });
  const model = s.model;
  const spec = modelSpec(model);
  if (!spec) push('model', `must be one of ${MODEL_SPECS.map((m) => m.id).join(', ')} (got ${JSON.stringify(model)})`);
  if (typeof s.voice !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(s.voice)) push('voice', `must be a voice id such as sophia (got ${JSON.stringify(s.voice)})`);
  for (const key of TEXT_KEYS) {
    const value = s[key];
    if (value !== undefined && typeof value !== 'string') push(key, `must be text (got ${JSON.stringify(value)})`);
  }
  for (const key of BOOLEAN_KEYS) {
    const value = s[key];
    if (value !== undefined && typeof value !== 'boolean') push(key, `must be true or false (got ${JSON.stringify(value)})`);
  }
  for (const key of ['sampleRate', 'speed', ...V2_ONLY_KEYS] as const) {
    const value = s[key];
    if (value !== undefined && typeof value !== 'number') push(key, `must be a number (got ${JSON.stringify(value)})`);
  }
  if (issues.length > 0) return issues;
  if (spec) {
    if (!spec.languages.includes(s.language)) push('language', languageIssue(model, s.language, spec.languages));
    if (s.numberLanguage !== undefined && !spec.languages.includes(s.numberLanguage)) {
      push('numberLanguage', languageIssue(model, s.numberLanguage, spec.languages));
    }
    if (!spec.sampleRates.includes(s.sampleRate)) push('sampleRate', `must be one of ${spec.sampleRates.join(', ')} (got ${s.sampleRate})`);
    if (s.speed !== undefined) {
      const [lo, hi] = spec.speed;
      if (!(s.speed >= lo && s.speed <= hi)) push('speed', `must be between ${lo} and ${hi} on ${model} (got ${s.speed})`);
    }
  }
  for (const key of V2_ONLY_KEYS) {
    const value = s[key];
    if (value === undefined) continue;
    if (!spec?.v2Options) {
      push(key, `works only with model lightning-v2 (the model is ${model})`);
      continue;
    }
    if (key === 'enhancement') {
      if (![0, 1, 2].includes(value)) push(key, `must be 0, 1 or 2 (got ${value})`);
    } else if (!(value >= 0 && value <= 1)) {
      push(key, `must be between 0 and 1 (got ${value})`);
    }
  }
  return issues;
}

/** The command-line spelling of a setting: sampleRate → sample-rate. */
export function settingFlagName(key: SettingKey): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** A setting as messages name it: its key (sampleRate), or with a prefix its spelled name (`--` + sample-rate). */
function settingLabel(key: SettingKey, prefix?: string): string {
  return prefix === undefined ? key : `${prefix}${settingFlagName(key)}`;
}

export function formatIssues(issues: SettingIssue[], prefix?: string): string {
  return issues.map((i) => `${settingLabel(i.key, prefix)} ${i.message}`).join('\n');
}

/** Throws a UsageError naming every problem. */
export function assertValidSettings(s: Settings, prefix?: string): void {
  const issues = validateSettings(s);
  if (issues.length > 0) throw new UsageError(formatIssues(issues, prefix), { code: 'invalid_settings', data: { issues } });
}

/** A value that does not parse: named as the caller spells the setting, with the setting's key as data. */
const settingValueError = (name: string, key: SettingKey, raw: string, problem: string) => settingError(key, name, problem, raw, { code: 'bad_setting_value' });

const TRUE_WORDS = ['true', 'on', 'yes', '1'];
const FALSE_WORDS = ['false', 'off', 'no', '0'];

/** Parses a value typed by a user (flag, REPL command, config file) for one setting. */
export function parseSettingValue(key: SettingKey, raw: string, prefix?: string): string | number | boolean {
  const name = settingLabel(key, prefix);
  const text = String(raw).trim();
  if (TEXT_KEYS.includes(key)) {
    if (text === '') throw settingValueError(name, key, raw, 'needs a value');
    return key === 'model' ? canonicalModel(text) : text;
  }
  if (BOOLEAN_KEYS.includes(key)) {
    const word = text.toLowerCase();
    if (TRUE_WORDS.includes(word)) return true;
    if (FALSE_WORDS.includes(word)) return false;
    throw settingValueError(name, key, raw, `must be on or off (got ${JSON.stringify(raw)})`);
  }
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) throw settingValueError(name, key, raw, `must be a number (got ${JSON.stringify(raw)})`);
  if ((key === 'sampleRate' || key === 'enhancement') && !Number.isInteger(value)) {
    throw settingValueError(name, key, raw, `must be a whole number (got ${JSON.stringify(raw)})`);
  }
  return value;
}

/** Merges a partial update onto settings; `undefined` in the update clears an optional value. Model aliases become the model's id. */
export function mergeSettings(base: Settings, update: Partial<Settings>): Settings {
  const merged: Settings = { ...base };
  for (const key of SETTING_KEYS) {
    if (!(key in update)) continue;
    const value = update[key];
    if (value === undefined) {
      if (key in DEFAULT_SETTINGS) (merged as unknown as Record<string, unknown>)[key] = DEFAULT_SETTINGS[key];
      else delete merged[key];
    } else {
      (merged as unknown as Record<string, unknown>)[key] = key === 'model' && typeof value === 'string' ? canonicalModel(value) : value;
    }
  }
  return merged;
}
