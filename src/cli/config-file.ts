// The configuration file: defaults and named profiles in JSON, in the user's config folder, mode 0600.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SmallestTtsError, UsageError } from '../errors.js';
import { configDir } from './paths.js';

/** Config keys as users type them → commander option attribute names. */
export const CONFIG_KEYS = {
  model: 'model', voice: 'voice', language: 'language', speed: 'speed', consistency: 'consistency',
  similarity: 'similarity', enhancement: 'enhancement', 'sample-rate': 'sampleRate', 'number-language': 'numberLanguage',
  math: 'math', 'word-timestamps': 'wordTimestamps', 'base-url': 'baseUrl', 'api-key': 'apiKey', route: 'route',
  device: 'device',
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

export function redactKey(key: string): string {
  return key.length > 8 ? `${'*'.repeat(8)}${key.slice(-4)}` : '********';
}
