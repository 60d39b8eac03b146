// Options shared by say and repl: settings flags, connection flags, and turning them into values.
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import {
  DEFAULT_SETTINGS, MODELS, SAMPLE_RATES, SETTING_KEYS, modelSpec, parseSettingValue, settingFlagName, validateSettings,
  type SettingKey, type Settings,
} from '../core/settings.js';
import { DEFAULT_BASE_URL, checkBaseUrl, parseRoute, type Route } from '../protocol/routes.js';
import { checkApiKey } from './config/api-key.js';
import { problemFor } from './hints.js';
import { didYouMean } from './suggest.js';

/** The settings flags: any setting, each as its flag gave it. */
export type SettingsFlags = Partial<Settings>;

export interface ConnectionFlags {
  profile?: string;
  apiKey?: string;
  baseUrl?: string;
  insecure?: boolean;
  offline?: boolean;
  route?: Route;
  /** --trace FILE: every frame, connect and close as JSON lines. */
  trace?: string;
}

function parseRouteFlag(raw: string): Route {
  try {
    return parseRoute(raw);
  } catch (error) {
    throw new InvalidArgumentError(problemFor(error));
  }
}

function parserFor(key: SettingKey) {
  return (raw: string): string | number | boolean => {
    try {
      return parseSettingValue(key, raw);
    } catch (error) {
      throw new InvalidArgumentError(problemFor(error));
    }
  };
}

export function addSettingsOptions(command: Command): Command {
  return command
    .addOption(new Option('-v, --voice <id>', `voice id (default: ${DEFAULT_SETTINGS.voice}); -v '?' lists the voices`))
    .addOption(new Option('--model <name>', `${MODELS.join(', ')} (default: ${DEFAULT_SETTINGS.model}; hyphenated spellings accepted)`).argParser(parserFor('model')))
    .addOption(new Option('--language <code>', `language code, per model (default: ${DEFAULT_SETTINGS.language}; see: smallest-tts languages)`))
    .addOption(new Option('--speed <x>', 'speaking rate: 0.5–2 (0.1–5 on lightning-v2)').argParser(parserFor('speed')))
    .addOption(new Option('--number-language <code>', 'language for reading numbers, amounts and dates').argParser(parserFor('numberLanguage')))
    .addOption(new Option('--math [on|off]', 'read math notation (2×3=6) as words').argParser(parserFor('math')).preset(true))
    .addOption(new Option('--word-timestamps [on|off]', 'ask for word timings (only some voices give them)').argParser(parserFor('wordTimestamps')).preset(true))
    .addOption(new Option('--consistency <x>', 'lightning-v2 only: 0–1').argParser(parserFor('consistency')))
    .addOption(new Option('--similarity <x>', 'lightning-v2 only: 0–1').argParser(parserFor('similarity')))
    .addOption(new Option('--enhancement <n>', 'lightning-v2 only: 0, 1 or 2').argParser(parserFor('enhancement')))
    .addOption(new Option('--sample-rate <hz>', `${SAMPLE_RATES.join(', ')} (default: ${DEFAULT_SETTINGS.sampleRate})`).argParser(parserFor('sampleRate')));
}

export function addConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--api-key <key>', 'API key (prefer the environment variable)').env('SMALLEST_API_KEY'))
    .addOption(new Option('--base-url <url>', `WebSocket base URL (default: ${DEFAULT_BASE_URL})`).env('SMALLEST_BASE_URL'))
    .addOption(new Option('--route <route>', 'live: the current API, one route for every model (default); per-model: the older per-model routes').argParser(parseRouteFlag).env('SMALLEST_ROUTE'))
    .addOption(new Option('--insecure', 'allow a plain ws:// base URL to a host that is not this machine'))
    .addOption(new Option('--offline', 'speak with the built-in offline voice through a local server; no key or network'))
    .addOption(new Option('--profile <name>', 'use a named profile from the config file').env('SMALLEST_PROFILE'))
    .addOption(new Option('--trace <file>', 'append one JSON line per frame sent or received, connect and close to FILE (audio as byte counts, never the key)'))
    .addOption(new Option('-q, --quiet', 'no progress, karaoke or status lines; errors only').conflicts('verbose'))
    .addOption(new Option('--verbose', 'connection events and timings on stderr (-v is --voice, as in macOS say and espeak-ng)'));
}

/** Defaults overlaid with the flags given; every problem reported at once, before anything is sent. */
export function settingsFromFlags(flags: SettingsFlags): Settings {
  const settings: Settings = { ...DEFAULT_SETTINGS };
  for (const key of SETTING_KEYS) {
    const value = flags[key];
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  const issues = validateSettings(settings);
  if (issues.length > 0) {
    throw new UsageError(issues.map((issue) => {
      const hint = suggestionFor(issue.key, settings);
      return `--${settingFlagName(issue.key)} ${issue.message}${hint ? `.${hint}` : ''}`;
    }).join('\n'), { code: 'invalid_settings', data: { issues } });
  }
  return settings;
}

/** "Did you mean …?" for a mistyped model or language code. */
function suggestionFor(key: SettingKey, settings: Settings): string {
  if (key === 'model') return didYouMean(settings.model, [...MODELS]);
  if (key === 'language' || key === 'numberLanguage') return didYouMean(String(settings[key]), [...(modelSpec(settings.model)?.languages ?? [])]);
  return '';
}

interface Connection {
  apiKey: string;
  baseUrl: string;
}

/** Validates the base URL and the key for a real (not --offline) connection. */
export function connectionFromFlags(flags: ConnectionFlags): Connection {
  const baseUrl = flags.baseUrl || DEFAULT_BASE_URL;
  checkBaseUrl(baseUrl, { insecure: flags.insecure });
  const apiKey = flags.apiKey?.trim();
  if (!apiKey) {
    throw new UsageError('No API key.', { code: 'missing_api_key', data: { setting: 'apiKey' } });
  }
  return { apiKey: checkApiKey(apiKey), baseUrl };
}
