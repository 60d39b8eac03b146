// Config values checked like flags: when loaded (types, with the key and the profile named) and
// when set (only the key being set can fail, so a config never gets stuck on an old value).
import { UsageError } from '../../core/errors.js';
import { DEFAULT_SETTINGS, SETTING_KEYS, V2_ONLY_KEYS, modelSpec, parseSettingValue, validateSettings, type SettingKey, type Settings } from '../../core/settings.js';
import { checkBaseUrl, parseRoute } from '../../protocol/routes.js';
import { checkApiKey } from './api-key.js';
import { CONFIG_KEYS, isConfigKey, type ConfigKey, type Profile } from './config-file.js';
import { didYouMean } from '../suggest.js';

type Value = string | number | boolean;

/** "the defaults" or `profile "fast"`: where a value lives, for messages. */
export function profileLabel(name: string | undefined): string {
  return name ? `profile ${JSON.stringify(name)}` : 'the defaults';
}

/** The setting a config key stands for; base-url, api-key and route stand for none. */
function settingOf(key: ConfigKey): SettingKey | undefined {
  const attribute: string = CONFIG_KEYS[key];
  return (SETTING_KEYS as readonly string[]).includes(attribute) ? (attribute as SettingKey) : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${JSON.stringify(value)}`;
}

/**
 * One value as read from the file, converted as a flag's text would be ("1.5" → 1.5, "on" → true):
 * never passed on with the wrong type. Throws a message without the key's name (the caller adds it).
 */
function convert(key: ConfigKey, value: unknown): Value {
  const setting = settingOf(key);
  if (!setting) {
    // Never the key's value in a message: only its type.
    if (typeof value !== 'string') throw new UsageError(`must be text in quotes (got ${key === 'api-key' ? `a ${value === null ? 'null' : typeof value}` : describe(value)})`);
    if (key === 'route') return parseRoute(value);
    if (key === 'api-key') return checkApiKey(value);
    return value.trim();
  }
  if (typeof value === 'string') return parseSettingValue(setting, value, ''); // as if typed after the flag
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new UsageError(`must be a single value (got ${describe(value)})`);
  const parsed = parseSettingValue(setting, String(value), '');
  if (typeof parsed === typeof value) return parsed;
  throw new UsageError(`must be ${typeof parsed === 'string' ? 'text in quotes' : typeof parsed === 'number' ? 'a number' : 'true or false'} (got ${describe(value)})`);
}

/**
 * A profile as read from the file: each value converted or refused, naming the key and the
 * profile; unknown keys left out with a warning.
 */
export function checkLoadedProfile(raw: unknown, name: string | undefined, path: string): { profile: Profile; warnings: string[] } {
  const where = profileLabel(name);
  if (raw === undefined) return { profile: {}, warnings: [] };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UsageError(`${where} in the config file ${path} must be an object of keys and values (got ${describe(raw)}).`, 'Fix it by hand, or delete it and use `smallest-tts config set` again.');
  }
  const profile: Profile = {};
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (!isConfigKey(key)) {
      warnings.push(`unknown key ${JSON.stringify(key)} in ${where} of ${path} is ignored.${didYouMean(key, Object.keys(CONFIG_KEYS))}`);
      continue;
    }
    try {
      profile[key] = convert(key, value);
    } catch (error) {
      const why = (error as Error).message.replace(/^\S+ (?=must|needs)/, '').replace(/\.$/, '');
      const joined = /^(must|needs) /.test(why) ? ` ${why}` : `: ${why.charAt(0).toLowerCase()}${why.slice(1)}`;
      throw new UsageError(`${key} in ${where} of the config file${joined}.`, `Fix it with: smallest-tts config set ${key} VALUE${name ? ` --profile ${name}` : ''} (file: ${path})`);
    }
  }
  return { profile, warnings };
}

/** Settings made of the defaults and the values of a profile that convert cleanly. */
function settingsOf(profile: Profile): Settings {
  const settings = { ...DEFAULT_SETTINGS } as Record<string, unknown>;
  for (const [key, value] of Object.entries(profile)) {
    if (!isConfigKey(key) || !settingOf(key)) continue;
    try {
      settings[settingOf(key)!] = convert(key, value);
    } catch {
      // a bad value elsewhere in the profile must not block setting this one
    }
  }
  return settings as unknown as Settings;
}

/**
 * `config set KEY VALUE`: the value parsed as its flag is, and checked against the rest of the
 * profile, with the flag's messages. Only a problem of this key fails (a lightning-v2 value while
 * the profile's model is another one included, as its flag would); problems of other keys never
 * block it, and those a model change brings out are notes.
 */
export function checkConfigSet(key: ConfigKey, raw: string, profile: Profile): { value: Value; notes: string[] } {
  const setting = settingOf(key);
  if (!setting) {
    if (raw.trim() === '') throw new UsageError(`${key} needs a value`);
    if (key === 'base-url') checkBaseUrl(raw.trim());
    return { value: convert(key, raw), notes: [] };
  }
  const value = parseSettingValue(setting, raw, '--'); // the flag's messages: "--speed must be …"
  const settings = settingsOf({ ...profile, [key]: value });
  const notes: string[] = [];
  for (const issue of validateSettings(settings)) {
    // Only the value being set can fail; another key's problem is this change's business only
    // when the model changes (then it is a note).
    if (issue.key === setting) throw new UsageError(`--${key} ${issue.message}`);
    if (key !== 'model') continue;
    const v2Elsewhere = (V2_ONLY_KEYS as readonly string[]).includes(issue.key) && !modelSpec(settings.model)?.v2Options;
    const text = `${configKeyOf(issue.key)} ${issue.message}`;
    notes.push(v2Elsewhere ? `${configKeyOf(issue.key)} applies to lightning-v2 only; it is ignored with ${settings.model}` : text);
  }
  return { value, notes };
}

function configKeyOf(setting: SettingKey): string {
  return (Object.keys(CONFIG_KEYS) as ConfigKey[]).find((k) => CONFIG_KEYS[k] === setting) ?? setting;
}
