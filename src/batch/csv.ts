// A streaming RFC 4180 reader: quoted fields with commas, doubled quotes and line breaks inside; records with their first line.
import { UsageError } from '../errors.js';

export interface CsvRecord {
  /** The 1-based line the record starts on. */
  line: number;
  fields: string[];
}

/**
 * Yields one record per row. A quote opens a quoted field only at the start of a field; a lone
 * quote inside a quoted field must be doubled. Blank rows are skipped. An unterminated quote is a
 * usage error naming the line it opened on.
 */
export async function* parseCsv(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  let fields: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field was quoted (its closing quote seen)
  let pendingQuote = false; // saw a quote inside a quoted field: a doubled quote or the closing one
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  const endRecord = function* (): Generator<CsvRecord> {
    fields.push(field);
    const blank = fields.length === 1 && fields[0] === '' && !wasQuoted;
    if (!blank) yield { line: recordLine, fields };
    fields = [];
    field = '';
    wasQuoted = false;
  };
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (pendingQuote) {
        pendingQuote = false;
        if (c === '"') {
          field += '"';
          continue;
        }
        quoted = false;
        wasQuoted = true;
      }
      if (quoted) {
        if (c === '"') pendingQuote = true;
        else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (c === '"' && field === '' && !wasQuoted) {
        quoted = true;
        quoteLine = line;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        wasQuoted = false;
      } else if (c === '\n') {
        if (field.endsWith('\r') && !wasQuoted) field = field.slice(0, -1);
        yield* endRecord();
        recordLine = ++line;
      } else if (c === '\r' && wasQuoted) {
        // the CR of a CRLF after a closing quote
      } else if (wasQuoted) {
        throw new UsageError(`line ${line}: text after a closing quote (a quote inside a quoted field is written "")`);
      } else {
        field += c;
      }
    }
  }
  if (pendingQuote) {
    quoted = false;
    wasQuoted = true;
  }
  if (quoted) throw new UsageError(`line ${quoteLine}: a quoted field is never closed`);
  if (field !== '' || fields.length > 0 || wasQuoted) yield* endRecord();
}
