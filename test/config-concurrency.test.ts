// Issue 19, rows 10 and 13 (--profile): concurrent `config set` keep every update; reserved profile names are refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, serverArgs, startServer, tempDir } from './helpers.js';

describe('config writes are serialized', () => {
  test('12 concurrent `config set speed … --profile pN` keep all 12 profiles (regression: 7–11 of 12 kept)', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'config.json');
    const speeds = Array.from({ length: 12 }, (_, i) => (0.6 + i * 0.1).toFixed(1));
    const runs = await Promise.all(speeds.map((speed, i) => runCli(['config', 'set', 'speed', speed, '--profile', `p${i + 1}`], { env: { SMALLEST_TTS_CONFIG: path } })));
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { profiles: Record<string, { speed: number }> };
    assert.deepEqual(
      Object.fromEntries(Object.entries(saved.profiles).sort(([a], [b]) => Number(a.slice(1)) - Number(b.slice(1)))),
      Object.fromEntries(speeds.map((speed, i) => [`p${i + 1}`, { speed: Number(speed) }])),
    );
    assert.deepEqual(readdirSync(dir), ['config.json'], 'a lock or temporary file was left');
  });

  test('a lock left by a process that died is taken over', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'config.json');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(`${path}.lock`, `${gone}\n`);
    const r = await runCli(['config', 'set', 'voice', 'emily'], { env: { SMALLEST_TTS_CONFIG: path }, timeoutMs: 5000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(readFileSync(path, 'utf8')) as { defaults: { voice: string } }).defaults.voice, 'emily');
    assert.ok(!existsSync(`${path}.lock`));
  });
});

describe('reserved profile names (regression: --profile __proto__ was accepted)', () => {
  for (const name of ['__proto__', 'constructor', 'prototype']) {
    test(`--profile ${name}: config set and say refuse it (exit 2), nothing written or sent`, async (t) => {
      const dir = tempDir(t);
      const path = join(dir, 'config.json');
      writeFileSync(path, '{"defaults":{},"profiles":{}}\n');
      const set = await runCli(['config', 'set', 'speed', '1.2', '--profile', name], { env: { SMALLEST_TTS_CONFIG: path } });
      assert.equal(set.code, 2, set.stderr);
      assert.match(set.stderr, /cannot be a profile name/);
      assert.equal(readFileSync(path, 'utf8'), '{"defaults":{},"profiles":{}}\n');
      const server = await startServer(t);
      const say = await runCli(['say', 'Hello.', '-o', join(dir, 'a.wav'), '--profile', name, ...serverArgs(server)], { env: { SMALLEST_TTS_CONFIG: path } });
      assert.equal(say.code, 2, say.stderr);
      assert.match(say.stderr, /cannot be a profile name/);
      assert.equal(server.upgrades.length, 0);
    });
  }
});
