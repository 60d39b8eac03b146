import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError, AuthError, ConnectionError, ModelRetiredError } from '../src/core/errors.js';
import { WavesClient, type WavesClientOptions } from '../src/pipeline/client.js';
import { API_KEY, sentPcm, startServer, waitFor, type TestContextLike } from './helpers.js';
import { startPeer } from './hostile-peer.js';
import type { WavesServer } from '../src/server/waves-server.js';

function client(t: TestContextLike, server: WavesServer, options: Partial<WavesClientOptions> = {}): WavesClient {
  const c = new WavesClient({ apiKey: API_KEY, baseUrl: server.url, reconnectDelaysMs: [0, 20, 50], ...options });
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
    assert.deepEqual(server.upgrades, [{ path: '/waves/v1/tts/live', authorization: `Bearer ${API_KEY}` }]);
    assert.equal(server.requests[0].body.model, 'lightning_v3.1');
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

  test('settings changes apply to the next request; on the live route a model change keeps the socket, lightning-v2 opens its own route', async (t) => {
    const server = await startServer(t, { retiredModels: [] });
    const c = client(t, server);
    await collect(c.synthesize('First.'));
    c.updateSettings({ voice: 'emily', speed: 1.5 });
    await collect(c.synthesize('Second.'));
    c.updateSettings({ model: 'lightning-v3.1-pro', language: 'ja' });
    assert.equal(c.settings.model, 'lightning_v3.1_pro', 'the hyphenated spelling means the same model');
    await collect(c.synthesize('Third.'));
    const reconnected = new Promise((resolve) => c.once('connected', resolve));
    c.updateSettings({ model: 'lightning-v2', language: 'de', consistency: 0.8 });
    await reconnected;
    await collect(c.synthesize('Fourth.'));
    assert.deepEqual(server.requests.map((r) => [r.model, r.body.model, r.body.voice_id, r.body.speed, r.body.language, r.body.consistency]), [
      ['lightning_v3.1', 'lightning_v3.1', 'sophia', undefined, 'en', undefined],
      ['lightning_v3.1', 'lightning_v3.1', 'emily', 1.5, 'en', undefined],
      ['lightning_v3.1_pro', 'lightning_v3.1_pro', 'emily', 1.5, 'ja', undefined],
      ['lightning-v2', undefined, 'emily', 1.5, 'de', 0.8],
    ]);
    assert.deepEqual(server.upgrades.map((u) => u.path), ['/waves/v1/tts/live', '/waves/v1/lightning-v2/get_speech/stream']);
    assert.throws(() => c.updateSettings({ model: 'lightning_v3.1' }), { message: /^consistency works only with model lightning-v2/, code: 'invalid_settings' });
    assert.equal(c.settings.model, 'lightning-v2', 'a refused update changes nothing');
  });

  test('--route per-model: the model in the URL, none in the body, a model change opens a new socket', async (t) => {
    const server = await startServer(t);
    const c = client(t, server, { route: 'per-model' });
    await collect(c.synthesize('First.'));
    c.updateSettings({ model: 'lightning_v3.1_pro' });
    await collect(c.synthesize('Second.'));
    assert.deepEqual(server.upgrades.map((u) => u.path), ['/waves/v1/lightning-v3.1/get_speech/stream', '/waves/v1/lightning-v3.1-pro/get_speech/stream']);
    assert.deepEqual(server.requests.map((r) => r.body.model), [undefined, undefined]);
  });

  test('an error frame fails that request only; the socket goes on', async (t) => {
    const server = await startServer(t, { refuseVoices: ['emily'] });
    const c = client(t, server);
    c.updateSettings({ voice: 'emily' });
    await assert.rejects(collect(c.synthesize('Boo.')), (e: unknown) => e instanceof ApiError && /voice "emily" was not found/.test(e.message));
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

  test('word_timestamp frames do not disturb the audio', async (t) => {
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
    await assert.rejects(collect(c.synthesize('Hi.')), (e: unknown) => e instanceof ModelRetiredError && /retired/.test(e.message) && /lightning_v3\.1/.test(e.hint ?? ''));
  });

  test('nothing listening is a ConnectionError', async (t) => {
    const server = await startServer(t);
    const url = server.url;
    await server.close();
    const c = new WavesClient({ apiKey: API_KEY, baseUrl: url });
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

  test('the idle timeout closes the socket; the next request reconnects silently', async (t) => {
    const server = await startServer(t, { idleTimeoutMs: 50 });
    const c = client(t, server);
    await collect(c.synthesize('One.'));
    await waitFor(() => !c.isConnected, 2000, 'idle close');
    assert.ok((await collect(c.synthesize('Two.'))).length > 0);
    assert.equal(server.connections(), 2);
  });

  test('interrupt ends the request at once and drops the socket; the next request reconnects', async (t) => {
    const server = await startServer(t, { realtimeFactor: 1, chunkBytes: 4800 });
    const c = client(t, server);
    const stream = c.synthesize('A long utterance that would take many seconds to play out in real time, word after word.');
    const queued = c.synthesize('Queued behind it.');
    let bytes = 0;
    for await (const pcm of stream) {
      bytes += pcm.length;
      if (bytes >= 9600) c.interrupt();
    }
    assert.equal(stream.interrupted, true);
    assert.equal(queued.interrupted, true);
    assert.equal(bytes, 9600, 'nothing more after interrupt()');
    assert.equal(c.isConnected, false);
    assert.equal(server.connections(), 1, 'no eager reconnect');
    assert.notEqual(server.requests[0].outcome, 'complete');
    assert.ok((await collect(c.synthesize('Next.'))).length > 0);
    assert.equal(server.connections(), 2);
    assert.equal(server.requests.filter((r) => r.body.text === 'Queued behind it.').length, 0, 'the queued request was never sent');
  });
});

describe('WavesClient against hostile peers', () => {
  const settings = { voice: 'sophia' };

  test('frames echoing another request id never reach the output', async (t) => {
    const peer = await startPeer(t, (m) => {
      m.chunk(100, 9, { external_request_id: 'someone-else' });
      m.chunk(64, 1);
      m.chunk(100, 9, { external_request_id: 'someone-else' });
      m.chunk(32, 2);
      m.complete({ external_request_id: 'someone-else' });
      m.complete();
    });
    const c = new WavesClient({ apiKey: API_KEY, baseUrl: peer.url, settings });
    t.after(() => c.close());
    const audio = await collect(c.synthesize('Whose audio is this?'));
    assert.deepEqual(audio, Buffer.concat([Buffer.alloc(64, 1), Buffer.alloc(32, 2)]));
    assert.match(String(peer.messages[0].request_id), /^[a-zA-Z0-9_.-]{1,128}$/);
  });

  test('a server that accepts a request and goes silent: the request times out naming the timeout, the next one works', async (t) => {
    let first = true;
    const peer = await startPeer(t, (m) => {
      if (first) {
        first = false;
        m.chunk(64);
        return; // then silence, socket open
      }
      m.chunk(64, 3);
      m.complete();
    });
    const c = new WavesClient({ apiKey: API_KEY, baseUrl: peer.url, settings, requestTimeoutMs: 300 });
    t.after(() => c.close());
    await assert.rejects(collect(c.synthesize('Hello?')), (e: unknown) => e instanceof ConnectionError && /No answer from the server for 0\.3 s/.test(e.message));
    assert.deepEqual(await collect(c.synthesize('Again.')), Buffer.alloc(64, 3));
    assert.equal(peer.upgrades(), 2, 'the stuck socket was dropped');
  });

  for (const [code, reason] of [[1008, 'policy says no'], [4401, 'unauthorized']] as const) {
    test(`a close with ${code} fails at once with the server's reason, with no retry`, async (t) => {
      const peer = await startPeer(t, (m) => {
        m.chunk(64);
        m.ws.close(code, reason);
      });
      const c = new WavesClient({ apiKey: API_KEY, baseUrl: peer.url, settings, reconnectDelaysMs: [0, 10, 10] });
      t.after(() => c.close());
      const queued = c.synthesize('Queued too.');
      void queued;
      await assert.rejects(collect(c.synthesize('Refused.')), (e: unknown) => e instanceof ConnectionError && e.message.includes(`code ${code}: ${reason}`));
      await assert.rejects(collect(queued), ConnectionError);
      assert.equal(peer.upgrades(), 1);
      assert.equal(peer.messages.length, 1, 'nothing sent again: every retry would be billed');
    });
  }

  test('nothing is sent while idle (no keepalive to wait on), and an idle-timeout close is not an error', async (t) => {
    const peer = await startPeer(t, (m) => {
      m.chunk(64);
      m.complete();
      setTimeout(() => {
        m.ws.send(JSON.stringify({ status: 'error', message: 'Connection timed out after 0.1 seconds of inactivity' }));
        m.ws.close(1000);
      }, 100);
    });
    const c = new WavesClient({ apiKey: API_KEY, baseUrl: peer.url, settings });
    t.after(() => c.close());
    const errors: Error[] = [];
    const closes: string[] = [];
    c.on('connection_error', (e) => errors.push(e));
    c.on('disconnected', ({ reason }) => closes.push(reason));
    await collect(c.synthesize('One.'));
    await waitFor(() => closes.length === 1, 3000, 'the idle close');
    assert.deepEqual(closes, ['idle timeout']);
    assert.deepEqual(errors, []);
    assert.equal(peer.messages.length, 1);
    assert.equal((await collect(c.synthesize('Two.'))).length, 64);
  });

  test('aborting one request leaves the others alone', async (t) => {
    const peer = await startPeer(t, (m) => {
      if (m.body.text === 'Slow one.') {
        m.chunk(64, 5); // and never completes
        return;
      }
      m.chunk(32, 7);
      m.complete();
    });
    const c = new WavesClient({ apiKey: API_KEY, baseUrl: peer.url, settings });
    t.after(() => c.close());
    const slow = new AbortController();
    const never = new AbortController();
    const first = c.synthesize('Slow one.', { signal: slow.signal });
    const skipped = c.synthesize('Never sent.', { signal: never.signal });
    const last = c.synthesize('Last one.');
    never.abort();
    const got: Buffer[] = [];
    for await (const pcm of first) {
      got.push(pcm);
      slow.abort();
    }
    assert.equal(first.interrupted, true);
    assert.equal(skipped.interrupted, true);
    assert.deepEqual(await collect(last), Buffer.alloc(32, 7));
    assert.deepEqual(peer.messages.map((m) => m.text), ['Slow one.', 'Last one.']);
  });

  test('close() during a reconnect backoff returns at once', async (t) => {
    const server = await startServer(t);
    const c = new WavesClient({ apiKey: API_KEY, baseUrl: server.url, settings, reconnectDelaysMs: [0, 60_000] });
    await collect(c.synthesize('While it is up.'));
    await server.close();
    await waitFor(() => !c.isConnected, 2000, 'the drop');
    const stream = c.synthesize('While it is down.');
    const reading = collect(stream).catch(() => 'ended');
    await new Promise((resolve) => c.once('reconnecting', resolve));
    const closed = await Promise.race([c.close().then(() => 'closed'), new Promise((resolve) => setTimeout(resolve, 30_000, 'still waiting').unref()).then(String)]);
    assert.equal(closed, 'closed');
    await reading;
    assert.equal(stream.isFinished, true);
  });

  test('connect() after a model change while a request is in flight does not orphan it', async (t) => {
    const server = await startServer(t, { realtimeFactor: 4 });
    const c = client(t, server, { route: 'per-model' });
    const stream = c.synthesize('A sentence long enough to be still arriving when the model changes under it.');
    await waitFor(() => server.requests.length === 1, 3000, 'the request');
    c.updateSettings({ model: 'lightning_v3.1_pro' });
    await c.connect();
    const audio = await collect(stream);
    assert.ok(audio.length > 0);
    assert.equal(stream.interrupted, false);
    assert.ok((await collect(c.synthesize('Then the new model.'))).length > 0);
  });
});

describe('WavesClient continuations', () => {
  const LONG = Array.from({ length: 12 }, (_, i) => `Dr. Watson wrote page ${i + 1} of the report, and Mr. Holmes read it twice before he spoke.`).join(' ');

  test('long text is one context of fragments; a drop mid-context resends from the first unfinished fragment, every byte once', async (t) => {
    const server = await startServer(t, { dropAfterChunks: 7, chunkBytes: 1000 });
    const c = client(t, server);
    const stream = c.synthesize(LONG);
    const audio = await collect(stream);
    const dropped = server.requests.filter((r) => r.outcome === 'dropped');
    assert.ok(dropped.length >= 1, 'the drop cut segments in flight');
    const complete = server.requests.filter((r) => r.outcome === 'complete');
    assert.equal(complete.map((r) => r.text).join(' '), LONG, 'every fragment completed once');
    assert.notEqual(complete.at(-1)!.contextId, dropped[0].contextId, 'a new context after the drop');
    assert.deepEqual(audio, Buffer.concat(complete.map((r) => r.pcm!)));
    assert.ok(stream.textDone >= LONG.replace(/\s+/g, '').length && stream.textDone <= LONG.length, `all the text counted done (${stream.textDone} of ${LONG.length})`);
  });

  test('an async iterable of tokens is spoken as one context, the words timed against the whole stream', async (t) => {
    const server = await startServer(t);
    const c = client(t, server, { settings: { voice: 'liam', wordTimestamps: true } });
    async function* tokens() {
      for (const token of LONG.slice(0, 400).match(/\S+\s*/g)!) yield token;
    }
    const stream = c.synthesize(tokens());
    const audio = await collect(stream);
    const complete = server.requests.filter((r) => r.outcome === 'complete');
    assert.ok(complete.length >= 2);
    assert.deepEqual(audio, Buffer.concat(complete.map((r) => r.pcm!)));
    assert.deepEqual(stream.words.map((w) => w.word), LONG.slice(0, 400).trim().split(' '));
    const second = complete[0].pcm!.length / 2 / 24000;
    const firstOfSecond = stream.words[complete[0].text.split(' ').length];
    assert.ok(firstOfSecond.start >= second && firstOfSecond.start < second + 0.001, `${firstOfSecond.start} vs ${second}`);
  });
});
