// Parses a manifest file (.txt, .jsonl, .csv) into raw entries, streaming: one line or record at a time.
import { extname } from 'node:path';
import { UsageError, settingError } from '../../core/errors.js';
import { parseCsv } from './csv.js';
import { readChunks, splitLines } from './lines.js';

const MANIFEST_FORMATS = ['txt', 'jsonl', 'csv'] as const;
export type ManifestFormat = (typeof MANIFEST_FORMATS)[number];

/** The columns (CSV) and keys (JSONL) an entry may have; `text` is required. */
const ENTRY_KEYS = ['text', 'id', 'voice', 'model', 'language', 'speed', 'format'] as const;
type EntryKey = (typeof ENTRY_KEYS)[number];

export interface RawEntry {
  /** 1-based line of the manifest where the entry starts. */
  line: number;
  /** Values as the manifest spells them; CSV cells are strings, empty ones left out (but an empty id kept). */
  fields: Partial<Record<EntryKey, unknown>>;
}

/** A malformed line: the problem is reported with the others, the entry skipped. */
interface EntryIssue {
  line: number;
  message: string;
}

function isManifestFormat(value: string): value is ManifestFormat {
  return (MANIFEST_FORMATS as readonly string[]).includes(value);
}

/** The manifest's format: `override` when given, else the file's extension (.txt, .jsonl or .ndjson, .csv). */
export function manifestFormatFromPath(path: string, override?: string): ManifestFormat {
  if (override !== undefined) {
    if (isManifestFormat(override)) return override;
    throw settingError('manifestFormat', 'The manifest format', `must be one of ${MANIFEST_FORMATS.join(', ')} (got ${JSON.stringify(override)})`, override, { code: 'unknown_manifest_format' });
  }
  const ext = extname(path).slice(1).toLowerCase();
  if (ext === 'ndjson') return 'jsonl';
  if (isManifestFormat(ext)) return ext;
  throw new UsageError(`Cannot tell the format of the manifest ${JSON.stringify(path)} from its name.`, { code: 'unknown_manifest_extension', data: { path, formats: MANIFEST_FORMATS }, hint: `Name it .txt, .jsonl or .csv, or name its format (${MANIFEST_FORMATS.join(', ')}).` });
}

const isKey = (key: string): key is EntryKey => (ENTRY_KEYS as readonly string[]).includes(key);
const unknownKey = (key: string) => `unknown ${JSON.stringify(key)} (known: ${ENTRY_KEYS.join(', ')})`;

/** Entries and per-line problems, in manifest order. */
export async function* readEntries(path: string, format: ManifestFormat): AsyncGenerator<RawEntry | EntryIssue> {
  if (format === 'csv') {
    yield* csvEntries(path);
    return;
  }
  for await (const { line, text } of splitLines(readChunks(path))) {
    if (text.trim() === '') continue;
    if (format === 'txt') {
      yield { line, fields: { text } };
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      yield { line, message: `not valid JSON (${(error as Error).message})` };
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      yield { line, message: 'each line must be a JSON object such as {"text": "Hello."}' };
      continue;
    }
    const unknown = Object.keys(parsed).filter((k) => !isKey(k));
    if (unknown.length > 0) yield { line, message: unknown.map(unknownKey).join('; ') };
    else yield { line, fields: parsed as RawEntry['fields'] };
  }
}

async function* csvEntries(path: string): AsyncGenerator<RawEntry | EntryIssue> {
  let header: EntryKey[] | undefined;
  for await (const record of parseCsv(readChunks(path))) {
    if (!header) {
      const names = record.fields.map((f) => f.trim().toLowerCase());
      const unknown = names.filter((n) => !isKey(n));
      if (unknown.length > 0) throw new UsageError(`line ${record.line}: the header has ${unknown.map(unknownKey).join('; ')}`);
      if (!names.includes('text')) throw new UsageError(`line ${record.line}: the header needs a "text" column (it has ${names.join(', ')})`);
      // `text,text`: which column would be spoken? Refused rather than silently taking the last.
      const twice = names.filter((n, i) => names.indexOf(n) !== i);
      if (twice.length > 0) throw new UsageError(`line ${record.line}: the header names ${[...new Set(twice)].map((n) => JSON.stringify(n)).join(', ')} more than once; which column to use is ambiguous`);
      header = names as EntryKey[];
      continue;
    }
    if (record.fields.length !== header.length) {
      yield { line: record.line, message: `${record.fields.length} fields where the header has ${header.length} (quote fields that contain commas)` };
      continue;
    }
    const fields: RawEntry['fields'] = {};
    header.forEach((key, i) => {
      if (record.fields[i] !== '' || key === 'id' || key === 'text') fields[key] = record.fields[i];
    });
    yield { line: record.line, fields };
  }
  if (!header) throw new UsageError('The CSV manifest is empty: it needs a header row with a "text" column.');
}
