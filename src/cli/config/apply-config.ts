// Config values enter commander as source 'config', so flags > environment > config file > defaults
// holds without hand-written precedence; --verbose can then say where each value came from.
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_SETTINGS, SETTING_KEYS, V2_ONLY_KEYS, modelSpec, validateSettings, type Settings } from '../../core/settings.js';
import { checkLoadedProfile, profileLabel } from './config-checks.js';
import { CONFIG_KEYS, loadConfig, profileOf, redactKey, type ConfigData, type ConfigKey } from './config-file.js';
import { configPath } from './paths.js';
import { safeLine } from '../terminal/sanitize.js';

export interface ValueOrigins {
  /** e.g. "voice=emily (config), model=lightning-v3.1 (default), api-key=********cdef (env)" */
  describe(): string;
  /** v2-only values from the config dropped because the model is not lightning-v2. */
  dropped: string[];
  /** The option (by attribute name, e.g. sampleRate) was typed on the command line. */
  onCommandLine(attribute: string): boolean;
}

const CLEARABLE = new Set(['default', undefined]);
const warned = new Set<string>();

/** A warning on stderr, once per process. */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`warning: ${safeLine(message, 400)}\n`);
}

/** `SMALLEST_API_KEY=` is unset, not an empty key: the config file's value then applies. */
function clearEmptyEnvironment(command: Command): void {
  for (const option of command.options) {
    const attribute = option.attributeName();
    if (command.getOptionValueSource(attribute) === 'env' && command.getOptionValue(attribute) === '') {
      command.setOptionValueWithSource(attribute, undefined, 'default');
    }
  }
}

/** The key must not be readable by other users of the machine. */
function warnIfKeyExposed(path: string, config: ConfigData): void {
  const holdsKey = [config.defaults, ...Object.values(config.profiles)].some((p) => p && typeof p === 'object' && 'api-key' in p);
  if (!holdsKey || process.platform === 'win32') return;
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return;
  }
  if ((mode & 0o077) !== 0) {
    warnOnce(`the config file ${path} holds an API key and other users can read it (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${path}`);
  }
}

/**
 * Before a command's body loads: its config-file values enter as commander's 'config' source. The
 * commands import this statically, so it is part of the start: a lazy import of it was one more
 * module load in every command, for 4 KB of code.
 */
export function applyConfig(command: Command): ValueOrigins {
  clearEmptyEnvironment(command);
  const opts = command.opts<{ profile?: string }>();
  const path = configPath();
  const config = loadConfig(path);
  warnIfKeyExposed(path, config);
  // A named profile is layered over the defaults; each is checked as it is read.
  const defaults = checkLoadedProfile(config.defaults, undefined, path);
  const named = opts.profile ? checkLoadedProfile(profileOf(config, opts.profile), opts.profile, path) : undefined;
  for (const warning of [...defaults.warnings, ...(named?.warnings ?? [])]) warnOnce(warning);
  const profile = { ...defaults.profile, ...named?.profile };
  const whereOf = (key: ConfigKey) => (named && key in named.profile ? profileLabel(opts.profile) : profileLabel(undefined));
  for (const [key, value] of Object.entries(profile)) {
    const attribute = CONFIG_KEYS[key as ConfigKey];
    if (!attribute || !command.options.some((o) => o.attributeName() === attribute)) continue;
    if (CLEARABLE.has(command.getOptionValueSource(attribute))) command.setOptionValueWithSource(attribute, value, 'config');
  }
  // A lightning-v2 value kept in the config must not make every run on another model fail.
  const dropped: string[] = [];
  const model = command.opts<{ model?: string }>().model ?? DEFAULT_SETTINGS.model;
  if (!modelSpec(model)?.v2Options) {
    for (const key of V2_ONLY_KEYS) {
      if (command.getOptionValueSource(key) === 'config') {
        command.setOptionValueWithSource(key, undefined, 'default');
        dropped.push(key);
      }
    }
  }
  checkConfigValuesForModel(command, whereOf, path);
  return {
    dropped,
    onCommandLine: (attribute) => command.getOptionValueSource(attribute) === 'cli',
    describe: () =>
      Object.entries(CONFIG_KEYS)
        .map(([name, attribute]) => {
          const value = (command.getOptionValue(attribute) as unknown) ?? (DEFAULT_SETTINGS as unknown as Record<string, unknown>)[attribute];
          if (value === undefined) return null;
          const shown = name === 'api-key' ? redactKey(String(value)) : String(value);
          return `${name}=${shown} (${command.getOptionValueSource(attribute) ?? 'default'})`;
        })
        .filter(Boolean)
        .join(', '),
  };
}

/**
 * A config value out of range for the model in use (a config speed of 3 with --model lightning_v3.1)
 * is reported as the config's, naming the key and the profile; problems of flags are left to them.
 */
function checkConfigValuesForModel(command: Command, whereOf: (key: ConfigKey) => string, path: string): void {
  const settings = { ...DEFAULT_SETTINGS } as Record<string, unknown>;
  for (const key of SETTING_KEYS) {
    const value = command.getOptionValue(key) as unknown;
    if (value !== undefined) settings[key] = value;
  }
  for (const issue of validateSettings(settings as unknown as Settings)) {
    if (command.getOptionValueSource(issue.key) !== 'config') continue;
    const key = (Object.keys(CONFIG_KEYS) as ConfigKey[]).find((k) => CONFIG_KEYS[k] === issue.key)!;
    const where = whereOf(key);
    throw new UsageError(
      `${key} in ${where} of the config file ${issue.message}`,
      `Change it with: smallest-tts config set ${key} VALUE${where === 'the defaults' ? '' : ` --profile ${command.opts<{ profile?: string }>().profile}`} (or give --${key}; file: ${path})`,
    );
  }
}
