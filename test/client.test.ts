import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError, AuthError, ConnectionError, ModelRetiredError } from '../src/errors.js';
import { WavesClient, type WavesClientOptions } from '../src/waves/client.js';
import { API_KEY, sentPcm, startServer, waitFor, type TestContextLike } from './helpers.js';
import type { WavesServer } from '../src/server/waves-server.js';

function client(t: TestContextLike, server: WavesServer, options: Partial<WavesClientOptions> = {}): WavesClient {
  const c = new WavesClient({ apiKey: API_KEY, baseUrl: server.url, keepaliveIntervalMs: 0, reconnectDelaysMs: [0, 20, 50], ...options });
  t.after(() => c.close());
  return c;
}

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

describe('WavesClient against the local server', () => {
  test('sends the key only as a Bearer header and streams the PCM the server sent', async (t) => {
    const server = await startServer(t);
    const c = client(t, server);
    const events: string[] = [];
    c.on('connected', () => events.push('connected'));
    const audio = await collect(c.synthesize('Hello there, world.'));
    assert.ok(audio.length > 0);
    assert.deepEqual(audio, sentPcm(server));
    assert.deepEqual(server.upgrades, [{ path: '/api/v1/lightning-v3.1/get_speech/stream', authorization: `Bearer ${API_KEY}` }]);
    assert.ok(!server.upgrades[0].path.includes(API_KEY));
    assert.deepEqual(events, ['connected']);
  });

  test('requests go one after another on one socket, each with its own audio', async (t) => {
    const server = await startServer(t);
    const c = client(t, server);
    const streams = ['One.', 'Two two.', 'Three three three.'].map((text) => c.synthesize(text));
    const audio = await Promise.all(streams.map(collect));
    assert.equal(server.connections(), 1);
    assert.deepEqual(server.requests.map((r) => r.body.text), ['One.', 'Two two.', 'Three three three.']);
    audio.forEach((a, i) => assert.deepEqual(a, server.requests[i].pcm));
  });

  test('odd-sized chunks come out as whole samples, byte for byte', async (t) => {
    const server = await startServer(t, { chunkBytes: 777 });
    const c = client(t, server);
    const sizes: number[] = [];
    for await (const pcm of c.synthesize('Odd chunk sizes must realign.')) sizes.push(pcm.length);
    assert.ok(sizes.length > 3);
    assert.ok(sizes.every((n) => n % 2 === 0), `sizes ${sizes.join(',')}`);
    assert.equal(sizes.reduce((a, b) => a + b, 0), sentPcm(server).length);
  });

  test('settings changes apply to the next request; a model change opens the new route', async (t) => {
    const server = await startServer(t);
    const c = client(t, server);
    await collect(c.synthesize('First.'));
    c.updateSettings({ voice: 'emily', speed: 1.5 });
    await collect(c.synthesize('Second.'));
    const reconnected = new Promise((resolve) => c.once('connected', resolve));
    c.updateSettings({ model: 'lightning-v2', consistency: 0.8 });
    await reconnected;
    await collect(c.synthesize('Third.'));
    assert.deepEqual(server.requests.map((r) => [r.model, r.body.voice_id, r.body.speed, r.body.consistency]), [
      ['lightning-v3.1', 'sophia', undefined, undefined],
      ['lightning-v3.1', 'emily', 1.5, undefined],
      ['lightning-v2', 'emily', 1.5, 0.8],
    ]);
    assert.deepEqual(server.upgrades.map((u) => u.path), ['/api/v1/lightning-v3.1/get_speech/stream', '/api/v1/lightning-v2/get_speech/stream']);
    assert.throws(() => c.updateSettings({ model: 'lightning-v3.1' }), { message: /--consistency works only with model lightning-v2/ });
    assert.equal(c.settings.model, 'lightning-v2', 'a refused update changes nothing');
  });

  test('an error frame fails that request only; the socket goes on', async (t) => {
    const server = await startServer(t, { refuseVoices: ['ghost'] });
    const c = client(t, server);
    c.updateSettings({ voice: 'ghost' });
    await assert.rejects(collect(c.synthesize('Boo.')), (e: unknown) => e instanceof ApiError && /voice ghost is not available/.test(e.message));
    c.updateSettings({ voice: 'sophia' });
    assert.ok((await collect(c.synthesize('Fine.'))).length > 0);
    assert.equal(server.connections(), 1);
  });

  test('a server that closes after every complete: each request on a new socket, silently', async (t) => {
    const server = await startServer(t, { closeAfterComplete: true });
    const c = client(t, server);
    const errors: Error[] = [];
    c.on('connection_error', (e) => errors.push(e));
    const audio = [];
    for (const text of ['One.', 'Two.', 'Three.']) audio.push(await collect(c.synthesize(text)));
    assert.equal(server.connections(), 3);
    audio.forEach((a, i) => assert.deepEqual(a, server.requests[i].pcm));
    assert.deepEqual(errors, []);
  });

  test('word_timestamp frames (an unknown status) are ignored', async (t) => {
    const server = await startServer(t, { wordTimestamps: true });
    const c = client(t, server);
    assert.deepEqual(await collect(c.synthesize('Timestamps everywhere here.')), sentPcm(server));
  });

  test('a refused key is an AuthError and is not retried', async (t) => {
    const server = await startServer(t);
    const c = client(t, server, { apiKey: 'wrong-key' });
    await assert.rejects(collect(c.synthesize('Hi.')), (e: unknown) => e instanceof AuthError && e.status === 401 && !e.message.includes('wrong-key'));
    assert.equal(server.upgrades.length, 1);
  });

  test('a retired model (HTTP 410) says so and suggests lightning-v3.1', async (t) => {
    const server = await startServer(t, { retiredModels: ['lightning-v2'] });
    const c = client(t, server, { settings: { model: 'lightning-v2' } });
    await assert.rejects(collect(c.synthesize('Hi.')), (e: unknown) => e instanceof ModelRetiredError && /retired/.test(e.message) && /lightning-v3\.1/.test(e.hint ?? ''));
  });

  test('nothing listening is a ConnectionError', async (t) => {
    const server = await startServer(t);
    const url = server.url;
    await server.close();
    const c = new WavesClient({ apiKey: API_KEY, baseUrl: url, keepaliveIntervalMs: 0 });
    t.after(() => c.close());
    await assert.rejects(collect(c.synthesize('Hi.')), (e: unknown) => e instanceof ConnectionError && /ECONNREFUSED/.test(e.message));
  });

  test('the server gone: reconnect attempts say why, then one connection_error, and the request fails', async (t) => {
    const server = await startServer(t);
    const c = client(t, server);
    await collect(c.synthesize('While it is up.'));
    await server.close();
    await waitFor(() => !c.isConnected, 2000, 'the drop');
    const reconnecting: { attempt: number; reason?: string }[] = [];
    const errors: Error[] = [];
    c.on('reconnecting', ({ attempt, reason }) => reconnecting.push({ attempt, reason }));
    c.on('connection_error', (e) => errors.push(e));
    await assert.rejects(collect(c.synthesize('While it is down.')), ConnectionError);
    assert.deepEqual(reconnecting.map((r) => r.attempt), [2, 3]);
    assert.ok(reconnecting.every((r) => /ECONNREFUSED/.test(r.reason ?? '')));
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /ECONNREFUSED/);
  });

  test('a drop mid-request reconnects and delivers every byte exactly once', async (t) => {
    const server = await startServer(t, { dropAfterChunks: 3, chunkBytes: 1001 });
    const c = client(t, server);
    const events: string[] = [];
    c.on('connected', () => events.push('connected'));
    c.on('disconnected', () => events.push('disconnected'));
    const texts = ['A first sentence with several words in it.', 'And a second one, also long enough.'];
    const audio = await Promise.all(texts.map((text) => collect(c.synthesize(text))));
    assert.equal(server.requests[0].outcome, 'dropped');
    const completed = server.requests.filter((r) => r.outcome === 'complete');
    assert.deepEqual(completed.map((r) => r.body.text), texts);
    audio.forEach((a, i) => assert.deepEqual(a, completed[i].pcm, `request ${i}`));
    assert.deepEqual(events, ['connected', 'disconnected', 'connected']);
  });

  test('a request dropped on every attempt fails after the retries', async (t) => {
    const server = await startServer(t, { dropAfterChunks: 1, dropConnections: 99 });
    const c = client(t, server, { maxRequestRetries: 2 });
    await assert.rejects(collect(c.synthesize('Never finishes because the server keeps dropping.')), { message: /dropped 3 times/ });
  });

  test('keepalive goes out on an idle socket and never yields audio', async (t) => {
    const server = await startServer(t);
    const c = client(t, server, { keepaliveIntervalMs: 40 });
    const keepalives: number[] = [];
    c.on('request_sent', ({ keepalive }) => keepalive && keepalives.push(1));
    const audio = await collect(c.synthesize('Before.'));
    await waitFor(() => keepalives.length >= 2, 3000, 'two keepalives');
    const after = await collect(c.synthesize('After.'));
    assert.deepEqual(Buffer.concat([audio, after]), sentPcm(server, (b) => b.text !== ' '));
    assert.ok(server.requests.filter((r) => r.body.text === ' ').length >= 2);
    assert.equal(server.connections(), 1);
  });

  test('the idle timeout closes the socket; the next request reconnects silently', async (t) => {
    const server = await startServer(t, { idleTimeoutMs: 50 });
    const c = client(t, server);
    await collect(c.synthesize('One.'));
    await waitFor(() => !c.isConnected, 2000, 'idle close');
    assert.ok((await collect(c.synthesize('Two.'))).length > 0);
    assert.equal(server.connections(), 2);
  });

  test('interrupt ends the request at once, drops the socket and reconnects', async (t) => {
    const server = await startServer(t, { realtimeFactor: 1, chunkBytes: 4800 });
    const c = client(t, server);
    const stream = c.synthesize('A long utterance that would take many seconds to play out in real time, word after word.');
    const queued = c.synthesize('Queued behind it.');
    let bytes = 0;
    const reconnected = new Promise((resolve) => c.once('connected', resolve));
    for await (const pcm of stream) {
      bytes += pcm.length;
      if (bytes >= 9600) c.interrupt();
    }
    assert.equal(stream.interrupted, true);
    assert.equal(queued.interrupted, true);
    await reconnected;
    assert.equal(bytes, 9600, 'nothing more after interrupt()');
    assert.notEqual(server.requests[0].outcome, 'complete');
    assert.ok((await collect(c.synthesize('Next.'))).length > 0);
    assert.equal(server.requests.filter((r) => r.body.text === 'Queued behind it.').length, 0, 'the queued request was never sent');
  });
});

describe('PendingRequest', () => {
  test('realigns odd chunks and, after a rewind, skips exactly what was delivered', async () => {
    const { PendingRequest } = await import('../src/waves/pending-request.js');
    const { DEFAULT_SETTINGS } = await import('../src/settings.js');
    const pcm = Buffer.from(Array.from({ length: 20 }, (_, i) => i));
    const request = new PendingRequest('x', { ...DEFAULT_SETTINGS }, false);
    const out: Buffer[] = [];
    const reading = (async () => {
      for await (const part of request.stream) out.push(part);
    })();
    request.deliver(pcm.subarray(0, 3)); // 2 bytes out, 1 carried
    request.deliver(pcm.subarray(3, 8)); // 6 out
    request.rewind(); // the connection dropped: the replay starts from byte 0
    for (const [a, b] of [[0, 5], [5, 11], [11, 20]]) request.deliver(pcm.subarray(a, b));
    request.stream.end();
    await reading;
    assert.deepEqual(Buffer.concat(out), pcm);
    assert.ok(out.every((b) => b.length % 2 === 0));
  });
});
