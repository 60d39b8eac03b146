import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../src/core/settings.js';
import { CLOSE_CODES } from '../src/protocol/close-codes.js';
import { chunkFrame, clientIds, completeFrame, errorFrame, frameIds, newSessionId, newTaskId, wordTimestampFrame } from '../src/protocol/frames.js';
import { idleTimeoutMessage, isIdleTimeoutNotice } from '../src/protocol/idle-timeout.js';
import { buildRequest, decodeFrame } from '../src/protocol/messages.js';
import { decodeRequest } from '../src/protocol/request-fields.js';

test('a live-route request names its model and carries no lightning-v2 fields and no unset ones', () => {
  const request = buildRequest('Hi.', { ...DEFAULT_SETTINGS, consistency: 0.5, similarity: 0.2, enhancement: 2 });
  assert.deepEqual(request, { text: 'Hi.', voice_id: 'sophia', model: 'lightning_v3.1', language: 'en', sample_rate: 24000, complete_backoff_ms: 0 });
});

test('every optional field when set; a per-model route leaves the model out', () => {
  const settings = { ...DEFAULT_SETTINGS, model: 'lightning_v3.1_pro', language: 'ja', speed: 1.2, numberLanguage: 'en', math: true, wordTimestamps: true };
  assert.deepEqual(buildRequest('1+1=2', settings, { requestId: 'r-1', context: { id: 'c-1', more: true } }), {
    text: '1+1=2', voice_id: 'sophia', model: 'lightning_v3.1_pro', language: 'ja', sample_rate: 24000, speed: 1.2,
    word_timestamps: true, number_pronunciation_language: 'en', math_notation: true, request_id: 'r-1', complete_backoff_ms: 0,
    context_id: 'c-1', continue: true,
  });
  const perModel = buildRequest('Hi.', { ...DEFAULT_SETTINGS }, { route: 'per-model', context: { id: 'c-1', more: true } });
  assert.deepEqual(perModel, { text: 'Hi.', voice_id: 'sophia', language: 'en', sample_rate: 24000, complete_backoff_ms: 0 }, 'no model and no continuation on a per-model route');
});

test('a lightning-v2 request carries the fields that are set, and no model (its route names it)', () => {
  const settings = { ...DEFAULT_SETTINGS, model: 'lightning-v2', speed: 1.5, consistency: 0.7, enhancement: 0 };
  assert.deepEqual(buildRequest('Hi.', settings, { completeBackoffMs: 50 }), {
    text: 'Hi.', voice_id: 'sophia', language: 'en', sample_rate: 24000, speed: 1.5, consistency: 0.7, enhancement: 0, complete_backoff_ms: 50,
  });
});

test('decodeFrame reads chunks, words, completes, ids and both error shapes', () => {
  const audio = Buffer.from([1, 2, 3]);
  assert.deepEqual(decodeFrame(JSON.stringify({ request_id: 'r1', status: 'chunk', data: { audio: audio.toString('base64') } })), { type: 'chunk', requestId: 'r1', audio });
  assert.deepEqual(decodeFrame(Buffer.from('{"request_id":"r1","external_request_id":"mine","status":"complete"}')), { type: 'complete', requestId: 'r1', externalRequestId: 'mine' });
  assert.deepEqual(decodeFrame('{"status":"word_timestamp","data":{"id":5,"word":"$100","start":1.12,"end":1.92}}'), { type: 'word', word: { id: 5, word: '$100', start: 1.12, end: 1.92 } });
  assert.deepEqual(decodeFrame('{"status":"error","error":{"message":"bad voice","code":"VOICE"}}'), { type: 'error', message: 'bad voice', code: 'VOICE' });
  assert.deepEqual(decodeFrame('{"status":"error","message":"Connection timed out after 60 seconds of inactivity"}'), {
    type: 'error', message: 'Connection timed out after 60 seconds of inactivity', code: undefined,
  });
  assert.deepEqual(decodeFrame('{"status":"error","error_code":"MODEL_DEPRECATED","message":"retired"}'), { type: 'error', message: 'retired', code: 'MODEL_DEPRECATED' });
});

