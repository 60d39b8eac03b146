// `say -v '?'`, as macOS say lists its voices: one a line, id, languages, then a comment.
import { DEFAULT_SETTINGS } from '../../../core/settings.js';
import { DEFAULT_BASE_URL } from '../../../protocol/routes.js';
import { safeLine } from '../../terminal/sanitize.js';
import { Ui } from '../../terminal/ui.js';
import { readVoiceCache } from './voice-cache.js';
import { catalogue, type VoicesFlags } from './voice-catalogue.js';
import { offlineVoices } from './voice-check.js';

/** From the offline list with --offline, else the cached catalogue (however old), else fetched. */
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
