// Issue 19, rows 11 and 13: `serve` on a non-loopback address needs a key (or --allow-anonymous);
// its numbers are checked (timer limits, handshake > 0, decimal ports); batch -c 11 warns of no leak.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, serverArgs, startServer, tempDir, type RunResult } from './helpers.js';

/** Runs `serve` with `args`; once it prints its URL, stops it with SIGINT (a moment later: its handler goes on just after). */
function serve(args: string[]): Promise<RunResult> {
  return runCli(['serve', '--engine', 'tone', '--port', '0', ...args], {
    timeoutMs: 10_000,
    onSpawn: (child) => child.stdout!.once('data', () => setTimeout(() => child.kill('SIGINT'), 200)),
  });
}

describe('serve refuses to listen beyond this machine without a key (regression: any key accepted on every interface, no warning)', () => {
  for (const host of ['0.0.0.0', '', '::', '10.255.255.1']) {
    test(`--host ${JSON.stringify(host)} without --api-key: exit 2, saying how to allow it, nothing listening`, async () => {
      const r = await serve(['--host', host]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout.length, 0, 'it printed a URL');
      assert.match(r.stderr, /listens beyond this machine/);
      assert.match(r.stderr, /--api-key KEY/);
      assert.match(r.stderr, /--allow-anonymous/);
    });
  }

  test('--host 0.0.0.0 with --api-key, or with --allow-anonymous (then with a warning), listens', async () => {
    const keyed = await serve(['--host', '0.0.0.0', '--api-key', 'serve-key-123']);
    assert.equal(keyed.code, 0, keyed.stderr);
    assert.match(keyed.stdout.toString(), /^ws:\/\/0\.0\.0\.0:\d+\n$/);
    assert.ok(!/warning/.test(keyed.stderr), keyed.stderr);
    const open = await serve(['--host', '0.0.0.0', '--allow-anonymous']);
    assert.equal(open.code, 0, open.stderr);
    assert.match(open.stderr, /warning: --allow-anonymous: any machine that reaches 0\.0\.0\.0 may use this server/);
  });

  for (const host of ['localhost', '::1', '127.0.0.2']) {
    test(`--host ${host} (loopback) needs no key`, async () => {
      const r = await serve(['--host', host]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.toString(), /^ws:\/\//);
    });
  }
});

describe('serve and batch check their numbers (regression: 1e12 ms became ~1 ms, a handshake timeout of 0 reset every socket, 0x50 was port 80)', () => {
  const refused: [string[], RegExp][] = [
    [['--first-chunk-delay', '1e12'], /--first-chunk-delay must be a whole number/],
    [['--first-chunk-delay', '2147483648'], /--first-chunk-delay must be 0–2147483647 ms/],
    [['--segment-delay', '99999999999'], /--segment-delay must be 0–2147483647 ms/],
    [['--handshake-timeout', '0'], /--handshake-timeout must be 1–2147483647 ms/],
    [['--idle-timeout', '3000000'], /--idle-timeout must be at most 2147483 seconds/],
    [['--port', '0x50'], /--port must be 0–65535/],
    [['--port', '8e1'], /--port must be 0–65535/],
    [['--chunk-bytes', '0b11'], /--chunk-bytes must be a whole number/],
  ];
  for (const [args, message] of refused) {
    test(`serve ${args.join(' ')}: exit 2, no timer warning`, async () => {
      const r = await serve(args.includes('--port') ? args : ['--port', '0', ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.ok(!/TimeoutOverflowWarning/.test(r.stderr), r.stderr);
      assert.equal(r.stdout.length, 0);
    });
  }

  test('the largest delay a timer holds is accepted', async () => {
    const r = await serve(['--first-chunk-delay', '2147483647', '--handshake-timeout', '2147483647']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!/TimeoutOverflowWarning/.test(r.stderr), r.stderr);
  });

  test('batch -c 11 prints no MaxListenersExceededWarning', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    writeFileSync(join(dir, 'm.txt'), Array.from({ length: 22 }, (_, i) => `Line ${i + 1}.`).join('\n'));
    const r = await runCli(['batch', join(dir, 'm.txt'), '--out-dir', join(dir, 'out'), '-c', '11', '--max-sockets', '11', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /22 written/);
    assert.ok(!/MaxListeners|memory leak/.test(r.stderr), r.stderr);
  });
});
