import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, tempDir } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; man?: unknown; bin: Record<string, string> };

/** What `npm pack` puts in the tarball (no build: dist/ is already built by `npm test`). */
function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
}

describe('the npm package', () => {
  test('the tarball holds the bin, the whole CLI bundle, the library, the man page; no sources or tests', () => {
    const files = packedFiles();
    for (const needed of [pkg.bin['smallest-tts'], 'dist/src/index.js', 'dist/src/index.d.ts', 'smallest-tts.1', 'LICENSE', 'README.md', 'package.json']) {
      assert.ok(files.includes(needed), needed);
    }
    for (const chunk of readdirSync(join(ROOT, 'dist', 'cli'))) assert.ok(files.includes(`dist/cli/${chunk}`), `dist/cli/${chunk}`);
    assert.deepEqual(files.filter((f) => /^(src|test|dist\/test|dist\/bench)\//.test(f)), []);
  });

  test('"man" is a list of paths ending in a section number: npm 11 links a string "man" nowhere on a global install', () => {
    assert.ok(Array.isArray(pkg.man), '"man" is an array');
    for (const path of pkg.man as string[]) assert.match(path, /\.1$/);
  });

  test('the unpacked tarball alone runs: say --offline -o a.ulaw, and man reads its page', async (t) => {
    const dir = tempDir(t);
    const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop()!;
    execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
    // The dependencies npm would install beside it: this checkout's.
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'package', 'node_modules'));
    const out = join(dir, 'a.ulaw');
    const r = spawnSync(process.execPath, [join(dir, 'package', pkg.bin['smallest-tts']), 'say', '--voice', 'liam', '--offline', 'hi', '-o', out], { encoding: 'utf8', timeout: 30_000, cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(readFileSync(out).length > 1000, 'μ-law audio written');
    if (spawnSync('man', ['--version']).status === 0) {
      const page = execFileSync('man', ['-l', join(dir, 'package', 'smallest-tts.1')], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '100', PAGER: 'cat' } });
      assert.match(page, /^SMALLEST-TTS\(1\)/m);
    }
  });
});
