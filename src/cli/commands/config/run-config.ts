// `smallest-tts config set|get|unset|list|path`: defaults and profiles in the config file.
import { UsageError } from '../../../core/errors.js';
import { DEFAULT_SETTINGS } from '../../../core/settings.js';
import { DEFAULT_BASE_URL } from '../../../protocol/routes.js';
import { didYouMean } from '../../suggest.js';
import { checkConfigSet } from '../../config/config-checks.js';
import { CONFIG_KEYS, checkProfileName, isConfigKey, loadConfig, redactKey, updateConfig, type ConfigData, type ConfigKey, type Profile } from '../../config/config-file.js';
import { configPath } from '../../config/paths.js';

function keyOf(raw: string): ConfigKey {
  if (!isConfigKey(raw)) throw new UsageError(`Unknown config key ${JSON.stringify(raw)}.${didYouMean(raw, Object.keys(CONFIG_KEYS))}`, `Keys: ${Object.keys(CONFIG_KEYS).join(', ')}.`);
  return raw;
}

function shown(key: ConfigKey, value: string | number | boolean): string {
  return key === 'api-key' ? redactKey(String(value)) : String(value);
}

/** Environment variables that come before the config file, by key. */
const ENV_OF: Partial<Record<ConfigKey, string>> = { 'api-key': 'SMALLEST_API_KEY', 'base-url': 'SMALLEST_BASE_URL', route: 'SMALLEST_ROUTE' };

/** Built-in defaults of the keys that have one. */
function builtInDefault(key: ConfigKey): string | number | boolean | undefined {
  if (key === 'base-url') return DEFAULT_BASE_URL;
  if (key === 'route') return 'live';
  return (DEFAULT_SETTINGS as Readonly<Record<string, string | number | boolean | undefined>>)[CONFIG_KEYS[key]];
}

/** For an unset key: the value used instead (environment, the defaults under a profile, built in) and a phrase saying where it comes from. */
function fallbackValue(key: ConfigKey, fromDefaults: string | number | boolean | undefined): [string | number | boolean | undefined, string] {
  const variable = ENV_OF[key];
  const fromEnv = variable ? process.env[variable] : undefined;
  if (variable && fromEnv) return [fromEnv, `${variable} in the environment is used`];
  if (fromDefaults !== undefined) return [fromDefaults, 'the value in the defaults is used'];
  const builtIn = builtInDefault(key);
  if (builtIn !== undefined) return [builtIn, 'this is the built-in default'];
  if (key === 'api-key') return [undefined, 'there is no default (set it here, or SMALLEST_API_KEY)'];
  if (key === 'device') return [undefined, "ALSA's default device is used"];
  return [undefined, 'the API uses its own default'];
}

const ARITY = { set: 2, get: 1, unset: 1, list: 0, path: 0 } as const;

export function runConfigCommand(action: string, args: string[], profileName?: string): void {
  if (!Object.hasOwn(ARITY, action)) throw new UsageError(`Unknown config action ${JSON.stringify(action)}: use set, get, unset, list or path.`);
  const wanted = ARITY[action as keyof typeof ARITY];
  if (args.length !== wanted) {
    const usage = { set: 'config set KEY VALUE', get: 'config get KEY', unset: 'config unset KEY', list: 'config list', path: 'config path' }[action as keyof typeof ARITY];
    throw new UsageError(`Usage: smallest-tts ${usage}`);
  }
  runConfig(action as keyof typeof ARITY, args, profileName);
}

/** The profile a command works on, as it is in `data` (undefined: not there yet). */
function profileIn(data: ConfigData, profileName: string | undefined): Profile | undefined {
  if (!profileName) return data.defaults;
  return Object.hasOwn(data.profiles, profileName) ? data.profiles[profileName] : undefined;
}

/** What an action works on: the config file, the profile's name (undefined: the defaults) and how to name it. */
interface Target {
  path: string;
  profileName: string | undefined;
  where: string;
}

function runConfig(action: keyof typeof ARITY, args: string[], profileName?: string): void {
  const path = configPath();
  if (action === 'path') {
    process.stdout.write(`${path}\n`);
    return;
  }
  if (profileName !== undefined) checkProfileName(profileName);
  const target = { path, profileName, where: profileName ? `profile ${profileName}` : 'the defaults' };
  ACTIONS[action](args, target);
}

/** `config set KEY VALUE`: read, changed and written under the config's lock, so concurrent sets all keep their value. */
function setKey([rawKey, value]: string[], { path, profileName, where }: Target): void {
  const key = keyOf(rawKey);
  const { stored, notes } = updateConfig((data) => {
    const profile = profileIn(data, profileName) ?? {};
    const checked = checkConfigSet(key, value, profile);
    profile[key] = checked.value;
    if (profileName) data.profiles[profileName] = profile;
    else data.defaults = profile;
    return { stored: checked.value, notes: checked.notes };
  }, path);
  process.stderr.write(`${key} = ${shown(key, stored)} in ${where} (${path})\n`);
  for (const note of notes) process.stderr.write(`note: ${note}\n`);
}

function getKey([rawKey]: string[], { path, profileName, where }: Target): void {
  const key = keyOf(rawKey);
  const data = loadConfig(path);
  const value = profileIn(data, profileName)?.[key];
  if (value !== undefined) {
    process.stdout.write(`${shown(key, value)}\n`);
    return;
  }
  // Not set here: the value a command would use instead, and where it comes from.
  const [used, origin] = fallbackValue(key, profileName ? data.defaults[key] : undefined);
  if (used !== undefined) process.stdout.write(`${shown(key, used)}\n`);
  process.stderr.write(`${key} is not set in ${where}: ${origin}.\n`);
}

function unsetKey([rawKey]: string[], { path, profileName, where }: Target): void {
  const key = keyOf(rawKey);
  updateConfig((data) => {
    const existing = profileIn(data, profileName);
    if (existing?.[key] === undefined) throw new UsageError(`${key} is not set in ${where}.`);
    delete existing[key];
    if (profileName && Object.keys(existing).length === 0) delete data.profiles[profileName];
  }, path);
  process.stderr.write(`${key} unset in ${where}\n`);
}

function listKeys(_args: string[], { path, profileName }: Target): void {
  const data = loadConfig(path);
  const existing = profileIn(data, profileName);
  const sections: [string, Profile][] = profileName ? [[`profile ${profileName}`, existing ?? {}]] : [['defaults', data.defaults], ...Object.entries(data.profiles).map(([n, p]) => [`profile ${n}`, p] as [string, Profile])];
  const lines: string[] = [];
  for (const [title, profile] of sections) {
    lines.push(`[${title}]`);
    const entries = Object.entries(profile) as [ConfigKey, string | number | boolean][];
    if (entries.length === 0) lines.push('  (nothing set)');
    const width = Math.max(12, ...entries.map(([key]) => key.length));
    for (const [key, value] of entries) lines.push(`  ${key.padEnd(width)} ${shown(key, value)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

const ACTIONS: Record<Exclude<keyof typeof ARITY, 'path'>, (args: string[], target: Target) => void> = { set: setKey, get: getKey, unset: unsetKey, list: listKeys };
