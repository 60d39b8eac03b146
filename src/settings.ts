// Synthesis settings: defaults, per-model limits, parsing of user-typed values, validation as data.
import { UsageError } from './errors.js';

export const MODELS = ['lightning-v3.1', 'lightning-v2'] as const;
export type Model = (typeof MODELS)[number];

export const LANGUAGES = {
  en: 'English', hi: 'Hindi', mr: 'Marathi', kn: 'Kannada', ta: 'Tamil', bn: 'Bengali',
  gu: 'Gujarati', de: 'German', fr: 'French', es: 'Spanish', it: 'Italian', pl: 'Polish',
  nl: 'Dutch', ru: 'Russian', ar: 'Arabic', he: 'Hebrew',
} as const;
export type Language = keyof typeof LANGUAGES;
export const LANGUAGE_CODES = Object.keys(LANGUAGES) as Language[];

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
}

export type SettingKey = keyof Settings;
export const SETTING_KEYS: readonly SettingKey[] = [
  'model', 'voice', 'language', 'sampleRate', 'speed', 'consistency', 'similarity', 'enhancement',
];
/** Settings only lightning-v2 accepts; never sent to another model. */
export type V2OnlyKey = 'consistency' | 'similarity' | 'enhancement';
export const V2_ONLY_KEYS: readonly V2OnlyKey[] = ['consistency', 'similarity', 'enhancement'];

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  model: 'lightning-v3.1',
  voice: 'sophia',
  language: 'en',
  sampleRate: 24000,
});

const SPEED_RANGE: Record<Model, [number, number]> = {
  'lightning-v3.1': [0.5, 2],
  'lightning-v2': [0.1, 5],
};

export interface SettingIssue {
  key: SettingKey;
  /** Phrased to follow the setting's name: `--speed ${message}` or `/speed ${message}`. */
  message: string;
}

export function isModel(value: string): value is Model {
  return (MODELS as readonly string[]).includes(value);
}

/** Every problem with a full set of settings; an empty list means valid. */
export function validateSettings(s: Settings): SettingIssue[] {
  const issues: SettingIssue[] = [];
  const push = (key: SettingKey, message: string) => issues.push({ key, message });
  const model = s.model;
  if (!isModel(model)) push('model', `must be one of ${MODELS.join(', ')} (got ${JSON.stringify(model)})`);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(s.voice)) push('voice', `must be a voice id such as sophia (got ${JSON.stringify(s.voice)})`);
  if (!(s.language in LANGUAGES)) push('language', `must be one of ${LANGUAGE_CODES.join(' ')} (got ${JSON.stringify(s.language)})`);
  if (!(SAMPLE_RATES as readonly number[]).includes(s.sampleRate)) {
    push('sampleRate', `must be one of ${SAMPLE_RATES.join(', ')} (got ${s.sampleRate})`);
  }
  if (s.speed !== undefined && isModel(model)) {
    const [lo, hi] = SPEED_RANGE[model];
    if (!(s.speed >= lo && s.speed <= hi)) push('speed', `must be between ${lo} and ${hi} on ${model} (got ${s.speed})`);
  }
  for (const key of V2_ONLY_KEYS) {
    const value = s[key];
    if (value === undefined) continue;
    if (model !== 'lightning-v2') {
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

export function formatIssues(issues: SettingIssue[], prefix = '--'): string {
  return issues.map((i) => `${prefix}${settingFlagName(i.key)} ${i.message}`).join('\n');
}

/** Throws a UsageError naming every problem. */
export function assertValidSettings(s: Settings, prefix = '--'): void {
  const issues = validateSettings(s);
  if (issues.length > 0) throw new UsageError(formatIssues(issues, prefix));
}

/** Parses a value typed by a user (flag, REPL command, config file) for one setting. */
export function parseSettingValue(key: SettingKey, raw: string, prefix = '--'): string | number {
  const name = `${prefix}${settingFlagName(key)}`;
  const text = raw.trim();
  if (key === 'model' || key === 'voice' || key === 'language') {
    if (text === '') throw new UsageError(`${name} needs a value`);
    return text;
  }
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) throw new UsageError(`${name} must be a number (got ${JSON.stringify(raw)})`);
  if ((key === 'sampleRate' || key === 'enhancement') && !Number.isInteger(value)) {
    throw new UsageError(`${name} must be a whole number (got ${JSON.stringify(raw)})`);
  }
  return value;
}

/** Merges a partial update onto settings; `undefined` in the update clears an optional value. */
export function mergeSettings(base: Settings, update: Partial<Settings>): Settings {
  const merged: Settings = { ...base };
  for (const key of SETTING_KEYS) {
    if (!(key in update)) continue;
    const value = update[key];
    if (value === undefined) {
      if (key in DEFAULT_SETTINGS) (merged as unknown as Record<string, unknown>)[key] = DEFAULT_SETTINGS[key];
      else delete merged[key];
    } else {
      (merged as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}
