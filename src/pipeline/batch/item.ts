// One batch item: its id, text and per-item settings, and the checks an item must pass before anything is sent.
import { SmallestTtsError } from '../../core/errors.js';
import { formatIssues, mergeSettings, parseSettingValue, validateSettings, type Settings } from '../../core/settings.js';
import { isItemFormat, ITEM_FORMATS, type ItemFormat } from './item-sink.js';

export interface BatchItem {
  /** The output's file name stem: `{outDir}/{id}.{format}`. */
  id: string;
  text: string;
  /** Overrides of the batch's settings for this item (voice, model, language, speed, …). */
  settings?: Partial<Settings>;
  /** Overrides the batch's output format. */
  format?: ItemFormat;
  /** Where the item came from (a manifest line), for messages. */
  line?: number;
}

/** Why `id` cannot name a file in the output folder, or undefined when it can. */
export function idProblem(id: string): string | undefined {
  if (id.trim() === '') return 'the id is empty';
  if (/[/\\]/.test(id)) return `the id ${JSON.stringify(id)} contains a path separator`;
  if (id === '.' || id === '..') return `the id ${JSON.stringify(id)} is not a file name`;
  if (/[\u0000-\u001f\u007f]/.test(id)) return `the id ${JSON.stringify(id)} contains a control character`;
  // File names are bytes (255 at most, and the temporary name adds to it): "日" is three.
  const bytes = Buffer.byteLength(id);
  if (bytes > 200) return `the id is ${bytes} bytes long as a file name (at most 200)`;
  return undefined;
}

/** Every problem with an item's id, text, format and settings (merged onto `base`), in words. */
export function itemProblems(item: BatchItem, base: Settings): string[] {
  const problems: string[] = [];
  const id = idProblem(item.id);
  if (id) problems.push(id);
  if (typeof item.text !== 'string' || item.text.trim() === '') problems.push('the text is empty');
  if (item.format !== undefined && !isItemFormat(item.format)) problems.push(`format must be one of ${ITEM_FORMATS.join(', ')} (got ${JSON.stringify(item.format)})`);
  const issues = validateSettings(mergeSettings(base, item.settings ?? {}));
  if (issues.length > 0) problems.push(formatIssues(issues, '').replace(/\n/g, '; '));
  return problems;
}

/** The manifest's spelling of a setting (a string from CSV, a string or number from JSONL) as a setting value. */
export function manifestSetting(key: 'voice' | 'model' | 'language' | 'speed', raw: unknown): string | number {
  if (key === 'speed' && typeof raw === 'number') return raw;
  if (typeof raw !== 'string') throw new SmallestTtsError(`${key} must be ${key === 'speed' ? 'a number' : 'text'} (got ${JSON.stringify(raw)})`);
  return parseSettingValue(key, raw, '') as string | number;
}
