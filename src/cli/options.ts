// Options shared by say and repl: settings flags, connection flags, and turning them into values.
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors.js';
import {
  DEFAULT_SETTINGS, LANGUAGE_CODES, MODELS, SAMPLE_RATES, SETTING_KEYS, assertValidSettings, parseSettingValue,
  type SettingKey, type Settings,
} from '../settings.js';
import { DEFAULT_BASE_URL, checkBaseUrl } from '../waves/url.js';
import { checkApiKey } from './api-key.js';

export interface SettingsFlags {
  model?: string;
  voice?: string;
  language?: string;
  sampleRate?: number;
  speed?: number;
  consistency?: number;
  similarity?: number;
  enhancement?: number;
  numberLanguage?: string;
  math?: boolean;
  wordTimestamps?: boolean;
}

export interface ConnectionFlags {
  profile?: string;
  apiKey?: string;
  baseUrl?: string;
  insecure?: boolean;
  offline?: boolean;
}

function parserFor(key: SettingKey) {
  return (raw: string): number => {
    try {
      return parseSettingValue(key, raw) as number;
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message.replace(/^--\S+ /, ''));
    }
  };
}

export function addSettingsOptions(command: Command): Command {
  return command
    .addOption(new Option('--voice <id>', `voice id (default: ${DEFAULT_SETTINGS.voice})`))
    .addOption(new Option('--model <name>', `model (default: ${DEFAULT_SETTINGS.model})`).choices(MODELS))
    .addOption(new Option('--language <code>', `language code (default: ${DEFAULT_SETTINGS.language})`).choices(LANGUAGE_CODES))
    .addOption(new Option('--speed <x>', 'speaking rate: 0.5–2 on lightning-v3.1, 0.1–5 on lightning-v2').argParser(parserFor('speed')))
    .addOption(new Option('--consistency <x>', 'lightning-v2 only: 0–1').argParser(parserFor('consistency')))
    .addOption(new Option('--similarity <x>', 'lightning-v2 only: 0–1').argParser(parserFor('similarity')))
    .addOption(new Option('--enhancement <n>', 'lightning-v2 only: 0, 1 or 2').argParser(parserFor('enhancement')))
    .addOption(new Option('--sample-rate <hz>', `${SAMPLE_RATES.join(', ')} (default: ${DEFAULT_SETTINGS.sampleRate})`).argParser(parserFor('sampleRate')));
}

export function addConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--api-key <key>', 'API key (prefer the environment variable)').env('SMALLEST_API_KEY'))
    .addOption(new Option('--base-url <url>', `WebSocket base URL (default: ${DEFAULT_BASE_URL})`).env('SMALLEST_BASE_URL'))
    .addOption(new Option('--insecure', 'allow a plain ws:// base URL to a host that is not this machine'))
    .addOption(new Option('--offline', 'speak with the built-in offline voice through a local server; no key or network'))
    .addOption(new Option('--profile <name>', 'use a named profile from the config file').env('SMALLEST_PROFILE'))
    .addOption(new Option('-q, --quiet', 'no spinner or status; errors only').conflicts('verbose'))
    .addOption(new Option('-v, --verbose', 'connection events and timings on stderr'));
}

/** Defaults overlaid with the flags given; every problem reported at once, before anything is sent. */
export function settingsFromFlags(flags: SettingsFlags): Settings {
  const settings: Settings = { ...DEFAULT_SETTINGS };
  for (const key of SETTING_KEYS) {
    const value = flags[key];
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  assertValidSettings(settings, '--');
  return settings;
}

export interface Connection {
  apiKey: string;
  baseUrl: string;
}

/** Validates the base URL and the key for a real (not --offline) connection. */
export function connectionFromFlags(flags: ConnectionFlags): Connection {
  const baseUrl = flags.baseUrl || DEFAULT_BASE_URL;
  checkBaseUrl(baseUrl, { insecure: flags.insecure });
  const apiKey = flags.apiKey?.trim();
  if (!apiKey) {
    throw new UsageError('No API key.', 'Set SMALLEST_API_KEY (or pass --api-key), or use --offline to try the local voice.');
  }
  return { apiKey: checkApiKey(apiKey), baseUrl };
}
