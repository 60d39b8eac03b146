// A manifest as batch items: a first pass checks every line and counts, a second streams the items.
import { UsageError } from '../../core/errors.js';
import type { Settings } from '../../core/settings.js';
import { itemProblems, manifestSetting, type BatchItem } from './item.js';
import type { ItemFormat } from './item-sink.js';
import { readEntries, type ManifestFormat, type RawEntry } from './manifest-entries.js';

export interface ManifestItem extends BatchItem {
  line: number;
  /** 0-based position among the manifest's items (shards select by it). */
  index: number;
}

export interface Manifest {
  format: ManifestFormat;
  /** Items in the whole manifest. */
  count: number;
  /** Digits of generated ids: at least 4, more when the count (txt) or the line count needs them. */
  idWidth: number;
  /** Streams the items again, in order, from the file. */
  items(): AsyncGenerator<ManifestItem>;
}

/** How many problems a usage error lists before it says "and N more". */
const MAX_LISTED = 20;

const SETTING_FIELDS = ['voice', 'model', 'language', 'speed'] as const;

/** An entry as an item; `generatedId` is used when the entry names no id. Problems come back as text. */
function toItem(entry: RawEntry, index: number, generatedId: string, base: Settings): { item: ManifestItem; problems: string[] } {
  const { fields } = entry;
  const problems: string[] = [];
  const settings: Partial<Settings> = {};
  for (const key of SETTING_FIELDS) {
    if (fields[key] === undefined) continue;
    try {
      (settings as Record<string, unknown>)[key] = manifestSetting(key, fields[key]);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const rawId = fields.id;
  const id = rawId === undefined ? generatedId : typeof rawId === 'string' ? rawId : Number.isInteger(rawId) ? String(rawId) : undefined;
  if (id === undefined) problems.push(`the id must be text or a whole number (got ${JSON.stringify(rawId)})`);
  if (fields.text !== undefined && typeof fields.text !== 'string') problems.push(`the text must be a string (got ${JSON.stringify(fields.text)})`);
  if (fields.format !== undefined && typeof fields.format !== 'string') problems.push(`format must be text (got ${JSON.stringify(fields.format)})`);
  const item: ManifestItem = {
    id: id ?? '',
    text: typeof fields.text === 'string' ? fields.text : '',
    line: entry.line,
    index,
    ...(Object.keys(settings).length > 0 && { settings }),
    ...(typeof fields.format === 'string' && { format: fields.format.trim().toLowerCase() as ItemFormat }),
  };
  if (problems.length === 0) problems.push(...itemProblems(item, base));
  else if (item.text.trim() === '') problems.push('the text is empty');
  return { item, problems };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The id of an entry without one: its item number (txt) or its line number (jsonl, csv), zero-padded. */
function generatedId(format: ManifestFormat, index: number, line: number, width: number): string {
  return pad(format === 'txt' ? index + 1 : line, width);
}

/**
 * Reads the whole manifest once to check it: ids (empty, duplicate, path separators, `..`), texts,
 * formats and per-line settings merged onto `base`. Any problem is a UsageError naming the lines,
 * before anything is sent. Memory: the set of explicit ids, not the texts.
 */
export async function readManifest(path: string, format: ManifestFormat, base: Settings): Promise<Manifest> {
  const problems: { line: number; message: string }[] = [];
  let problemCount = 0;
  const report = (line: number, message: string) => {
    problemCount++;
    if (problems.length < MAX_LISTED) problems.push({ line, message });
  };
  const explicit = new Map<string, number>();
  const unnamed: number[] = []; // lines (or item numbers) that get a generated id
  let count = 0;
  let lastLine = 0;
  for await (const entry of readEntries(path, format)) {
    lastLine = entry.line;
    if ('message' in entry) {
      report(entry.line, entry.message);
      continue;
    }
    const index = count++;
    const { item, problems: itemIssues } = toItem(entry, index, 'placeholder', base);
    for (const message of itemIssues) report(entry.line, message);
    if (entry.fields.id === undefined) {
      unnamed.push(format === 'txt' ? index + 1 : entry.line);
    } else if (itemIssues.length === 0 || !itemIssues.some((m) => m.startsWith('the id'))) {
      const first = explicit.get(item.id);
      if (first !== undefined) report(entry.line, `the id ${JSON.stringify(item.id)} is already used on line ${first}`);
      else explicit.set(item.id, entry.line);
    }
  }
  const idWidth = Math.max(4, String(format === 'txt' ? count : lastLine).length);
  for (const n of unnamed) {
    const id = pad(n, idWidth);
    const first = explicit.get(id);
    if (first !== undefined) report(format === 'txt' ? first : n, `the generated id ${JSON.stringify(id)} of line ${n} is also given explicitly on line ${first}`);
  }
  if (count === 0 && problemCount === 0) throw new UsageError(`The manifest ${path} has no items.`);
  if (problemCount > 0) {
    const listed = problems.sort((a, b) => a.line - b.line).map((p) => `  line ${p.line}: ${p.message}`);
    const more = problemCount > problems.length ? [`  … and ${problemCount - problems.length} more`] : [];
    throw new UsageError(`The manifest ${path} has ${problemCount} problem${problemCount === 1 ? '' : 's'}; nothing was sent:\n${[...listed, ...more].join('\n')}`);
  }
  return {
    format,
    count,
    idWidth,
    async *items() {
      let index = 0;
      for await (const entry of readEntries(path, format)) {
        if ('message' in entry) continue; // cannot happen: the first pass found none
        yield toItem(entry, index, generatedId(format, index, entry.line, idWidth), base).item;
        index++;
      }
    },
  };
}
