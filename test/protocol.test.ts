import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../src/settings.js';
import { buildRequest, decodeFrame } from '../src/waves/protocol.js';

test('a lightning-v3.1 request carries no lightning-v2 fields and no unset ones', () => {
  const request = buildRequest('Hi.', { ...DEFAULT_SETTINGS, consistency: 0.5, similarity: 0.2, enhancement: 2 });
  assert.deepEqual(request, { text: 'Hi.', voice_id: 'sophia', language: 'en', sample_rate: 24000, complete_backoff_ms: 0 });
});

test('a lightning-v2 request carries the fields that are set', () => {
  const settings = { ...DEFAULT_SETTINGS, model: 'lightning-v2', speed: 1.5, consistency: 0.7, enhancement: 0 };
  assert.deepEqual(buildRequest('Hi.', settings, { completeBackoffMs: 50 }), {
    text: 'Hi.', voice_id: 'sophia', language: 'en', sample_rate: 24000, speed: 1.5, consistency: 0.7, enhancement: 0, complete_backoff_ms: 50,
  });
});

test('decodeFrame reads chunks, completes and both error shapes', () => {
  const audio = Buffer.from([1, 2, 3]);
  assert.deepEqual(decodeFrame(JSON.stringify({ request_id: 'r1', status: 'chunk', data: { audio: audio.toString('base64') } })), { type: 'chunk', requestId: 'r1', audio });
  assert.deepEqual(decodeFrame(Buffer.from('{"request_id":"r1","status":"complete"}')), { type: 'complete', requestId: 'r1' });
  assert.deepEqual(decodeFrame('{"status":"error","error":{"message":"bad voice","code":"VOICE"}}'), { type: 'error', requestId: undefined, message: 'bad voice', code: 'VOICE' });
  assert.deepEqual(decodeFrame('{"status":"error","message":"Connection timed out after 60 seconds of inactivity"}'), {
    type: 'error', requestId: undefined, message: 'Connection timed out after 60 seconds of inactivity', code: undefined,
  });
  assert.deepEqual(decodeFrame('{"status":"error","error_code":"MODEL_DEPRECATED","message":"retired"}'), { type: 'error', requestId: undefined, message: 'retired', code: 'MODEL_DEPRECATED' });
});

test('decodeFrame tolerates unknown statuses and malformed frames', () => {
  assert.deepEqual(decodeFrame('{"status":"word_timestamp","data":{"word":"hi"}}'), { type: 'other', status: 'word_timestamp' });
  assert.deepEqual(decodeFrame('not json'), { type: 'invalid', reason: 'not JSON' });
  assert.deepEqual(decodeFrame('42'), { type: 'invalid', reason: 'not an object' });
  assert.deepEqual(decodeFrame('{"status":"chunk","data":{}}'), { type: 'invalid', reason: 'chunk without data.audio' });
});
