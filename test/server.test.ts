// The local server's routes, message shapes, errors and classic faults, spoken to by a raw ws client; the offline voice.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { API_KEY, parseWav, runCli, startServer, tempDir, waitFor } from './helpers.js';
import { pcmOf, rawSocket, refusedUpgrade, request, type Json } from './raw-ws.js';

/** The body the API documents for a retired model's routes (waves-protocol.md, A2), verbatim. */
const RETIRED_BODY = '{"status":"error","error_code":"MODEL_DEPRECATED","message":"This model is retired. Please migrate to lightning-v3.1 via /waves/v1/lightning-v3.1/get_speech.","recommended_endpoint":"/waves/v1/lightning-v3.1/get_speech"}';

describe('the local Waves server, spoken to by a raw ws client', () => {
  test('chunk frames of base64 PCM, then complete, with ids; several requests per socket', async (t) => {
    const server = await startServer(t, { chunkBytes: 333 });
    const socket = await rawSocket(`${server.url}/api/v1/lightning-v3.1/get_speech/stream`);
    t.after(() => socket.ws.terminate());
    for (const sampleRate of [8000, 44100]) {
      const { chunks, end } = await request(socket, { text: 'Hello world again', voice_id: 'sophia', sample_rate: sampleRate, complete_backoff_ms: 0 });
      assert.ok(chunks.length > 1);
      for (const c of chunks) {
        assert.deepEqual(Object.keys(c).sort(), ['data', 'request_id', 'session_id', 'status']);
        assert.match(c.request_id, /^task_/);
        assert.match(c.session_id, /^ws_/);
      }
      assert.deepEqual(end, { session_id: chunks[0].session_id, request_id: chunks[0].request_id, status: 'complete' });
      assert.ok(chunks.slice(0, -1).every((c) => Buffer.from(c.data.audio, 'base64').length === 333));
      // The tone engine gives each word 0.05 s per letter plus a 0.04 s gap, so the length is known exactly.
      const seconds = pcmOf(chunks).length / 2 / sampleRate;
      const expected = ['Hello', 'world', 'again'].reduce((s, w) => s + Math.round(0.05 * sampleRate * w.length) / sampleRate + Math.round(0.04 * sampleRate) / sampleRate, 0);
      assert.ok(Math.abs(seconds - expected) < 1e-9, `${seconds} s at ${sampleRate} Hz, expected ${expected}`);
    }
    assert.deepEqual(server.requests.map((r) => r.model), ['lightning_v3.1', 'lightning_v3.1']);
  });

  test('the /waves/v1 prefix works too; complete waits for complete_backoff_ms; the per-model default rate is 24000', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}/waves/v1/lightning-v3.1-pro/get_speech/stream`);
    t.after(() => socket.ws.terminate());
    const started = Date.now();
    const { chunks, end } = await request(socket, { text: 'Tail end.', voice_id: 'sophia', complete_backoff_ms: 300 });
    assert.equal(end.status, 'complete');
    assert.ok(Date.now() - started >= 300, 'complete waits for the backoff');
    const expected = ['Tail', 'end.'].reduce((s, w) => s + Math.round(0.05 * 24000 * w.length) + Math.round(0.04 * 24000), 0);
    assert.equal(pcmOf(chunks).length / 2, expected);
    assert.equal(server.requests[0].model, 'lightning_v3.1_pro');
  });

  test('invalid requests get error frames with a message and a code; the socket stays usable', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}/api/v1/lightning-v3.1/get_speech/stream`);
    t.after(() => socket.ws.terminate());
    const cases: [Json, RegExp][] = [
      [{ voice_id: 'sophia' }, /text is required/],
      [{ text: 'hi' }, /voice_id is required/],
      [{ text: 'hi', voice_id: 'sophia', speed: 3 }, /speed must be between 0\.5 and 2 on lightning_v3\.1/],
      [{ text: 'hi', voice_id: 'sophia', consistency: 0.5 }, /consistency works only with model lightning-v2/],
      [{ text: 'hi', voice_id: 'sophia', sample_rate: 22050 }, /sample_rate must be one of/],
      [{ text: 'hi', voice_id: 'sophia', language: 'xx' }, /language must be one of/],
      [{ text: 'hi', voice_id: 'sophia', speed: 'fast' }, /speed must be a number/],
      [{ text: 'hi', voice_id: 'sophia', request_id: 'has spaces' }, /request_id must match/],
      [{ text: 'hi', voice_id: 'sophia', complete_backoff_ms: 20_000 }, /complete_backoff_ms must be between 0 and 10000/],
      [{ text: 'hi', voice_id: 'sophia', number_pronunciation_language: 'ja' }, /number_pronunciation_language must be one of/],
      [{ text: 'hi', voice_id: 'sophia', math_notation: 'yes' }, /math_notation must be true or false/],
    ];
    for (const [body, message] of cases) {
      const { chunks, end } = await request(socket, body);
      assert.equal(chunks.length, 0);
      assert.equal(end.status, 'error');
      assert.match(end.error.message, message);
      assert.equal(end.message, end.error.message);
      assert.equal(typeof end.error.code, 'string');
    }
    socket.send('not json');
    assert.equal((await socket.next()).error.code, 'INVALID_REQUEST');
    // Every documented field is accepted; unknown ones are ignored.
    const ok = await request(socket, {
      text: 'Still fine.', voice_id: 'sophia', complete_backoff_ms: 0, language: 'hi', number_pronunciation_language: 'en', math_notation: true,
      pronunciation_dicts: ['dict_1'], session_id: 'sess-1', request_id: 'req.1', word_timestamps: false, something_new: 42,
    });
    assert.equal(ok.end.status, 'complete');
    assert.equal(ok.end.external_request_id, 'req.1');
    assert.equal(ok.end.external_session_id, 'sess-1');
  });

  test('a wrong or missing key is refused with 401; unknown routes and models with 404; retired models with the documented 410', async (t) => {
    const server = await startServer(t);
    for (const [path, headers, status] of [
      ['/api/v1/lightning-v3.1/get_speech/stream', { Authorization: 'Bearer nope' }, 401],
      ['/waves/v1/tts/live', {}, 401],
      ['/api/v1/lightning-v9/get_speech/stream', { Authorization: `Bearer ${API_KEY}` }, 404],
      ['/elsewhere', { Authorization: `Bearer ${API_KEY}` }, 404],
      ['/waves/v1/tts/dead', { Authorization: `Bearer ${API_KEY}` }, 404],
    ] as const) {
      assert.equal((await refusedUpgrade(`${server.url}${path}`, headers)).status, status, path);
    }
    for (const path of ['/api/v1/lightning-v2/get_speech/stream', '/waves/v1/lightning-v2/get_speech/stream', '/waves/v1/lightning_v2/get_speech/stream']) {
      const { status, body } = await refusedUpgrade(`${server.url}${path}`);
      assert.equal(status, 410, path);
      assert.equal(body, RETIRED_BODY);
    }
  });

  test('retiredModels: [] serves lightning-v2 with its own fields and ranges', async (t) => {
    const server = await startServer(t, { retiredModels: [] });
    const socket = await rawSocket(`${server.url}/waves/v1/lightning-v2/get_speech/stream`);
    t.after(() => socket.ws.terminate());
    const ok = await request(socket, { text: 'Shalom, Mr. Cohen.', voice_id: 'emily', language: 'he', speed: 4, consistency: 0.6, similarity: 0.2, enhancement: 2, complete_backoff_ms: 0 });
    assert.equal(ok.end.status, 'complete');
    assert.ok(ok.chunks.length > 0);
    const bad = await request(socket, { text: 'Too fast by far.', voice_id: 'emily', speed: 6 });
    assert.match(bad.end.error.message, /speed must be between 0\.1 and 5 on lightning-v2/);
    assert.equal(server.requests[0].model, 'lightning-v2');
  });

  test('GET get_voices answers the documented shape on both prefixes, behind the same key', async (t) => {
    const server = await startServer(t);
    const http = server.url.replace('ws:', 'http:');
    for (const prefix of ['/api/v1', '/waves/v1']) {
      const ok = await fetch(`${http}${prefix}/lightning-v3.1/get_voices`, { headers: { Authorization: `Bearer ${API_KEY}` } });
      assert.equal(ok.status, 200);
      const { voices } = (await ok.json()) as { voices: Json[] };
      assert.deepEqual(voices.map((v) => v.voiceId).sort(), ['avery', 'devansh', 'emily', 'kartik', 'liam', 'maithili', 'meher', 'ryan', 'sophia']);
      for (const v of voices) {
        assert.equal(typeof v.displayName, 'string');
        assert.ok(Array.isArray(v.tags.language));
      }
      assert.deepEqual(voices.filter((v) => v.wordTimestamps).map((v) => v.voiceId).sort(), ['avery', 'devansh', 'kartik', 'liam', 'maithili', 'meher']);
    }
    assert.equal((await fetch(`${http}/waves/v1/lightning-v3.1/get_voices`)).status, 401);
    assert.equal((await fetch(`${http}/waves/v1/lightning-v2/get_voices`, { headers: { Authorization: `Bearer ${API_KEY}` } })).status, 410);
  });

  test('the idle timeout sends the documented error frame and closes with 1000; ?timeout= overrides it', async (t) => {
    const server = await startServer(t, { idleTimeoutMs: 60_000 });
    const socket = await rawSocket(`${server.url}/waves/v1/tts/live?timeout=1`);
    const closed = once(socket.ws, 'close');
    const message = 'Connection timed out after 1 seconds of inactivity';
    assert.deepEqual(await socket.next(), { status: 'error', message, error: { message, code: 'IDLE_TIMEOUT' } });
    const [code] = await closed;
    assert.equal(code, 1000);
  });

  test('the idle clock runs on client messages only: audio being sent does not hold it off', async (t) => {
    const server = await startServer(t, { idleTimeoutMs: 500, realtimeFactor: 1, chunkBytes: 800 });
    const socket = await rawSocket(`${server.url}/waves/v1/tts/live`);
    t.after(() => socket.ws.terminate());
    const closed = once(socket.ws, 'close');
    const sent = performance.now();
    // About 2.3 s of audio paced in real time: the clock, restarted by this message, runs out long before.
    socket.send({ text: 'One two three four five six seven eight nine ten eleven twelve.', voice_id: 'sophia', sample_rate: 8000, complete_backoff_ms: 0 });
    const frames: Json[] = [];
    for (let f = await socket.next(); ; f = await socket.next()) {
      frames.push(f);
      if (f.status !== 'chunk') break;
    }
    const at = performance.now() - sent;
    const [code] = await closed;
    const last = frames.pop()!;
    assert.equal(last.error?.code, 'IDLE_TIMEOUT', JSON.stringify(last));
    assert.ok(at >= 480 && at < 1500, `timed out ${Math.round(at)} ms after the client's last message`);
    assert.ok(frames.length >= 3 && frames.every((f) => f.status === 'chunk'), 'audio was flowing when the clock ran out');
    assert.equal(code, 1000);
    await waitFor(() => server.requests[0].outcome === 'dropped', 2000, 'the run to stop with its socket');
  });

  test('the idle clock restarts on every client message, even one that gets no answer', async (t) => {
    const server = await startServer(t, { idleTimeoutMs: 600 });
    const socket = await rawSocket(`${server.url}/waves/v1/tts/live`);
    t.after(() => socket.ws.terminate());
    const closed = once(socket.ws, 'close');
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      socket.send({ text: '', flush: true }); // a flush with nothing buffered: no answer
    }
    assert.equal(socket.all.length, 0, 'still open after 1.2 s of messages 200 ms apart');
    const quiet = performance.now();
    await closed;
    const after = performance.now() - quiet;
    assert.ok(after >= 550 && after < 1500, `closed ${Math.round(after)} ms after the last message`);
    assert.equal(socket.all[0].error.code, 'IDLE_TIMEOUT');
  });

  test('fault: time to first chunk and real-time pacing', async (t) => {
    const server = await startServer(t, { firstChunkDelayMs: 150, realtimeFactor: 4, chunkBytes: 1600 });
    const socket = await rawSocket(`${server.url}/api/v1/lightning-v3.1/get_speech/stream`);
    t.after(() => socket.ws.terminate());
    const started = performance.now();
    socket.send({ text: 'Paced words arrive slowly here.', voice_id: 'sophia', sample_rate: 8000, complete_backoff_ms: 0 });
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
    const text = 'One two three four five six, said the Count.';
    const first = await rawSocket(`${server.url}/waves/v1/tts/live`);
    first.send({ text, voice_id: 'sophia', complete_backoff_ms: 0 });
    const [code] = await once(first.ws, 'close');
    assert.equal(code, 1006);
    assert.equal(first.all.filter((f) => f.status === 'chunk').length, 2);
    const second = await rawSocket(`${server.url}/waves/v1/tts/live`);
    t.after(() => second.ws.terminate());
    const { end } = await request(second, { text, voice_id: 'sophia', complete_backoff_ms: 0 });
    assert.equal(end.status, 'complete');
  });

  test('the socket closes after complete when told (closeAfterComplete)', async (t) => {
    const server = await startServer(t, { closeAfterComplete: true });
    const socket = await rawSocket(`${server.url}/waves/v1/tts/live`);
    const closed = once(socket.ws, 'close');
    const { end } = await request(socket, { text: 'Three small words.', voice_id: 'sophia', complete_backoff_ms: 0 });
    assert.equal(end.status, 'complete');
    const [code] = await closed;
    assert.equal(code, 1000);
  });

  test('fault: a refused voice gets VOICE_NOT_FOUND naming it, like a voice the engine lacks', async (t) => {
    const server = await startServer(t, { refuseVoices: ['emily'] });
    const socket = await rawSocket(`${server.url}/waves/v1/tts/live`);
    t.after(() => socket.ws.terminate());
    for (const voice of ['emily', 'nobody-here']) {
      const { end } = await request(socket, { text: 'Hello, Dr. Who.', voice_id: voice });
      assert.equal(end.error.code, 'VOICE_NOT_FOUND');
      assert.match(end.error.message, new RegExp(voice));
    }
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
