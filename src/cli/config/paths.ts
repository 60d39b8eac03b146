// Per-user folders: XDG on Linux, the platform's own places elsewhere.
import { homedir } from 'node:os';
import { join } from 'node:path';

function base(xdgVar: string, linuxDefault: string, macFolder: string, windowsVar: string): string {
  const xdg = process.env[xdgVar];
  if (xdg) return xdg;
  if (process.platform === 'darwin') return join(homedir(), 'Library', macFolder);
  if (process.platform === 'win32') return process.env[windowsVar] ?? join(homedir(), 'AppData', 'Roaming');
  return join(homedir(), linuxDefault);
}

function configDir(): string {
  return join(base('XDG_CONFIG_HOME', '.config', 'Application Support', 'APPDATA'), 'smallest-tts');
}

/** The config file: SMALLEST_TTS_CONFIG, else config.json in the config folder. */
export function configPath(): string {
  return process.env.SMALLEST_TTS_CONFIG || join(configDir(), 'config.json');
}

export function cacheDir(): string {
  return join(base('XDG_CACHE_HOME', '.cache', 'Caches', 'LOCALAPPDATA'), 'smallest-tts');
}

export function historyPath(): string {
  return join(configDir(), 'repl_history');
}
