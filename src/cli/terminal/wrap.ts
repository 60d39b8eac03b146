// Text wrapped to a terminal's width at spaces only: a word, a flag or a code is never cut in two.

/** Wraps `text` into lines of at most `width` columns (a longer word gets a line of its own), each after `indent`. */
export function wrapWords(text: string, width: number, indent = ''): string[] {
  const room = Math.max(1, width - indent.length);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= room) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => `${indent}${l}`);
}

/**
 * A two-column list (name, then what it does) fitted to `width`: descriptions wrap under their
 * own column; on a narrow terminal each description goes under its name instead. A description
 * may hold several paragraphs (`\n`), each starting a new line.
 */
export function formatColumns(rows: readonly (readonly [string, string])[], width: number, gap = 2): string {
  const nameWidth = Math.max(...rows.map(([name]) => name.length));
  const column = 2 + nameWidth + gap;
  const side = width - column >= 24;
  const out: string[] = [];
  for (const [name, description] of rows) {
    const indent = ' '.repeat(side ? column : 6);
    const body = description.split('\n').flatMap((paragraph) => wrapWords(paragraph, width, indent));
    if (side) out.push(`  ${name.padEnd(nameWidth + gap)}${(body[0] ?? '').slice(column)}`, ...body.slice(1));
    else out.push(`  ${name}`, ...body);
  }
  return out.map((l) => l.trimEnd()).join('\n');
}
