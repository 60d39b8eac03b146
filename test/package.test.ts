import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, moduleTrace, runCli, serverArgs, startServer, tempDir, type TestContextLike } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; man?: unknown; bin: Record<string, string> };

/** What `npm pack` puts in the tarball (no build: dist/ is already built by `npm test`). */
function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
}

describe('the npm package', () => {
  test('the tarball holds the bin, the whole CLI bundle, the library, the man page; no sources or tests', () => {
    const files = packedFiles();
    for (const needed of [pkg.bin['smallest-tts'], 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/testing.js', 'dist/src/testing.d.ts', 'smallest-tts.1', 'LICENSE', 'README.md', 'package.json']) {
      assert.ok(files.includes(needed), needed);
    }
    for (const chunk of readdirSync(join(ROOT, 'dist', 'cli'))) assert.ok(files.includes(`dist/cli/${chunk}`), `dist/cli/${chunk}`);
    assert.deepEqual(files.filter((f) => /^(src|test|dist\/test|dist\/bench)\//.test(f)), []);
  });

  test('"man" is a list of paths ending in a section number: npm 11 links a string "man" nowhere on a global install', () => {
    assert.ok(Array.isArray(pkg.man), '"man" is an array');
    for (const path of pkg.man as string[]) assert.match(path, /\.1$/);
  });

  test('the unpacked tarball alone runs: say --offline -o a.ulaw, man reads its page, a program imports both entries by name', async (t) => {
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
    // A program beside it imports the library and the test servers by the package's name.
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(join(dir, 'package'), join(dir, 'node_modules', pkg.name));
    writeFileSync(join(dir, 'entries.mjs'), [
      `const face = await import('${pkg.name}');`,
      `const testing = await import('${pkg.name}/testing');`,
      'console.log(JSON.stringify({ face: Object.keys(face), testing: Object.keys(testing) }));',
    ].join('\n'));
    const entries = spawnSync(process.execPath, [join(dir, 'entries.mjs')], { encoding: 'utf8', timeout: 30_000, cwd: dir });
    assert.equal(entries.status, 0, entries.stderr);
    const { face, testing } = JSON.parse(entries.stdout) as { face: string[]; testing: string[] };
    for (const name of ['WavesClient', 'synthesizeToSink', 'WavFileSink', 'openFileSink', 'buildCues', 'fetchVoices', 'SmallestTtsError']) assert.ok(face.includes(name), name);
    assert.deepEqual(testing.sort(), ['ToneEngine', 'startOfflineServer', 'startWavesServer']);
    assert.deepEqual(face.filter((name) => testing.includes(name)), []);
  });
});

describe('the bundle at start-up (each file is a module load: half a millisecond or more)', () => {
  /** The files of dist/cli/ a run of the CLI loads. */
  async function bundleFilesLoaded(t: TestContextLike, args: string[], extraEnv: Record<string, string> = {}): Promise<string[]> {
    const trace = moduleTrace(tempDir(t));
    const r = await runCli(args, { env: { ...trace.env, ...extraEnv } });
    assert.equal(r.code, 0, r.stderr);
    return [...new Set(trace.loaded().split('\n').filter((url) => url.includes('/dist/cli/')))];
  }

  test('regression: --help loaded 13 bundle files; main and one chunk now', async (t) => {
    const files = await bundleFilesLoaded(t, ['--help']);
    assert.ok(files.some((f) => f.endsWith('/dist/cli/main.js')), 'the trace works');
    assert.ok(files.length <= 2, files.join('\n'));
  });

  test('regression: a short say to WAV loaded 36 bundle files; at most 10 now, and light commands load none of its socket code', async (t) => {
    const server = await startServer(t);
    const out = join(tempDir(t), 'short.wav');
    const say = await bundleFilesLoaded(t, ['say', 'Hello there.', '-o', out, ...serverArgs(server)]);
    assert.ok(say.length <= 10, `${say.length} files:\n${say.join('\n')}`);
    // Nor do the light commands, or an error report, load the socket's code (what makes say fast).
    const socketCode = (files: string[]) => files.filter((url) => readFileSync(new URL(url), 'utf8').includes('node_modules/ws/lib/websocket.js'));
    assert.equal(socketCode(say).length, 1, 'the check sees the socket code');
    for (const args of [['voices', ...serverArgs(server)], ['languages'], ['config', 'path']]) {
      assert.deepEqual(socketCode(await bundleFilesLoaded(t, args)), [], args.join(' '));
    }
    const trace = moduleTrace(tempDir(t));
    const failed = await runCli(['config', 'get', 'no-such-key'], { env: trace.env });
    assert.equal(failed.code, 2, failed.stderr);
    assert.deepEqual(socketCode([...new Set(trace.loaded().split('\n').filter((url) => url.includes('/dist/cli/')))]), [], 'an error report');
  });
});
