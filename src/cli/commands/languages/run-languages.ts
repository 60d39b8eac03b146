// `smallest-tts languages`: the language codes a model supports, as a table or JSON.
import { DEFAULT_SETTINGS, LANGUAGES, modelSpec } from '../../../core/settings.js';
import { table } from '../../terminal/table.js';

export function runLanguages(flags: { model?: string; json?: boolean }): void {
  const spec = modelSpec(flags.model ?? DEFAULT_SETTINGS.model)!;
  const entries = spec.languages.map((code) => [code, LANGUAGES[code] ?? code]);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(entries.map(([code, name]) => ({ code, name })), null, 2)}\n`);
    return;
  }
  process.stdout.write(`${table(['CODE', 'LANGUAGE'], entries)}\n`);
}
