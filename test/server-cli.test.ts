// `smallest-tts serve` as a process: its URL on stdout, its flags reaching the server, its start-up errors.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import WebSocket from 'ws';
import { runCli, startServer } from './helpers.js';
import { rawSocket, refusedUpgrade, request } from './raw-ws.js';

describe('smallest-tts serve', () => {
  test('prints its URL, serves the routes, requires --api-key when given, stops on SIGINT', async () => {
    let url = '';
    let closedCode: number | null = -1;
    const r = await runCli(['serve', '--port', '0', '--engine', 'tone', '--api-key', 'serve-key'], {
      onSpawn: (child) => {
        child.stdout!.on('data', async (d: Buffer) => {
          url = d.toString().trim();
          const refused = new WebSocket(`${url}/api/v1/lightning-v3.1/get_speech/stream`, { headers: { Authorization: 'Bearer other' } });
          const [, res] = await once(refused, 'unexpected-response');
          closedCode = res.statusCode ?? null;
          refused.on('error', () => {});
          refused.terminate();
          const socket = await rawSocket(`${url}/api/v1/lightning-v3.1/get_speech/stream`, 'serve-key');
          const { end } = await request(socket, { text: 'served', voice_id: 'sophia', complete_backoff_ms: 0 });
          assert.equal(end.status, 'complete');
          socket.ws.close();
          await once(socket.ws, 'close');
          child.kill('SIGINT');
        });
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(closedCode, 401);
    assert.match(r.stderr, /listening on ws:\/\/127\.0\.0\.1/);
    assert.match(r.stderr, /request sophia en 24000Hz 6 chars/);
    assert.ok(!r.stderr.includes('serve-key'));
  });

  test('its fault flags reach the server', async () => {
    const results: Record<string, unknown> = {};
    const r = await runCli(['serve', '--port', '0', '--engine', 'tone', '--quiet', '--chunk-bytes', '333', '--first-chunk-delay', '120',
      '--drop-after-chunks', '3', '--refuse-voice', 'ghost', '--idle-timeout', '1', '--word-timestamps', '--max-connections', '2'], {
      onSpawn: (child) => {
        child.stdout!.once('data', async (d: Buffer) => {
          const url = d.toString().trim();
          const route = `${url}/api/v1/lightning-v3.1/get_speech/stream`;
          results.retired = (await refusedUpgrade(`${url}/api/v1/lightning-v2/get_speech/stream`, {})).status;
          const a = await rawSocket(route, 'any-key');
          results.refused = (await request(a, { text: 'Boo!', voice_id: 'ghost' })).end.error.code;
          const started = performance.now();
          a.send({ text: 'One two three four five six seven, counted Mr. Brown.', voice_id: 'sophia', complete_backoff_ms: 0 });
          const [code] = await once(a.ws, 'close');
          results.dropCode = code;
          results.dropMs = Math.round(performance.now() - started); // the first of its chunks waited 120 ms
          const chunks = a.all.filter((f) => f.status === 'chunk');
          results.chunks = chunks.length;
          results.sizes = chunks.map((c) => Buffer.from(c.data.audio, 'base64').length);
          results.stamps = a.all.filter((f) => f.status === 'word_timestamp').map((f) => f.data.word);
          const b = await rawSocket(route, 'any-key');
          const c = await rawSocket(route, 'any-key');
          results.third = (await refusedUpgrade(route, {})).status;
          c.ws.terminate();
          results.idle = (await b.next()).message;
          child.kill('SIGINT');
        });
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(results.retired, 410);
    assert.equal(results.refused, 'VOICE_NOT_FOUND');
    assert.equal(results.dropCode, 1006);
    assert.equal(results.chunks, 3);
    assert.deepEqual(results.sizes, [333, 333, 333]);
    // Unasked, the words come anyway; each precedes the chunk holding its start (a word lasts several chunks).
    assert.deepEqual(results.stamps, ['One']);
    assert.ok((results.dropMs as number) >= 115, `dropped after ${results.dropMs} ms, so the first chunk waited`);
    assert.equal(results.third, 429);
    assert.equal(results.idle, 'Connection timed out after 1 seconds of inactivity');
  });

  test('the newer fault flags: stall, close-with, ignore-blank, foreign frames, max-active, retire-model none', async () => {
    const results: Record<string, unknown> = {};
    const r = await runCli(['serve', '--port', '0', '--engine', 'tone', '--quiet', '--stall-after-chunks', '1', '--ignore-blank', '--foreign-frames',
      '--max-active', '1', '--retire-model', 'none'], {
      onSpawn: (child) => {
        child.stdout!.once('data', async (d: Buffer) => {
          const url = d.toString().trim();
          const a = await rawSocket(`${url}/waves/v1/lightning-v2/get_speech/stream`, 'k');
          a.send({ text: 'Good morning, Mrs. Patel. Your order has shipped.', voice_id: 'sophia', complete_backoff_ms: 0 });
          const foreign = await a.next();
          const real = await a.next();
          results.ids = [foreign.request_id === real.request_id, foreign.external_request_id];
          const b = await rawSocket(`${url}/waves/v1/tts/live`, 'k');
          results.limit = (await request(b, { text: 'Me too, please.', voice_id: 'sophia' })).end.error.code;
          b.send({ text: '   ', voice_id: 'sophia', complete_backoff_ms: 0 });
          b.send({ text: 'hi', voice_id: 'sophia', speed: 9 });
          results.afterBlank = (await b.next()).error.message; // the blank one got no answer at all
          results.stalled = a.all.length; // one foreign and one real chunk, then nothing
          a.ws.terminate();
          child.kill('SIGINT');
        });
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(results.ids, [false, 'foreign-request']);
    assert.equal(results.limit, 'CONCURRENCY_LIMIT');
    assert.match(results.afterBlank as string, /speed must be between/);
    assert.equal(results.stalled, 2);
  });

  test('--close-with closes with that code and reason', async () => {
    let closed: unknown[] = [];
    const r = await runCli(['serve', '--port', '0', '--engine', 'tone', '--quiet', '--close-with', '4401:unauthorised', '--close-after-chunks', '1'], {
      onSpawn: (child) => {
        child.stdout!.once('data', async (d: Buffer) => {
          const a = await rawSocket(`${d.toString().trim()}/waves/v1/tts/live`, 'k');
          a.send({ text: 'Please hold the line, Ms. Rivera.', voice_id: 'sophia', complete_backoff_ms: 0 });
          const [code, reason] = await once(a.ws, 'close');
          closed = [code, String(reason), a.all.filter((f) => f.status === 'chunk').length];
          child.kill('SIGINT');
        });
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(closed, [4401, 'unauthorised', 1]);
  });

  test('--release-mode fragment: one release per fragment; sentence (the default) splits it; documented in --help; a bad mode is a usage error', async () => {
    const text = 'The first sentence is long enough to stand alone. So is the second one, by a little.';
    const releases = async (args: string[]) => {
      let completes = -1;
      const r = await runCli(['serve', '--port', '0', '--engine', 'tone', '--quiet', ...args], {
        onSpawn: (child) => {
          child.stdout!.once('data', async (d: Buffer) => {
            const a = await rawSocket(`${d.toString().trim()}/waves/v1/tts/live`, 'k');
            a.send({ text, voice_id: 'sophia', context_id: 'c', continue: true, complete_backoff_ms: 0, max_buffer_delay_ms: 0 });
            // Runs on a socket are spoken in turn: this one-shot's complete comes after every release's.
            a.send({ text: 'End.', voice_id: 'sophia', complete_backoff_ms: 0, request_id: 'marker' });
            while (a.all.at(-1)?.external_request_id !== 'marker' || a.all.at(-1)?.status !== 'complete') await a.next();
            completes = a.all.filter((f) => f.status === 'complete').length - 1;
            a.ws.terminate();
            child.kill('SIGINT');
          });
        },
      });
      assert.equal(r.code, 0, r.stderr);
      return completes;
    };
    assert.equal(await releases(['--release-mode', 'fragment']), 1);
    assert.equal(await releases([]), 2);
    const help = await runCli(['serve', '--help']);
    assert.match(help.stdout.toString().replace(/\s+/g, ' '), /--release-mode <mode> how a context releases text: sentence .* or fragment \(fault: one release per fragment/);
    const bad = await runCli(['serve', '--release-mode', 'word', '--engine', 'tone']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--release-mode.*word/);
  });

  test('a port in use, an unresolvable host: one line, exit 1; port 70000: usage error, exit 2', async (t) => {
    const server = await startServer(t);
    const inUse = await runCli(['serve', '--port', String(server.port), '--engine', 'tone']);
    assert.equal(inUse.code, 1);
    assert.match(inUse.stderr, /Port \d+ on 127\.0\.0\.1 is in use/);
    const host = await runCli(['serve', '--port', '0', '--host', 'no-such-host.invalid', '--engine', 'tone']);
    assert.equal(host.code, 1);
    assert.match(host.stderr, /no-such-host\.invalid could not be resolved/);
    const port = await runCli(['serve', '--port', '70000', '--engine', 'tone']);
    assert.equal(port.code, 2);
    assert.match(port.stderr, /must be 0–65535/);
    for (const run of [inUse, host]) assert.ok(!/\n\s+at /.test(run.stderr), `no stack trace: ${run.stderr}`);
  });
});
