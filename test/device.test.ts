import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, sentPcm, serverArgs, speakerInstalled, startServer, tempDir, type TestContextLike } from './helpers.js';


/** A HOME whose ALSA config has a named device `tap` and a default, each captured to its own file. */
function twoDevices(t: TestContextLike): { home: string; tap: string; fallback: string } {
  const home = tempDir(t);
  const tap = join(home, 'tap.raw');
  const fallback = join(home, 'default.raw');
  writeFileSync(
    join(home, '.asoundrc'),
    `pcm.tap { type file; slave.pcm "null"; file "${tap}"; format "raw" }\n` +
      `pcm.!default { type file; slave.pcm "null"; file "${fallback}"; format "raw" }\n`,
  );
  return { home, tap, fallback };
}

const played = (path: string) => (existsSync(path) ? readFileSync(path) : Buffer.alloc(0));

describe('--device', { skip: speakerInstalled ? false : 'the optional speaker package is not installed' }, () => {
  test('say --device tap: exactly the audio on tap, nothing on the default device', async (t) => {
    const server = await startServer(t, { chunkBytes: 1234 });
    const { home, tap, fallback } = twoDevices(t);
    const r = await runCli(['say', 'Played on a named device.', '--device', 'tap', ...serverArgs(server)], { env: { HOME: home } });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(sentPcm(server).length > 0);
    assert.deepEqual(played(tap), sentPcm(server));
    assert.equal(played(fallback).length, 0);
  });

  test('a device that does not exist: a clear error naming it, exit 1, and no request spent', async (t) => {
    const server = await startServer(t);
    const { home } = twoDevices(t);
    const r = await runCli(['say', 'Hello.', '--device', 'nosuch', ...serverArgs(server)], { env: { HOME: home } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ALSA device "nosuch" does not exist or cannot be opened \(`aplay -L` lists the devices\)/);
    assert.equal(server.requests.length, 0);
  });

  test('the config key `device` is used when no flag is given', async (t) => {
    const server = await startServer(t);
    const { home, tap, fallback } = twoDevices(t);
    const env = { HOME: home, SMALLEST_TTS_CONFIG: join(home, 'config.json') };
    assert.equal((await runCli(['config', 'set', 'device', 'tap'], { env })).code, 0);
    const r = await runCli(['say', 'From the config file.', ...serverArgs(server)], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(played(tap), sentPcm(server));
    assert.equal(played(fallback).length, 0);
  });

  test('repl --device tap plays the lines on tap', async (t) => {
    const server = await startServer(t);
    const { home, tap, fallback } = twoDevices(t);
    const r = await runCli(['repl', '--device', 'tap', ...serverArgs(server)], { env: { HOME: home }, stdin: 'First line.\nSecond line.\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(played(tap), sentPcm(server));
    assert.equal(played(fallback).length, 0);
  });
});
