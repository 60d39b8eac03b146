// The configuration file: defaults and named profiles in JSON, in the user's config folder, mode 0600.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { SmallestTtsError, UsageError } from '../../core/errors.js';
import { processAlive } from '../../core/files/process-alive.js';
import { configPath } from './paths.js';

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
function saveConfig(data: ConfigData, path = configPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

/** Names that would reach an object's prototype instead of a profile of its own. */
const RESERVED_PROFILES = new Set(['__proto__', 'constructor', 'prototype']);

/** A profile name a user may give: not empty, not a name that JavaScript objects reserve. */
export function checkProfileName(name: string): string {
  if (name.trim() === '') throw new UsageError('--profile needs a name.');
  if (RESERVED_PROFILES.has(name)) throw new UsageError(`${JSON.stringify(name)} cannot be a profile name: it is reserved.`, 'Choose another name, e.g. --profile fast.');
  return name;
}

const LOCK_WAIT_MS = 10_000;
/** A lock older than this belongs to a process that hung or died: it is taken over. */
const LOCK_STALE_MS = 30_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A lock left by a process that has gone, or held far longer than any update takes. */
function lockIsStale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) return true;
    return Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS;
  } catch {
    return false; // gone meanwhile: the next attempt takes it
  }
}

/** Takes `{path}.lock` (created exclusively, holding our pid); returns its release. */
function lockConfig(path: string): () => void {
  const lock = `${path}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lock);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new SmallestTtsError(`Cannot lock the config file ${path}: ${(error as Error).message}`);
    }
    if (lockIsStale(lock)) {
      // Renamed first, so of two processes that both saw it stale only one removes it.
      const aside = `${lock}.${process.pid}.stale`;
      try {
        renameSync(lock, aside);
        unlinkSync(aside);
      } catch {
        // another process took it over first
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new SmallestTtsError(`The config file ${path} is locked by another smallest-tts.`, { hint: `If none is running, delete ${lock}.` });
    }
    sleepSync(5 + Math.floor(Math.random() * 20));
  }
}

/**
 * Changes the config file safely when several processes do at once: under a lock file, the file
 * is read afresh, changed by `change`, and written atomically (temporary file, then rename), so
 * no concurrent `config set` loses another's update. A `change` that throws saves nothing.
 */
export function updateConfig<T>(change: (data: ConfigData) => T, path = configPath()): T {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const release = lockConfig(path);
  try {
    const data = loadConfig(path);
    const result = change(data);
    saveConfig(data, path);
    return result;
  } finally {
    release();
  }
}

export function profileOf(data: ConfigData, name: string | undefined): Profile {
  if (!name) return data.defaults;
  checkProfileName(name);
  const profile = Object.hasOwn(data.profiles, name) ? data.profiles[name] : undefined;
  if (!profile) {
    const known = Object.keys(data.profiles);
    throw new UsageError(`No profile named ${JSON.stringify(name)}.`, known.length ? `Profiles: ${known.join(', ')}.` : 'Create one with: smallest-tts config set voice emily --profile NAME');
  }
  return profile;
}

export function redactKey(key: string): string {
  return key.length > 8 ? `${'*'.repeat(8)}${key.slice(-4)}` : '********';
}
