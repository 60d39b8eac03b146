// Configuration that never gets stuck or sends a wrong type: empty variables count as unset, file
// values are type-checked with the key and profile named, a readable key file is warned about.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { API_KEY, runCli, startServer, tempDir, type TestContextLike } from './helpers.js';
import { modelArgs } from './model-args.js';

/** A config file of our own: its path and the environment that points at it. */
function configAt(t: TestContextLike, data?: object, mode = 0o600): { path: string; env: Record<string, string> } {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'cfg'), { mode: 0o700 });
  const path = join(dir, 'cfg', 'config.json');
  if (data) {
    writeFileSync(path, JSON.stringify(data));
    chmodSync(path, mode);
  }
  return { path, env: { SMALLEST_TTS_CONFIG: path, XDG_CACHE_HOME: join(dir, 'cache') } };
}

const MODEL = await modelArgs();
/** The model setting, in the config file, that the local server answers (see model-args.ts). */
const MODEL_CONFIG = MODEL.length ? { model: MODEL[1] } : {};
const TEXT = 'Dr. Grey checked the 3 reports. Mr. Brown signed them at 4.15 p.m.';

describe('the environment and the config file', () => {
  test('empty SMALLEST_API_KEY, SMALLEST_BASE_URL and SMALLEST_PROFILE count as unset: the config file applies', async (t) => {
    const server = await startServer(t);
    const { env } = configAt(t, { defaults: { 'api-key': API_KEY, 'base-url': server.url, ...MODEL_CONFIG, voice: 'emily' } });
    const out = join(tempDir(t), 'out.wav');
    const r = await runCli(['say', TEXT, '-o', out], { env: { ...env, SMALLEST_API_KEY: '', SMALLEST_BASE_URL: '', SMALLEST_PROFILE: '' } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests[0]?.body.voice_id, 'emily');
    assert.equal(server.upgrades[0]?.authorization, `Bearer ${API_KEY}`);
  });

  test('a number given as text in the file is converted, never sent as a string', async (t) => {
    const server = await startServer(t);
    const { env } = configAt(t, { defaults: { ...MODEL_CONFIG, speed: '1.5', 'sample-rate': '16000' } });
    const r = await runCli(['say', TEXT, '-o', join(tempDir(t), 'out.wav'), '--base-url', server.url, '--api-key', API_KEY], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests[0].body.speed, 1.5);
    assert.equal(server.requests[0].body.sample_rate, 16000);
  });

  test('a value of the wrong type names the key and the profile, and never shows the key', async (t) => {
    const cases: [object, string[], RegExp][] = [
      [{ defaults: { 'api-key': 123456789 } }, [], /^error: api-key in the defaults of the config file must be text in quotes \(got a number\)/],
      [{ defaults: {}, profiles: { fast: { speed: 'fast' } } }, ['--profile', 'fast'], /^error: speed in profile "fast" of the config file must be a number \(got "fast"\)/],
      [{ defaults: { math: 'perhaps' } }, [], /^error: math in the defaults of the config file must be on or off/],
      [{ defaults: { voice: ['emily'] } }, [], /^error: voice in the defaults of the config file must be a single value \(got a list\)/],
      [{ defaults: { speed: 3 } }, [], /^error: speed in the defaults of the config file must be between 0\.5 and 2 on lightning_v3\.1 \(got 3\)/],
    ];
    for (const [data, args, expected] of cases) {
      const { env } = configAt(t, data);
      const r = await runCli(['say', TEXT, '-o', '-', '--api-key', API_KEY, ...args], { env });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, expected);
      assert.doesNotMatch(r.stderr, /123456789/);
    }
  });

  test('a config file holding a key that others can read: one warning; none at mode 0600', async (t) => {
    const loose = configAt(t, { defaults: { 'api-key': API_KEY, voice: 'no such voice' } }, 0o644);
    const r = await runCli(['say', TEXT, '-o', '-'], { env: loose.env });
    assert.equal(r.stderr.match(/other users can read it/g)?.length, 1, r.stderr);
    assert.match(r.stderr, /chmod 600/);
    const tight = configAt(t, { defaults: { 'api-key': API_KEY, voice: 'no such voice' } }, 0o600);
    const ok = await runCli(['say', TEXT, '-o', '-'], { env: tight.env });
    assert.doesNotMatch(ok.stderr, /warning/);
  });
});

describe('config set', () => {
  test('never gets stuck: after a lightning-v2 value loses its model, every other key can still be set', async (t) => {
    const { env } = configAt(t);
    for (const args of [['model', 'lightning-v2'], ['consistency', '0.4']]) assert.equal((await runCli(['config', 'set', ...args], { env })).code, 0);
    assert.equal((await runCli(['config', 'unset', 'model'], { env })).code, 0);
    const settable: [string, string][] = [
      ['voice', 'emily'], ['speed', '1.3'], ['language', 'de'], ['sample-rate', '16000'], ['number-language', 'en'],
      ['math', 'on'], ['word-timestamps', 'off'], ['route', 'per-model'], ['api-key', 'sk-test-1234'],
    ];
    for (const [key, value] of settable) {
      const r = await runCli(['config', 'set', key, value], { env });
      assert.equal(r.code, 0, `${key}: ${r.stderr}`);
    }
    // Setting a lightning-v2 value itself without that model is refused, as its flag is.
    const similarity = await runCli(['config', 'set', 'similarity', '0.3'], { env });
    assert.equal(similarity.code, 2);
    assert.match(similarity.stderr, /^error: --similarity works only with model lightning-v2/);
    // Moving the model away from lightning-v2 keeps its values, with a note.
    await runCli(['config', 'set', 'model', 'lightning-v2'], { env });
    const away = await runCli(['config', 'set', 'model', 'lightning_v3.1'], { env });
    assert.equal(away.code, 0, away.stderr);
    assert.match(away.stderr, /note: consistency applies to lightning-v2 only; it is ignored with lightning_v3\.1/);
    const bad = await runCli(['config', 'set', 'speed', 'fast', '--profile', 'quick'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: --speed must be a number \(got "fast"\)/);
    const list = await runCli(['config', 'list'], { env });
    assert.match(list.stdout.toString(), /consistency\s+0\.4\n/);
  });
});
