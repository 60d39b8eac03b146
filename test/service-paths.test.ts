// The service's paths read back by the server: the live route, per-model routes on either prefix, the retired route's answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RETIRED_MODEL_BODY, modelSegmentOf, parseServicePath, perModelPath } from '../src/protocol/routes.js';

test("the server's reading of a path: the live route, a model's speech or voices route on either prefix, else nothing", () => {
  assert.deepEqual(parseServicePath('/waves/v1/tts/live'), { kind: 'live' });
  assert.deepEqual(parseServicePath('/waves/v1/lightning-v3.1/get_speech/stream'), { kind: 'per-model', segment: 'lightning-v3.1', resource: 'stream' });
  assert.deepEqual(parseServicePath('/api/v1/lightning-v2/get_voices'), { kind: 'per-model', segment: 'lightning-v2', resource: 'voices' });
  assert.deepEqual(parseServicePath('/waves/v1/lightning%5Fv3.1/get_voices'), { kind: 'per-model', segment: 'lightning_v3.1', resource: 'voices' }, 'the segment decoded');
  assert.deepEqual(parseServicePath('/waves/v1/%E0%A4/get_speech/stream'), { kind: 'per-model', segment: '%E0%A4', resource: 'stream' }, 'a bad escape kept as sent');
  for (const path of ['/', '/waves/v1/tts/live/', '/v1/lightning-v3.1/get_speech/stream', '/waves/v1/a/b/get_voices', '/waves/v1/lightning-v3.1/get_speech']) {
    assert.equal(parseServicePath(path), undefined, path);
  }
});

test('per-model paths are built and read back alike', () => {
  assert.equal(perModelPath('lightning-v3.1', 'stream'), '/waves/v1/lightning-v3.1/get_speech/stream');
  assert.equal(perModelPath('a b', 'voices', '/api/v1'), '/api/v1/a%20b/get_voices');
  assert.deepEqual(parseServicePath(perModelPath('lightning-v3.1-pro', 'voices')), { kind: 'per-model', segment: 'lightning-v3.1-pro', resource: 'voices' });
});

test("a retired model's 410 body is the API's, verbatim", () => {
  assert.equal(
    JSON.stringify(RETIRED_MODEL_BODY),
    '{"status":"error","error_code":"MODEL_DEPRECATED","message":"This model is retired. Please migrate to lightning-v3.1 via /waves/v1/lightning-v3.1/get_speech.","recommended_endpoint":"/waves/v1/lightning-v3.1/get_speech"}',
  );
});

test('modelSegmentOf reads the model of a per-model socket URL under any prefix, and nothing from the live route', () => {
  assert.equal(modelSegmentOf('wss://waves-api.smallest.ai/api/v1/lightning-v2/get_speech/stream'), 'lightning-v2');
  assert.equal(modelSegmentOf('ws://127.0.0.1:9/proxy/tts/lightning%20x/get_speech/stream?timeout=5'), 'lightning x');
  assert.equal(modelSegmentOf('wss://api.smallest.ai/waves/v1/tts/live'), undefined);
});
