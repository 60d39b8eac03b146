// The local server's faults for client tests (stall, close codes, blank requests, foreign frames, paced segments) and its limits.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { startServer, waitFor } from './helpers.js';
import { LIVE, PROSE, rawSocket, readRun, refusedUpgrade, request } from './raw-ws.js';

const SENTENCE = 'Good afternoon, Mrs. Okafor. Your prescription from Dr. Lin is ready for collection.';

describe('faults', () => {
  test('stallAfterChunks: N chunks, then silence without a close; 0 sends none', async (t) => {
    for (const n of [0, 2]) {
      const server = await startServer(t, { stallAfterChunks: n, chunkBytes: 1000 });
      const socket = await rawSocket(`${server.url}${LIVE}`);
      t.after(() => socket.ws.terminate());
      socket.send({ text: SENTENCE, voice_id: 'sophia', complete_backoff_ms: 0 });
      await waitFor(() => server.requests.length === 1 && server.requests[0].bytes === n * 1000, 2000, `${n} chunks`);
      socket.send({ text: 'Are you there?', voice_id: 'sophia', complete_backoff_ms: 0 });
      socket.send({ text: 42 }); // a barrier: the second request is refused (one at a time), nothing else arrives
      const frames = [];
      for (let f = await socket.next(); !(f.status === 'error' && /text must be a string/.test(f.error.message)); f = await socket.next()) frames.push(f);
      assert.deepEqual(frames.map((f) => f.status), [...Array(n).fill('chunk'), 'error']);
      assert.equal(frames[n].error.code, 'concurrency_limit_exceeded');
      assert.equal(server.requests[0].outcome, 'pending');
      assert.equal(socket.ws.readyState, socket.ws.OPEN);
    }
  });

  test('closeWith: the socket closes with that code and reason, at once or after N chunks', async (t) => {
    for (const closeWith of [{ code: 1008, reason: 'policy violation' }, { code: 4401, reason: 'unauthorised', afterChunks: 3 }]) {
      const server = await startServer(t, { closeWith, chunkBytes: 500 });
      const socket = await rawSocket(`${server.url}${LIVE}`);
      socket.send({ text: SENTENCE, voice_id: 'sophia', complete_backoff_ms: 0 });
      const [code, reason] = await once(socket.ws, 'close');
      assert.equal(code, closeWith.code);
      assert.equal(String(reason), closeWith.reason);
      assert.equal(socket.all.filter((f) => f.status === 'chunk').length, closeWith.afterChunks ?? 0);
    }
  });

  test('ignoreBlank: a blank request is never answered; others are', async (t) => {
    const server = await startServer(t, { ignoreBlank: true });
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    socket.send({ text: '   ', voice_id: 'sophia', complete_backoff_ms: 0 });
    const run = await request(socket, { text: SENTENCE, voice_id: 'sophia', complete_backoff_ms: 0 });
    assert.equal(run.end.status, 'complete');
    assert.equal(run.frames[0].request_id, run.end.request_id, 'the first frame belongs to the second request');
    assert.deepEqual(server.requests.map((r) => r.outcome), ['dropped', 'complete']);
    // Without the fault, a blank request is answered with a complete and no audio.
    const plain = await startServer(t);
    const other = await rawSocket(`${plain.url}${LIVE}`);
    t.after(() => other.ws.terminate());
    const blank = await request(other, { text: ' ', voice_id: 'sophia', complete_backoff_ms: 0 });
    assert.deepEqual(blank.frames.map((f) => f.status), ['complete']);
  });

  test('foreignFrames: each real chunk follows a junk chunk with other ids; the real ones alone carry the audio', async (t) => {
    const server = await startServer(t, { foreignFrames: true, chunkBytes: 2000, record: true });
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const run = await request(socket, { text: SENTENCE, voice_id: 'sophia', complete_backoff_ms: 0, request_id: 'mine' });
    const own = run.chunks.filter((c) => c.request_id === run.end.request_id);
    const foreign = run.chunks.filter((c) => c.request_id !== run.end.request_id);
    assert.ok(own.length > 2);
    assert.equal(foreign.length, own.length);
    assert.ok(foreign.every((c) => c.external_request_id !== 'mine' && c.session_id === run.end.session_id));
    assert.ok(own.every((c) => c.external_request_id === 'mine'));
    run.chunks.forEach((c, i) => assert.equal(c.request_id === run.end.request_id, i % 2 === 1, `chunk ${i}`));
    const ownPcm = Buffer.concat(own.map((c) => Buffer.from(c.data.audio, 'base64')));
    assert.ok(ownPcm.equals(server.requests[0].pcm!));
  });

  test('segmentDelayMs: each released segment waits before it is spoken', async (t) => {
    const server = await startServer(t, { segmentDelayMs: 150 });
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const base = { voice_id: 'sophia', context_id: 'paced', complete_backoff_ms: 0, max_buffer_delay_ms: 5000 };
    const started = performance.now();
    socket.send({ ...base, continue: true, text: 'The first sentence is long enough to go. The' });
    socket.send({ ...base, continue: false, text: ' second one closes the context.' });
    const first = await readRun(socket);
    const second = await readRun(socket);
    assert.ok(performance.now() - started >= 300, 'two segments, each waited 150 ms');
    assert.notEqual(first.end.request_id, second.end.request_id);
    assert.deepEqual(server.requests.map((r) => r.text), ['The first sentence is long enough to go.', 'The second one closes the context.']);
  });
});

describe('limits', () => {
  test('maxActiveRequests is account-wide; a context holds one slot however it is cut', async (t) => {
    const server = await startServer(t, { maxActiveRequests: 1 });
    const a = await rawSocket(`${server.url}${LIVE}`);
    const b = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => [a, b].forEach((s) => s.ws.terminate()));
    const base = { voice_id: 'sophia', context_id: 'story', complete_backoff_ms: 0, max_buffer_delay_ms: 5000 };
    for (const token of PROSE.match(/\S+\s*/g)!.slice(0, 12)) a.send({ ...base, continue: true, text: token });
    await readRun(a); // the first sentence is spoken; the context is still open
    const refused = await request(b, { text: SENTENCE, voice_id: 'sophia', complete_backoff_ms: 0 });
    assert.deepEqual(Object.keys(refused.end.error).sort(), ['code', 'message']);
    assert.equal(refused.end.error.code, 'concurrency_limit_exceeded');
    assert.equal(refused.end.status, 'error');
    a.send({ ...base, continue: false, text: '' });
    await readRun(a);
    await waitFor(() => server.stats().activeRequests === 0, 2000, 'the slot to come back');
    assert.equal((await request(b, { text: SENTENCE, voice_id: 'sophia', complete_backoff_ms: 0 })).end.status, 'complete');
  });

  test('maxConnections: an upgrade over it gets HTTP 429 with a JSON body; a closed socket frees its place', async (t) => {
    const server = await startServer(t, { maxConnections: 2 });
    const a = await rawSocket(`${server.url}${LIVE}`);
    const b = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => b.ws.terminate());
    const { status, body } = await refusedUpgrade(`${server.url}${LIVE}`);
    assert.equal(status, 429);
    assert.match(JSON.parse(body).message, /at most 2/);
    a.ws.close();
    await once(a.ws, 'close');
    let c;
    for (let tries = 0; !c && tries < 50; tries++) c = await rawSocket(`${server.url}${LIVE}`).catch(() => undefined);
    assert.ok(c, 'a place is free again');
    c.ws.terminate();
  });
});
