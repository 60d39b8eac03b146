// CSV manifests through csv-parse (streaming, RFC 4180): records with the line each starts on, problems as usage errors.
import { Readable } from 'node:stream';
import { parse, type CsvError, type Options } from 'csv-parse';
import { UsageError } from '../../core/errors.js';

interface CsvRecord {
  /** The 1-based line the record starts on. */
  line: number;
  fields: string[];
}

const LINE_BREAK = /\r\n|\n|\r/g;
const breaks = (fields: readonly string[]) => fields.reduce((n, f) => n + (f.match(LINE_BREAK)?.length ?? 0), 0);
const crlfs = (fields: readonly string[]) => fields.reduce((n, f) => n + (f.match(/\r\n/g)?.length ?? 0), 0);

/**
 * Yields one record per row. Quoted fields may hold commas, doubled quotes and line breaks; a quote
 * inside an unquoted field is kept as text (hand-written manifests: `1,He said "hi"`); rows may have
 * any number of fields (the caller compares them with the header); blank rows are skipped. An
 * unterminated quote is a usage error naming the line its record starts on. Rows end with CRLF or
 * LF, mixed as they come.
 */
export async function* parseCsv(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  // csv-parse counts the CRLF inside a quoted field as two lines: `shift` takes those back. Records are
  // numbered as they are parsed, so an error still knows where the last good one ended.
  let shift = 0;
  let lastEnd = 0;
  const options: Options<CsvRecord, string[]> = {
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n'],
    on_record: (fields: string[], context): CsvRecord => {
      shift += crlfs(fields);
      lastEnd = context.lines - shift;
      return { line: lastEnd - breaks(fields), fields };
    },
  };
  const parser = parse(options as unknown as Options);
  const source = Readable.from(chunks, { objectMode: false });
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  try {
    yield* parser as AsyncIterable<CsvRecord>;
  } catch (error) {
    const csvError = error as CsvError;
    if (csvError.code === 'CSV_QUOTE_NOT_CLOSED') throw new UsageError(`line ${lastEnd + 1}: a quoted field is never closed`);
    if (typeof csvError.code === 'string' && csvError.code.startsWith('CSV_')) throw new UsageError(`CSV: ${csvError.message}`);
    throw error;
  } finally {
    source.destroy();
    parser.destroy();
  }
}
