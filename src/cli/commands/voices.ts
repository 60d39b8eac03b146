// `smallest-tts voices` and `smallest-tts languages`: the catalogs, as a table or JSON.
import { DEFAULT_SETTINGS, LANGUAGES, modelSpec } from '../../settings.js';
import { fetchVoices, filterVoices, type Voice } from '../../waves/voices.js';
import { openConnection } from '../connect.js';
import type { ConnectionFlags } from '../options.js';
import { safeLine } from '../sanitize.js';
import { Ui } from '../ui.js';
import { readVoiceCache, writeVoiceCache } from '../voice-cache.js';

export interface VoicesFlags extends ConnectionFlags {
  model?: string;
  language?: string;
  gender?: string;
  json?: boolean;
  refresh?: boolean;
  /** Speak a sample in this voice instead of listing. */
  preview?: string;
  output?: string;
  httpTimeout?: number;
  quiet?: boolean;
  verbose?: boolean;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** `voices --preview ID`: a sample sentence in that voice, through the speakers or into `-o FILE`. */
async function preview(flags: VoicesFlags & { preview: string }): Promise<void> {
  const { runSay } = await import('./say.js');
  const name = flags.preview.charAt(0).toUpperCase() + flags.preview.slice(1);
  const sample = `Hello, I'm ${name}. This is how I sound when I read a few sentences aloud: clearly, and at an easy pace.`;
  const { language: _filter, gender: _gender, refresh: _refresh, preview: voice, ...rest } = flags;
  await runSay([sample], { ...rest, voice, model: flags.model });
}

export async function runVoices(flags: VoicesFlags): Promise<void> {
  if (flags.preview !== undefined) return preview({ ...flags, preview: flags.preview });
  const model = flags.model ?? DEFAULT_SETTINGS.model;
  const ui = await Ui.create({ quiet: flags.quiet, verbose: flags.verbose, interactive: process.stderr.isTTY === true });
  const connection = await openConnection(flags, ui);
  let voices: Voice[] | null = null;
  try {
    const cacheable = !flags.offline;
    voices = cacheable && !flags.refresh ? readVoiceCache(connection.baseUrl, model) : null;
    if (voices) {
      ui.verbose(`voices from the cache (${voices.length}); --refresh to fetch again`);
    } else {
      await ui.status('Fetching voices…');
      voices = await fetchVoices({ apiKey: connection.apiKey, baseUrl: connection.baseUrl, model, timeoutMs: flags.httpTimeout, trace: connection.trace, agent: connection.agent });
      ui.stopStatus();
      ui.verbose(`fetched ${voices.length} voices`);
      if (cacheable) writeVoiceCache(connection.baseUrl, model, voices);
    }
  } finally {
    ui.stopStatus();
    await connection.close();
  }
  const shown = filterVoices(voices, { language: flags.language, gender: flags.gender });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    return;
  }
  if (shown.length === 0) {
    ui.info('No voices match.');
    return;
  }
  // Names come from a server: no escape sequences or line breaks reach the terminal.
  const rows = shown.map((v) => [v.voiceId, v.displayName, v.gender ?? '', v.accent ?? '', v.age ?? '', v.languages.join(', ')].map((cell) => safeLine(cell, 60)));
  process.stdout.write(`${table(['VOICE', 'NAME', 'GENDER', 'ACCENT', 'AGE', 'LANGUAGES'], rows)}\n`);
}

export function runLanguages(flags: { model?: string; json?: boolean }): void {
  const spec = modelSpec(flags.model ?? DEFAULT_SETTINGS.model)!;
  const entries = spec.languages.map((code) => [code, LANGUAGES[code] ?? code]);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(entries.map(([code, name]) => ({ code, name })), null, 2)}\n`);
    return;
  }
  process.stdout.write(`${table(['CODE', 'LANGUAGE'], entries)}\n`);
}
