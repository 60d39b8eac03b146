import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('only src/cli/ touches the terminal, argv, process.exit or the CLI packages', () => {
  const forbidden = /process\.(exit|argv|stdout|stderr|stdin)\b|console\.|from '(commander|chalk|ora)'|node:readline/;
  const offenders = sources(join(ROOT, 'src'))
    .map((file) => relative(ROOT, file))
    .filter((file) => !file.startsWith('src/cli/'))
    .filter((file) => forbidden.test(readFileSync(join(ROOT, file), 'utf8')));
  assert.deepEqual(offenders, []);
});
