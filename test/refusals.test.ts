// Refusals read by meaning (no error codes are documented): over the account's limit, an unknown voice, anything else.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError, refusalKind } from '../src/core/errors.js';
import { WavesClient } from '../src/pipeline/client.js';
import { API_KEY, runCli, tempDir } from './helpers.js';
import { startPeer, type PeerMessage } from './hostile-peer.js';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

describe('refusalKind', () => {
  const cases: [string, { status?: number; code?: string; message: string }, string][] = [
    ['HTTP 429', { status: 429, message: 'slow down' }, 'over-limit'],
    ['the service seen in use, nested', { code: 'concurrency_limit_exceeded', message: 'Concurrency limit reached (2 active request per account)' }, 'over-limit'],
    ['flat, no code', { message: 'Too many requests, please retry later' }, 'over-limit'],
    ['a rate limit', { message: 'Rate limit exceeded for this key' }, 'over-limit'],
    ['a code alone', { code: 'RATE_LIMITED', message: 'request refused' }, 'over-limit'],
    ['a limit reached', { message: 'limit reached: 5 active requests' }, 'over-limit'],
    ['a limit on the text is no reason to wait', { message: 'Text exceeds the limit of 5000 characters' }, 'other'],
    ['a sample rate is not a rate limit', { message: 'sample_rate must be one of 8000, 16000, 24000, 44100' }, 'other'],
    ['the REST shape for a bad voice', { code: 'custom', message: 'Invalid Voice ID' }, 'unknown-voice'],
    ['the local server', { code: 'VOICE_NOT_FOUND', message: 'voice "nobody" was not found' }, 'unknown-voice'],
    ['a language', { message: 'Language he is not supported by lightning_v3.1' }, 'other'],
  ];
  for (const [name, refusal, kind] of cases) {
    test(`${name} → ${kind}`, () => {
      assert.equal(refusalKind(refusal), kind);
      assert.equal(new ApiError(refusal.message, refusal).kind, kind);
    });
  }
});

/** A peer that refuses the first `refusals` requests (in the shape given), then speaks 4,800 bytes and completes. */
async function limitedPeer(t: Parameters<typeof startPeer>[0], refusals: number, shape: 'nested' | 'flat') {
  let refused = 0;
  const refusal = (m: PeerMessage) => {
    refused++;
    const message = 'Concurrency limit reached (1 active request per account)';
    m.ws.send(JSON.stringify(shape === 'nested' ? { status: 'error', error: { message, code: 'concurrency_limit_exceeded' } } : { status: 'error', message }));
  };
  const peer = await startPeer(t, (m) => {
    if (typeof m.body.text !== 'string' || m.body.text === '') return;
    if (refused < refusals) return refusal(m);
    m.chunk(4800, 7);
    m.complete();
  });
  return { peer, refused: () => refused };
}

describe('over the account limit', () => {
  for (const shape of ['nested', 'flat'] as const) {
    test(`say waits and retries (${shape} error shape), saying so, and writes the audio`, async (t) => {
      const { peer, refused } = await limitedPeer(t, 2, shape);
      const out = join(tempDir(t), 'out.raw');
      const r = await runCli(['say', 'Hello there.', '--raw', '-o', out, '--base-url', peer.url], { env: { SMALLEST_API_KEY: API_KEY } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(refused(), 2);
      assert.match(r.stderr, /concurrency limit/i, 'the wait is said on the terminal');
      assert.deepEqual(readFileSync(out), Buffer.alloc(4800, 7));
    });
  }

  test('the library retries for as long as overLimitRetryMs allows, then fails with the refusal', async (t) => {
    const { peer, refused } = await limitedPeer(t, Number.POSITIVE_INFINITY, 'nested');
    const client = new WavesClient({ apiKey: API_KEY, baseUrl: peer.url, overLimitRetryMs: 1200 });
    t.after(() => client.close());
    const waits: number[] = [];
    client.on('over_limit', ({ delayMs }) => waits.push(delayMs));
    const started = performance.now();
    await assert.rejects(
      (async () => {
        for await (const _ of client.synthesize('Hello there.')) void _;
      })(),
      (error: unknown) => error instanceof ApiError && error.kind === 'over-limit',
    );
    const took = performance.now() - started;
    assert.ok(waits.length >= 2, `${waits.length} waits`);
    assert.equal(refused(), waits.length + 1);
    assert.ok(took >= 1100 && took < 3000, `gave up after ${Math.round(took)} ms`);
  });

  test('without overLimitRetryMs a refusal fails at once', async (t) => {
    const { peer, refused } = await limitedPeer(t, 1, 'flat');
    const client = new WavesClient({ apiKey: API_KEY, baseUrl: peer.url });
    t.after(() => client.close());
    await assert.rejects(
      (async () => {
        for await (const _ of client.synthesize('Hello there.')) void _;
      })(),
      (error: unknown) => error instanceof ApiError && error.kind === 'over-limit',
    );
    assert.equal(refused(), 1);
  });
});
