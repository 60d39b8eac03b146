// Config values enter commander as source 'config', so flags > environment > config file > defaults
// holds without hand-written precedence; --verbose can then say where each value came from.
import type { Command } from 'commander';
import { DEFAULT_SETTINGS, V2_ONLY_KEYS } from '../settings.js';
import { CONFIG_KEYS, loadConfig, profileOf, redactKey, type ConfigKey } from './config-file.js';

export interface ValueOrigins {
  /** e.g. "voice=emily (config), model=lightning-v3.1 (default), api-key=********cdef (env)" */
  describe(): string;
  /** v2-only values from the config dropped because the model is not lightning-v2. */
  dropped: string[];
}

const CLEARABLE = new Set(['default', undefined]);

export function applyConfig(command: Command): ValueOrigins {
  const opts = command.opts<{ profile?: string; model?: string }>();
  const config = loadConfig();
  // A named profile is layered over the defaults.
  const profile = opts.profile ? { ...config.defaults, ...profileOf(config, opts.profile) } : config.defaults;
  for (const [key, value] of Object.entries(profile)) {
    const attribute = CONFIG_KEYS[key as ConfigKey];
    if (!attribute || !command.options.some((o) => o.attributeName() === attribute)) continue;
    if (CLEARABLE.has(command.getOptionValueSource(attribute))) command.setOptionValueWithSource(attribute, value, 'config');
  }
  // A lightning-v2 value kept in the config must not make every lightning-v3.1 run fail.
  const dropped: string[] = [];
  if ((command.opts<{ model?: string }>().model ?? 'lightning-v3.1') !== 'lightning-v2') {
    for (const key of V2_ONLY_KEYS) {
      if (command.getOptionValueSource(key) === 'config') {
        command.setOptionValueWithSource(key, undefined, 'default');
        dropped.push(key);
      }
    }
  }
  return {
    dropped,
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
