// The local server against hostile clients: one that stops reading, slow-loris sockets, a long text beside a short one.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { ToneEngine } from '../src/server/engines/tone-engine.js';
import { startServer, waitFor } from './helpers.js';
import { LIVE, PROSE, rawSocket, readRun } from './raw-ws.js';

describe('hostile clients', () => {
  test('a client that stops reading: the server stops producing at a bound, stops reading it, and resumes when it reads', async (t) => {
    // Long tones: about 2.5 s of 44.1 kHz audio per word, some 70 MB of PCM for the whole text.
    const server = await startServer(t, { engine: new ToneEngine({ letterSeconds: 0.5 }), record: false, maxBufferedBytes: 512 * 1024 });
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const text = `${PROSE} ${PROSE}`;
    const audioBytes = text.split(/\s+/).reduce((s, w) => s + 2 * (Math.round(0.5 * 44100 * Math.min(w.length, 20)) + Math.round(0.04 * 44100)), 0);
    socket.ws.pause(); // stop reading: the kernel buffers fill, then the server's queue
    socket.send({ text, voice_id: 'sophia', complete_backoff_ms: 0 });
    await waitFor(() => server.stats().pausedConnections === 1, 5000, 'the server to pause the connection');
    const produced = server.requests[0].bytes;
    t.diagnostic(`produced ${produced} of ${audioBytes} bytes while the client did not read`);
    assert.ok(produced < 24 * 1024 * 1024 && produced < audioBytes / 3, `${produced} bytes produced while the client did not read, of ${audioBytes}`);
    assert.ok(server.stats().maxBufferedBytes < 512 * 1024 + 64 * 1024, `at most one frame past the limit waits in the server: ${server.stats().maxBufferedBytes}`);
    socket.ws.resume();
    await waitFor(() => server.requests[0].bytes > produced * 2, 5000, 'production to resume');
    assert.equal(server.requests[0].outcome, 'pending');
  });

  test('a client that floods requests and never reads: the server stops reading it too, then answers every one', async (t) => {
    const server = await startServer(t, { maxBufferedBytes: 64 * 1024 });
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const badVoice = 'no such voice '.repeat(700); // the error message quotes it: about 10 kB per answer
    socket.ws.pause();
    const count = 2000;
    for (let i = 0; i < count; i++) socket.send({ text: 'Hello?', voice_id: badVoice });
    await waitFor(() => server.stats().pausedConnections === 1, 5000, 'the server to stop reading');
    const answered = server.requests.length;
    t.diagnostic(`answered ${answered} of ${count} before it stopped reading`);
    assert.ok(answered < count / 2, `${answered} answered while the client did not read`);
    socket.ws.resume();
    for (let i = 0; i < count; i++) assert.equal((await socket.next()).error.code, 'INVALID_PARAMETER');
    assert.equal(server.requests.length, count);
  });

  test('slow-loris: 50 sockets that never finish their headers, or send nothing, are closed', async (t) => {
    const server = await startServer(t, { handshakeTimeoutMs: 200 });
    const closed: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => {});
      t.after(() => socket.destroy());
      if (i % 2 === 0) socket.write(`GET ${LIVE} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n`);
      closed.push(once(socket, 'close'));
    }
    await Promise.all(closed);
    assert.equal(server.stats().handshakeTimeouts, 50);
    const fine = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => fine.ws.terminate());
    fine.send({ text: 'Still serving, Sir.', voice_id: 'sophia', complete_backoff_ms: 0 });
    assert.equal((await readRun(fine)).end.status, 'complete');
  });

  test('a long text on one socket does not hold up a short one on another', async (t) => {
    const server = await startServer(t, { record: false });
    const long = await rawSocket(`${server.url}${LIVE}`);
    const short = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => [long, short].forEach((s) => s.ws.terminate()));
    long.send({ text: `${PROSE} `.repeat(20), voice_id: 'sophia', sample_rate: 8000, complete_backoff_ms: 0 });
    assert.equal((await long.next()).status, 'chunk');
    short.send({ text: 'Just a quick question, Dr. Rao.', voice_id: 'sophia', complete_backoff_ms: 0 });
    assert.equal((await readRun(short)).end.status, 'complete');
    assert.equal(server.requests[0].outcome, 'pending', 'the long one was still being spoken');
  });

  test('the request log keeps the last 1000 runs unless record is set', async (t) => {
    const server = await startServer(t, { record: false, maxActiveRequests: 1 });
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    for (let i = 0; i < 1010; i++) socket.send({ text: 'x', voice_id: 'nobody' });
    for (let i = 0; i < 1010; i++) assert.equal((await socket.next()).error.code, 'VOICE_NOT_FOUND');
    assert.equal(server.requests.length, 1000);
  });
});
