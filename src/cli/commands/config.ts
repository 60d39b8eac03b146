// `smallest-tts config set|get|unset|list|path`: defaults and profiles in the config file.
import { UsageError } from '../../errors.js';
import { didYouMean } from '../suggest.js';
import { checkConfigSet } from '../config-check.js';
import { CONFIG_KEYS, configPath, isConfigKey, loadConfig, redactKey, saveConfig, type ConfigKey, type Profile } from '../config-file.js';

function keyOf(raw: string): ConfigKey {
  if (!isConfigKey(raw)) throw new UsageError(`Unknown config key ${JSON.stringify(raw)}.${didYouMean(raw, Object.keys(CONFIG_KEYS))}`, `Keys: ${Object.keys(CONFIG_KEYS).join(', ')}.`);
  return raw;
}

function shown(key: ConfigKey, value: string | number | boolean): string {
  return key === 'api-key' ? redactKey(String(value)) : String(value);
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

function runConfig(action: keyof typeof ARITY, args: string[], profileName?: string): void {
  const path = configPath();
  if (action === 'path') {
    process.stdout.write(`${path}\n`);
    return;
  }
  const data = loadConfig(path);
  const where = profileName ? `profile ${profileName}` : 'the defaults';
  const existing: Profile | undefined = profileName ? data.profiles[profileName] : data.defaults;
  switch (action) {
    case 'set': {
      const [rawKey, value] = args;
      const key = keyOf(rawKey);
      const profile = existing ?? {};
      const checked = checkConfigSet(key, value, profile);
      profile[key] = checked.value;
      if (profileName) data.profiles[profileName] = profile;
      else data.defaults = profile;
      saveConfig(data, path);
      process.stderr.write(`${key} = ${shown(key, profile[key]!)} in ${where} (${path})\n`);
      for (const note of checked.notes) process.stderr.write(`note: ${note}\n`);
      return;
    }
    case 'get': {
      const key = keyOf(args[0]);
      const value = existing?.[key];
      if (value === undefined) throw new UsageError(`${key} is not set in ${where}.`);
      process.stdout.write(`${shown(key, value)}\n`);
      return;
    }
    case 'unset': {
      const key = keyOf(args[0]);
      if (existing?.[key] === undefined) throw new UsageError(`${key} is not set in ${where}.`);
      delete existing[key];
      if (profileName && Object.keys(existing).length === 0) delete data.profiles[profileName];
      saveConfig(data, path);
      process.stderr.write(`${key} unset in ${where}\n`);
      return;
    }
    case 'list': {
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
  }
}
