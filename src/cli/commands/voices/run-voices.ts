// `smallest-tts voices`: the catalogue, as a table or JSON (or, with --preview, a sample spoken).
import { DEFAULT_SETTINGS } from '../../../core/settings.js';
import { filterVoices } from '../../../waves/voices.js';
import { safeLine } from '../../terminal/sanitize.js';
import { table } from '../../terminal/table.js';
import { Ui } from '../../terminal/ui.js';
import { catalogue, type VoicesFlags } from './voice-catalogue.js';

export type { VoicesFlags } from './voice-catalogue.js';

export async function runVoices(flags: VoicesFlags): Promise<void> {
  if (flags.preview !== undefined) {
    const { previewVoice } = await import('./preview-voice.js');
    return previewVoice({ ...flags, preview: flags.preview });
  }
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
