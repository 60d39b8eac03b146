import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../src/core/errors.js';
import { messageFor } from '../src/cli/hints.js';
import { checkBaseUrl, isLoopbackHost, parseRoute, streamUrl, voicesUrl } from '../src/protocol/routes.js';

test('the live route: a bare base gets /waves/v1/tts/live, for every current model', () => {
  assert.equal(streamUrl('wss://api.smallest.ai', 'lightning_v3.1'), 'wss://api.smallest.ai/waves/v1/tts/live');
  assert.equal(streamUrl('wss://api.smallest.ai/', 'lightning_v3.1_pro'), 'wss://api.smallest.ai/waves/v1/tts/live');
  assert.equal(streamUrl('ws://127.0.0.1:8765', 'lightning-v3.1'), 'ws://127.0.0.1:8765/waves/v1/tts/live');
  assert.equal(streamUrl('wss://api.smallest.ai/waves/v1/tts/live', 'lightning_v3.1'), 'wss://api.smallest.ai/waves/v1/tts/live');
  assert.equal(streamUrl('wss://proxy.example/tts', 'lightning_v3.1'), 'wss://proxy.example/tts/tts/live');
  assert.equal(streamUrl('wss://api.smallest.ai', 'lightning_v3.1', { timeoutSeconds: 300 }), 'wss://api.smallest.ai/waves/v1/tts/live?timeout=300');
});

test('per-model routes: chosen, or always for lightning-v2; hyphenated path names; /api/v1 on the older API host', () => {
  assert.equal(streamUrl('wss://api.smallest.ai', 'lightning_v3.1', { route: 'per-model' }), 'wss://api.smallest.ai/waves/v1/lightning-v3.1/get_speech/stream');
  assert.equal(streamUrl('wss://api.smallest.ai', 'lightning_v3.1_pro', { route: 'per-model' }), 'wss://api.smallest.ai/waves/v1/lightning-v3.1-pro/get_speech/stream');
  assert.equal(streamUrl('wss://api.smallest.ai', 'lightning-v2'), 'wss://api.smallest.ai/waves/v1/lightning-v2/get_speech/stream');
  assert.equal(streamUrl('wss://waves-api.smallest.ai', 'lightning-v3.1', { route: 'per-model' }), 'wss://waves-api.smallest.ai/api/v1/lightning-v3.1/get_speech/stream');
  assert.equal(streamUrl('wss://api.smallest.ai/waves/v1/', 'lightning_v3.1', { route: 'per-model' }), 'wss://api.smallest.ai/waves/v1/lightning-v3.1/get_speech/stream');
  assert.equal(streamUrl('ws://127.0.0.1:8765/api/v1?timeout=30', 'lightning-v2'), 'ws://127.0.0.1:8765/api/v1/lightning-v2/get_speech/stream?timeout=30');
});

test('voices URL: one catalogue on the lightning-v3.1 route, ws to http and wss to https', () => {
  assert.equal(voicesUrl('wss://api.smallest.ai', 'lightning_v3.1'), 'https://api.smallest.ai/waves/v1/lightning-v3.1/get_voices');
  assert.equal(voicesUrl('wss://api.smallest.ai', 'lightning_v3.1_pro'), 'https://api.smallest.ai/waves/v1/lightning-v3.1/get_voices');
  assert.equal(voicesUrl('wss://waves-api.smallest.ai', 'lightning-v3.1'), 'https://waves-api.smallest.ai/api/v1/lightning-v3.1/get_voices');
  assert.equal(voicesUrl('ws://localhost:9000/waves/v1/tts/live?timeout=5', 'lightning-v2'), 'http://localhost:9000/waves/v1/lightning-v2/get_voices');
});

test('route names', () => {
  assert.equal(parseRoute(' Per-Model '), 'per-model');
  assert.throws(() => parseRoute('old'), { message: 'The route must be live or per-model (got "old")', code: 'bad_route' });
  assert.throws(() => parseRoute('old'), (e: unknown) => e instanceof UsageError && e.data.setting === 'route' && e.data.value === 'old'
    && messageFor(e) === '--route must be live or per-model (got "old")');
});

test('loopback hosts', () => {
  for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', 'LOCALHOST']) assert.equal(isLoopbackHost(host), true, host);
  for (const host of ['0.0.0.0', 'example.com', '10.0.0.1', '128.0.0.1', 'localhost.example.com']) assert.equal(isLoopbackHost(host), false, host);
});

test('plain ws:// to a host that is not loopback is refused unless --insecure', () => {
  assert.throws(() => checkBaseUrl('ws://waves.example.com'), (e: unknown) => e instanceof UsageError && /unencrypted/.test(e.message) && e.code === 'insecure_base_url');
  assert.doesNotThrow(() => checkBaseUrl('ws://waves.example.com', { insecure: true }));
  assert.doesNotThrow(() => checkBaseUrl('ws://127.0.0.1:8765'));
  assert.doesNotThrow(() => checkBaseUrl('wss://waves.example.com'));
});

test('malformed base URLs are usage errors', () => {
  assert.throws(() => checkBaseUrl('not a url'), { message: 'The base URL is not a URL: "not a url"', code: 'bad_base_url', data: { setting: 'baseUrl', value: 'not a url', problem: 'is not a URL: "not a url"' } });
  assert.throws(() => checkBaseUrl('not a url'), (e: unknown) => e instanceof UsageError && messageFor(e) === '--base-url is not a URL: "not a url"');
  assert.throws(() => checkBaseUrl('https://waves-api.smallest.ai'), { message: /must start with wss:\/\/ or ws:\/\// });
  assert.throws(() => checkBaseUrl('wss://user:secret@waves-api.smallest.ai'), (e: unknown) => e instanceof UsageError && /must not carry credentials/.test(e.message)
    && e.code === 'base_url_credentials' && !JSON.stringify(e.data).includes('secret'));
  assert.throws(() => checkBaseUrl('wss://api.smallest.ai/#frag'), { message: /must not have a #fragment/ });
});
