// The configuration file: defaults and named profiles in JSON, in the user's config folder, mode 0600.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SmallestTtsError, UsageError } from '../errors.js';
import { DEFAULT_SETTINGS, SETTING_KEYS, assertValidSettings, parseSettingValue, type SettingKey, type Settings } from '../settings.js';
import { checkBaseUrl, parseRoute } from '../waves/url.js';
import { checkApiKey } from './api-key.js';
import { configDir } from './paths.js';

/** Config keys as users type them → commander option attribute names. */
export const CONFIG_KEYS = {
  model: 'model', voice: 'voice', language: 'language', speed: 'speed', consistency: 'consistency',
  similarity: 'similarity', enhancement: 'enhancement', 'sample-rate': 'sampleRate', 'number-language': 'numberLanguage',
  math: 'math', 'word-timestamps': 'wordTimestamps', 'base-url': 'baseUrl', 'api-key': 'apiKey', route: 'route',
} as const;
export type ConfigKey = keyof typeof CONFIG_KEYS;
export type Profile = Partial<Record<ConfigKey, string | number | boolean>>;

export interface ConfigData {
  /** The default profile's values. */
  defaults: Profile;
  profiles: Record<string, Profile>;
}

export function configPath(): string {
  return process.env.SMALLEST_TTS_CONFIG || join(configDir(), 'config.json');
}

export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, key);
}

export function loadConfig(path = configPath()): ConfigData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { defaults: {}, profiles: {} };
    throw new SmallestTtsError(`Cannot read the config file ${path}: ${(error as Error).message}`);
  }
  try {
    const data = JSON.parse(text) as Partial<ConfigData>;
    return { defaults: data.defaults ?? {}, profiles: data.profiles ?? {} };
  } catch {
    throw new SmallestTtsError(`The config file ${path} is not valid JSON.`, { hint: 'Fix it by hand, or delete it and use `smallest-tts config set` again.' });
  }
}

/** Written to a temporary file and renamed, created 0600 in a 0700 folder: it may hold the key. */
export function saveConfig(data: ConfigData, path = configPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

export function profileOf(data: ConfigData, name: string | undefined): Profile {
  if (!name) return data.defaults;
  const profile = data.profiles[name];
  if (!profile) {
    const known = Object.keys(data.profiles);
    throw new UsageError(`No profile named ${JSON.stringify(name)}.`, known.length ? `Profiles: ${known.join(', ')}.` : 'Create one with: smallest-tts config set voice emily --profile NAME');
  }
  return profile;
}

/** The setting a config key stands for; base-url and api-key stand for none. */
function settingOf(key: ConfigKey): SettingKey | undefined {
  const attribute: string = CONFIG_KEYS[key];
  return (SETTING_KEYS as readonly string[]).includes(attribute) ? (attribute as SettingKey) : undefined;
}

/** Parses and checks a value for `config set`, against the rest of the profile; same messages as the flags. */
export function parseConfigValue(key: ConfigKey, raw: string, profile: Profile): string | number | boolean {
  if (key === 'base-url') {
    checkBaseUrl(raw.trim());
    return raw.trim();
  }
  if (key === 'route') return parseRoute(raw);
  if (key === 'api-key') {
    if (raw.trim() === '') throw new UsageError('api-key needs a value');
    return checkApiKey(raw);
  }
  const value = parseSettingValue(settingOf(key)!, raw);
  const settings: Settings = { ...DEFAULT_SETTINGS };
  for (const [k, v] of Object.entries({ ...profile, [key]: value })) {
    const s = settingOf(k as ConfigKey);
    if (s) (settings as unknown as Record<string, unknown>)[s] = v;
  }
  assertValidSettings(settings);
  return value;
}

export function redactKey(key: string): string {
  return key.length > 8 ? `${'*'.repeat(8)}${key.slice(-4)}` : '********';
}
