// `smallest-tts voices` and `smallest-tts languages`: the catalogs, as a table or JSON.
import { DEFAULT_SETTINGS, LANGUAGES, modelSpec } from '../../../core/settings.js';
import { fetchVoices, filterVoices, type Voice } from '../../../waves/voices.js';
import { openConnection } from '../../connection/connect.js';
import type { ConnectionFlags } from '../../options.js';
import { safeLine } from '../../terminal/sanitize.js';
import { Ui } from '../../terminal/ui.js';
import { readVoiceCache, writeVoiceCache } from './voice-cache.js';
import { offlineVoices } from './voice-check.js';
import { DEFAULT_BASE_URL } from '../../../protocol/routes.js';

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
  const { runSay } = await import('../say/run-say.js');
  const name = flags.preview.charAt(0).toUpperCase() + flags.preview.slice(1);
  const sample = `Hello, I'm ${name}. This is how I sound when I read a few sentences aloud: clearly, and at an easy pace.`;
  const { language: _filter, gender: _gender, refresh: _refresh, preview: voice, ...rest } = flags;
  await runSay([sample], { ...rest, voice, model: flags.model, voiceArgument: '--preview' });
}

/** The catalogue: from the cache when it is fresh (and not --refresh), else fetched (and cached). */
async function catalogue(flags: VoicesFlags, model: string, ui: Ui): Promise<Voice[]> {
  const connection = await openConnection(flags, ui);
  try {
    const cacheable = !flags.offline;
    const cached = cacheable && !flags.refresh ? readVoiceCache(connection.baseUrl, model) : null;
    if (cached) {
      ui.verbose(`voices from the cache (${cached.length}); --refresh to fetch again`);
      return cached;
    }
    await ui.status('Fetching voices…');
    const voices = await fetchVoices({ apiKey: connection.apiKey, baseUrl: connection.baseUrl, model, timeoutMs: flags.httpTimeout, trace: connection.trace, agent: connection.agent });
    ui.stopStatus();
    ui.verbose(`fetched ${voices.length} voices`);
    if (cacheable) writeVoiceCache(connection.baseUrl, model, voices);
    return voices;
  } finally {
    ui.stopStatus();
    await connection.close();
  }
}

/**
 * `say -v '?'`, as macOS say lists its voices: one a line, id, languages, then a comment. From the
 * offline list with --offline, else the cached catalogue (however old), else fetched.
 */
export async function runVoiceQuestion(flags: VoicesFlags): Promise<void> {
  const model = flags.model ?? DEFAULT_SETTINGS.model;
  const ui = await Ui.create({ quiet: flags.quiet, verbose: flags.verbose, interactive: process.stderr.isTTY === true });
  const voices = flags.offline ? offlineVoices() : (readVoiceCache(flags.baseUrl || DEFAULT_BASE_URL, model, Number.POSITIVE_INFINITY) ?? (await catalogue(flags, model, ui)));
  const width = Math.max(0, ...voices.map((v) => safeLine(v.voiceId, 40).length));
  const languagesWidth = Math.max(0, ...voices.map((v) => safeLine(v.languages.join(','), 40).length));
  const lines = voices.map((v) => {
    const about = [v.gender, v.accent].filter(Boolean).join(', ');
    const comment = [about, v.wordTimestamps ? 'word timings' : ''].filter(Boolean).join('; ');
    return `${safeLine(v.voiceId, 40).padEnd(width)}  ${safeLine(v.languages.join(','), 40).padEnd(languagesWidth)}  # ${safeLine(comment, 80)}`.trimEnd();
  });
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function runVoices(flags: VoicesFlags): Promise<void> {
  if (flags.preview !== undefined) return preview({ ...flags, preview: flags.preview });
  const model = flags.model ?? DEFAULT_SETTINGS.model;
  const ui = await Ui.create({ quiet: flags.quiet, verbose: flags.verbose, interactive: process.stderr.isTTY === true });
  const voices = await catalogue(flags, model, ui);
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
  const rows = shown.map((v) => [v.voiceId, v.displayName, v.gender ?? '', v.accent ?? '', v.age ?? '', v.wordTimestamps ? 'yes' : 'no', v.languages.join(', ')].map((cell) => safeLine(cell, 60)));
  process.stdout.write(`${table(['VOICE', 'NAME', 'GENDER', 'ACCENT', 'AGE', 'WORD TIMINGS', 'LANGUAGES'], rows)}\n`);
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
