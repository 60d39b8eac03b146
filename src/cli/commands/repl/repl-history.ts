// The prompt's history file: the last 500 lines, newest last on disk.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { historyPath } from '../../config/paths.js';

export function loadHistory(): string[] {
  try {
    return readFileSync(historyPath(), 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500);
  } catch {
    return [];
  }
}

export function saveHistory(history: string[]): void {
  try {
    mkdirSync(dirname(historyPath()), { recursive: true, mode: 0o700 });
    writeFileSync(historyPath(), `${[...history].reverse().join('\n')}\n`, { mode: 0o600 });
  } catch {
    // History is a convenience; a read-only home must not break the REPL.
  }
}
