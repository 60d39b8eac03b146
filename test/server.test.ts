import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import WebSocket from 'ws';
import { API_KEY, parseWav, runCli, startServer, tempDir } from './helpers.js';

type Json = Record<string, any>;

/** A raw client that knows nothing of the project's own client. */
async function rawSocket(url: string, key = API_KEY): Promise<{ ws: WebSocket; frames: Json[]; next: () => Promise<Json> }> {
  const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${key}` } });
  const frames: Json[] = [];
  const waiting: ((f: Json) => void)[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Json;
    const w = waiting.shift();
    if (w) w(frame);
    else frames.push(frame);
  });
  await once(ws, 'open');
  const next = () => (frames.length ? Promise.resolve(frames.shift()!) : new Promise<Json>((resolve) => waiting.push(resolve)));
  return { ws, frames, next };
}

async function request(socket: Awaited<ReturnType<typeof rawSocket>>, body: Json): Promise<{ chunks: Json[]; end: Json }> {
  socket.ws.send(JSON.stringify(body));
  const chunks: Json[] = [];
  for (;;) {
    const frame = await socket.next();
    if (frame.status === 'chunk') chunks.push(frame);
    else return { chunks, end: frame };
  }
}

const pcmOf = (chunks: Json[]) => Buffer.concat(chunks.map((c) => Buffer.from(c.data.audio, 'base64')));

describe('the local Waves server, spoken to by a raw ws client', () => {
  test('chunk frames of base64 PCM, then complete, with a request_id; several requests per socket', async (t) => {
    const server = await startServer(t, { chunkBytes: 333 });
    const socket = await rawSocket(`${server.url}/api/v1/lightning-v3.1/get_speech/stream`);
    t.after(() => socket.ws.terminate());
    for (const sampleRate of [8000, 44100]) {
      const { chunks, end } = await request(socket, { text: 'Hello world again', voice_id: 'sophia', sample_rate: sampleRate, complete_backoff_ms: 0 });
      assert.ok(chunks.length > 1);
      for (const c of chunks) {
        assert.deepEqual(Object.keys(c).sort(), ['data', 'request_id', 'status']);
        assert.equal(typeof c.request_id, 'string');
      }
      assert.deepEqual(end, { request_id: chunks[0].request_id, status: 'complete' });
      assert.ok(chunks.slice(0, -1).every((c) => Buffer.from(c.data.audio, 'base64').length === 333));
      // The tone engine gives each word 0.05 s per letter plus a 0.04 s gap, so the length is known exactly.
      const seconds = pcmOf(chunks).length / 2 / sampleRate;
      const expected = ['Hello', 'world', 'again'].reduce((s, w) => s + Math.round(0.05 * sampleRate * w.length) / sampleRate + Math.round(0.04 * sampleRate) / sampleRate, 0);
      assert.ok(Math.abs(seconds - expected) < 1e-9, `${seconds} s at ${sampleRate} Hz, expected ${expected}`);
    }
  });

  test('the /waves/v1 route works too; complete waits for complete_backoff_ms', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}/waves/v1/lightning-v2/get_speech/stream`);
    t.after(() => socket.ws.terminate());
    const started = Date.now();
    const { end } = await request(socket, { text: 'Tail', voice_id: 'sophia', complete_backoff_ms: 300 });
    assert.equal(end.status, 'complete');
    assert.ok(Date.now() - started >= 300, 'complete waits for the backoff');
  });

  test('invalid requests get error frames with a message and a code; the socket stays usable', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}/api/v1/lightning-v3.1/get_speech/stream`);
    t.after(() => socket.ws.terminate());
    const cases: [Json, RegExp][] = [
      [{ voice_id: 'sophia' }, /text is required/],
      [{ text: 'hi' }, /voice_id is required/],
      [{ text: 'hi', voice_id: 'sophia', speed: 3 }, /speed must be between 0\.5 and 2 on lightning-v3\.1/],
      [{ text: 'hi', voice_id: 'sophia', consistency: 0.5 }, /consistency works only with model lightning-v2/],
      [{ text: 'hi', voice_id: 'sophia', sample_rate: 22050 }, /sample_rate must be one of/],
      [{ text: 'hi', voice_id: 'sophia', language: 'xx' }, /language must be one of/],
      [{ text: 'hi', voice_id: 'sophia', speed: 'fast' }, /speed must be a number/],
    ];
    for (const [body, message] of cases) {
      const { chunks, end } = await request(socket, body);
      assert.equal(chunks.length, 0);
      assert.equal(end.status, 'error');
      assert.match(end.error.message, message);
      assert.equal(typeof end.error.code, 'string');
    }
    socket.ws.send('not json');
    assert.equal((await socket.next()).error.code, 'INVALID_REQUEST');
    const ok = await request(socket, { text: 'still fine', voice_id: 'sophia', complete_backoff_ms: 0 });
    assert.equal(ok.end.status, 'complete');
  });

  test('a wrong or missing key is refused with 401; unknown routes with 404', async (t) => {
    const server = await startServer(t);
    for (const [path, headers, status] of [
      ['/api/v1/lightning-v3.1/get_speech/stream', { Authorization: 'Bearer nope' }, 401],
      ['/api/v1/lightning-v3.1/get_speech/stream', {}, 401],
      ['/api/v1/lightning-v9/get_speech/stream', { Authorization: `Bearer ${API_KEY}` }, 404],
      ['/elsewhere', { Authorization: `Bearer ${API_KEY}` }, 404],
    ] as const) {
      const ws = new WebSocket(`${server.url}${path}`, { headers });
      const [, res] = await once(ws, 'unexpected-response');
      assert.equal(res.statusCode, status, path);
      ws.on('error', () => {});
      ws.terminate();
    }
  });

  test('GET get_voices answers the documented shape, behind the same key', async (t) => {
    const server = await startServer(t);
    const http = server.url.replace('ws:', 'http:');
    const ok = await fetch(`${http}/api/v1/lightning-v3.1/get_voices`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    assert.equal(ok.status, 200);
    const { voices } = (await ok.json()) as { voices: Json[] };
    assert.ok(voices.length > 0);
    for (const v of voices) {
      assert.equal(typeof v.voiceId, 'string');
      assert.equal(typeof v.displayName, 'string');
      assert.ok(Array.isArray(v.tags.language));
    }
    assert.equal((await fetch(`${http}/waves/v1/lightning-v3.1/get_voices`)).status, 401);
  });

  test('the idle timeout sends an error frame and closes; ?timeout= overrides it', async (t) => {
    const server = await startServer(t, { idleTimeoutMs: 60_000 });
    const socket = await rawSocket(`${server.url}/api/v1/lightning-v3.1/get_speech/stream?timeout=0.2`);
    const frame = await socket.next();
    assert.deepEqual(frame, { status: 'error', message: 'Connection timed out after 0.2 seconds of inactivity' });
    await once(socket.ws, 'close');
  });

  test('fault: time to first chunk and real-time pacing', async (t) => {
    const server = await startServer(t, { firstChunkDelayMs: 150, realtimeFactor: 4, chunkBytes: 1600 });
    const socket = await rawSocket(`${server.url}/api/v1/lightning-v3.1/get_speech/stream`);
    t.after(() => socket.ws.terminate());
    const started = performance.now();
    socket.ws.send(JSON.stringify({ text: 'paced words arrive slowly here', voice_id: 'sophia', sample_rate: 8000, complete_backoff_ms: 0 }));
    const first = await socket.next();
    const firstAt = performance.now() - started;
    let bytes = Buffer.from(first.data.audio, 'base64').length;
    for (let f = await socket.next(); f.status === 'chunk'; f = await socket.next()) bytes += Buffer.from(f.data.audio, 'base64').length;
    const total = performance.now() - started;
    const audioMs = (bytes / 2 / 8000) * 1000;
    assert.ok(firstAt >= 145, `first chunk after ${firstAt} ms`);
    assert.ok(total >= 150 + audioMs / 4 - 120, `paced: ${total} ms for ${audioMs} ms of audio`);
  });

  test('fault: drop after N chunks, on the first connection only by default', async (t) => {
    const server = await startServer(t, { dropAfterChunks: 2 });
    const first = await rawSocket(`${server.url}/api/v1/lightning-v3.1/get_speech/stream`);
    first.ws.send(JSON.stringify({ text: 'one two three four five six', voice_id: 'sophia', complete_backoff_ms: 0 }));
    const [code] = await once(first.ws, 'close');
    assert.equal(code, 1006);
    assert.equal(first.frames.filter((f) => f.status === 'chunk').length, 2);
    const second = await rawSocket(`${server.url}/api/v1/lightning-v3.1/get_speech/stream`);
    t.after(() => second.ws.terminate());
    const { end } = await request(second, { text: 'one two three four five six', voice_id: 'sophia', complete_backoff_ms: 0 });
    assert.equal(end.status, 'complete');
  });

  test('word_timestamp frames when a request asks; the socket closes after complete when told', async (t) => {
    const server = await startServer(t, { closeAfterComplete: true });
    const socket = await rawSocket(`${server.url}/api/v1/lightning-v3.1/get_speech/stream`);
    socket.ws.send(JSON.stringify({ text: 'three small words', voice_id: 'sophia', word_timestamps: true, complete_backoff_ms: 0 }));
    const frames: Json[] = [];
    for (let f = await socket.next(); ; f = await socket.next()) {
      frames.push(f);
      if (f.status === 'complete') break;
    }
    const stamps = frames.filter((f) => f.status === 'word_timestamp');
    assert.equal(stamps.length, frames.filter((f) => f.status === 'chunk').length);
    assert.deepEqual(Object.keys(stamps[0].data).sort(), ['end', 'id', 'start', 'word']);
    assert.ok(stamps[1].data.start >= stamps[0].data.end - 1e-9);
    const [code] = await once(socket.ws, 'close');
    assert.equal(code, 1000);
  });

  test('fault: a refused voice and a retired model', async (t) => {
    const server = await startServer(t, { refuseVoices: ['emily'], retiredModels: ['lightning-v2'] });
    const socket = await rawSocket(`${server.url}/api/v1/lightning-v3.1/get_speech/stream`);
    t.after(() => socket.ws.terminate());
    const { end } = await request(socket, { text: 'hi', voice_id: 'emily' });
    assert.deepEqual(end.error, { message: 'voice emily is not available', code: 'VOICE_NOT_FOUND' });
    const ws = new WebSocket(`${server.url}/api/v1/lightning-v2/get_speech/stream`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    const [, res] = await once(ws, 'unexpected-response');
    assert.equal(res.statusCode, 410);
    let body = '';
    for await (const part of res) body += part;
    assert.equal(JSON.parse(body).error_code, 'MODEL_DEPRECATED');
    ws.on('error', () => {});
    ws.terminate();
  });
});

describe('the offline voice', () => {
  function rms(pcm: Buffer): number {
    let sum = 0;
    for (let i = 0; i + 1 < pcm.length; i += 2) sum += pcm.readInt16LE(i) ** 2;
    return Math.sqrt(sum / (pcm.length / 2));
  }

  test('say --offline writes speech that is not silent and grows with the text', async (t) => {
    const dir = tempDir(t);
    const short = await runCli(['say', '--offline', 'Hello there.', '-o', join(dir, 'short.wav')]);
    const long = await runCli(['say', '--offline', 'Hello there. This sentence is a good deal longer than the first one was.', '-o', join(dir, 'long.wav'), '--sample-rate', '16000']);
    assert.equal(short.code, 0, short.stderr);
    assert.equal(long.code, 0, long.stderr);
    assert.equal(short.stderr, '', 'no warnings');
    const a = parseWav(readFileSync(join(dir, 'short.wav')));
    const b = parseWav(readFileSync(join(dir, 'long.wav')));
    assert.equal(a.sampleRate, 24000);
    assert.equal(b.sampleRate, 16000);
    const secondsA = a.data.length / 2 / a.sampleRate;
    const secondsB = b.data.length / 2 / b.sampleRate;
    assert.ok(secondsA > 0.4 && secondsA < 3, `short: ${secondsA} s`);
    assert.ok(secondsB > secondsA * 3, `long ${secondsB} s vs short ${secondsA} s`);
    assert.ok(rms(a.data) > 500 && rms(b.data) > 500, 'audible');
  });

  test('speed changes the speaking rate', async (t) => {
    const dir = tempDir(t);
    const text = 'The speed setting should make this sentence shorter or longer.';
    for (const [name, speed] of [['slow', '0.5'], ['fast', '2']]) {
      const r = await runCli(['say', '--offline', text, '--speed', speed, '-o', join(dir, `${name}.wav`)]);
      assert.equal(r.code, 0, r.stderr);
    }
    const slow = parseWav(readFileSync(join(dir, 'slow.wav'))).data.length;
    const fast = parseWav(readFileSync(join(dir, 'fast.wav'))).data.length;
    assert.ok(slow > fast * 2.5, `slow ${slow} bytes, fast ${fast} bytes`);
  });
});

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
      '--drop-after-chunks', '3', '--refuse-voice', 'ghost', '--retire-model', 'lightning-v2', '--idle-timeout', '1', '--word-timestamps'], {
      onSpawn: (child) => {
        child.stdout!.once('data', async (d: Buffer) => {
          const url = d.toString().trim();
          const route = `${url}/api/v1/lightning-v3.1/get_speech/stream`;
          const retired = new WebSocket(`${url}/api/v1/lightning-v2/get_speech/stream`);
          results.retired = (await once(retired, 'unexpected-response'))[1].statusCode;
          retired.on('error', () => {});
          retired.terminate();
          const a = await rawSocket(route, 'any-key');
          results.refused = (await request(a, { text: 'boo', voice_id: 'ghost' })).end.error.code;
          const started = performance.now();
          a.ws.send(JSON.stringify({ text: 'one two three four five six seven', voice_id: 'sophia', complete_backoff_ms: 0 }));
          const [code] = await once(a.ws, 'close');
          results.dropCode = code;
          results.dropMs = Math.round(performance.now() - started); // the first of its chunks waited 120 ms
          const chunks = a.frames.filter((f) => f.status === 'chunk');
          results.chunks = chunks.length;
          results.sizes = chunks.map((c) => Buffer.from(c.data.audio, 'base64').length);
          results.stamps = a.frames.filter((f) => f.status === 'word_timestamp').length;
          const b = await rawSocket(route, 'any-key');
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
    assert.equal(results.stamps, 3);
    assert.ok((results.dropMs as number) >= 115, `dropped after ${results.dropMs} ms, so the first chunk waited`);
    assert.equal(results.idle, 'Connection timed out after 1 seconds of inactivity');
  });

  test('a port in use is a clear usage error', async (t) => {
    const server = await startServer(t);
    const r = await runCli(['serve', '--port', String(server.port), '--engine', 'tone']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Port \d+ is in use/);
  });
});