test('decodeFrame tolerates unknown statuses and malformed frames', () => {
  assert.deepEqual(decodeFrame('{"status":"word_timestamp","data":{"word":"hi"}}'), { type: 'invalid', reason: 'word_timestamp without word, start and end' });
  assert.deepEqual(decodeFrame('{"status":"thinking"}'), { type: 'other', status: 'thinking' });
  assert.deepEqual(decodeFrame('not json'), { type: 'invalid', reason: 'not JSON' });
  assert.deepEqual(decodeFrame('42'), { type: 'invalid', reason: 'not an object' });
  assert.deepEqual(decodeFrame('{"status":"chunk","data":{}}'), { type: 'invalid', reason: 'chunk without data.audio' });
});

test("the server's frames read back on the client's side: ids, audio, words, complete, and an error in both shapes", () => {
  const ids = frameIds('ws_1', 'task_1', { requestId: 'r-1', sessionId: 's-1' });
  assert.deepEqual(ids, { session_id: 'ws_1', request_id: 'task_1', external_request_id: 'r-1', external_session_id: 's-1' });
  const wire = (frame: object) => decodeFrame(JSON.stringify(frame));
  assert.deepEqual(wire(chunkFrame(ids, Buffer.from([1, 2, 3]))), { type: 'chunk', requestId: 'task_1', externalRequestId: 'r-1', audio: Buffer.from([1, 2, 3]) });
  assert.deepEqual(wire(wordTimestampFrame(ids, { id: 0, word: '$100', start: 0.5, end: 0.9 })), {
    type: 'word', requestId: 'task_1', externalRequestId: 'r-1', word: { id: 0, word: '$100', start: 0.5, end: 0.9 },
  });
  assert.deepEqual(wire(completeFrame(ids)), { type: 'complete', requestId: 'task_1', externalRequestId: 'r-1' });
  const error = errorFrame({}, 'VOICE_NOT_FOUND', 'no such voice');
  assert.deepEqual(error, { status: 'error', message: 'no such voice', error: { message: 'no such voice', code: 'VOICE_NOT_FOUND' } }, 'flat and nested at once');
  assert.deepEqual(wire(error), { type: 'error', message: 'no such voice', code: 'VOICE_NOT_FOUND' });
  assert.match(newSessionId(), /^ws_[0-9a-f]{16}$/);
  assert.match(newTaskId(), /^task_[0-9a-f]{16}$/);
});

test('client ids are echoed only when well-formed', () => {
  assert.deepEqual(clientIds({ request_id: 'r-1.a_b', session_id: 'bad id' }), { requestId: 'r-1.a_b', sessionId: undefined });
  assert.deepEqual(clientIds('text'), {});
  assert.deepEqual(clientIds({ request_id: 'x'.repeat(129) }), { requestId: undefined, sessionId: undefined });
});

test("the idle notice: the server's words, recognised by the client whatever the limit, and nothing else is", () => {
  assert.equal(idleTimeoutMessage(60), 'Connection timed out after 60 seconds of inactivity');
  const notice = (frame: object) => isIdleTimeoutNotice(decodeFrame(JSON.stringify(frame)));
  assert.equal(notice(errorFrame({}, 'IDLE_TIMEOUT', idleTimeoutMessage(60))), true);
  assert.equal(notice({ status: 'error', message: idleTimeoutMessage(5) }), true, 'the flat shape alone, another limit');
  assert.equal(notice({ status: 'error', message: 'Invalid Voice ID' }), false);
  assert.equal(notice({ status: 'complete' }), false);
});

test('close codes both ends use', () => {
  assert.equal(CLOSE_CODES.NORMAL, 1000);
  assert.equal(CLOSE_CODES.POLICY_VIOLATION, 1008);
  assert.equal(CLOSE_CODES.CLIENT_DROPPED, 4000);
});

test('the server reads a request frame without throwing: JSON text, else nothing', () => {
  assert.deepEqual(decodeRequest('{"text":"Hi.","voice_id":"sophia"}'), { text: 'Hi.', voice_id: 'sophia' });
  assert.equal(decodeRequest('null'), null, 'JSON that is not an object is left to the request check');
  assert.equal(decodeRequest('{"text":'), undefined);
  assert.equal(decodeRequest(undefined), undefined, 'a binary frame');
});
