// The worker's stdio frames: whole frames out of arbitrary chunks, and a garbled stream refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeFrame, FrameDecoder } from '../src/server/engines/flite/frames.js';

test('frames split at every byte boundary come out whole and in order', () => {
  const pcm = new Uint8Array(Int16Array.from([0, 1, -1, 32767, -32768]).buffer);
  const stream = Buffer.concat([encodeFrame({ id: 1, ok: true, words: [{ word: 'Mr.', start: 0, end: 0.4 }] }, pcm), encodeFrame({ id: 2, ok: false, message: 'flite exited with 1' })]);
  for (const size of [1, 3, 7, stream.length]) {
    const decoder = new FrameDecoder();
    const frames = [];
    for (let at = 0; at < stream.length; at += size) frames.push(...decoder.push(stream.subarray(at, at + size)));
    assert.deepEqual(frames.map((f) => f.header.id), [1, 2], `chunks of ${size}`);
    assert.deepEqual([...new Int16Array(new Uint8Array(frames[0].payload).buffer)], [0, 1, -1, 32767, -32768]);
    assert.equal(frames[1].payload.length, 0);
    assert.equal(decoder.pendingBytes, 0);
  }
});

test('a stream that is not frames is an error, not a guess', () => {
  const notJson = Buffer.concat([Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{{{')]);
  assert.throws(() => new FrameDecoder().push(notJson), SyntaxError);
  const partial = encodeFrame({}).subarray(0, 8);
  assert.throws(() => new FrameDecoder().push(Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('[]')])), /not a JSON object/);
  assert.deepEqual(new FrameDecoder().push(partial), []);
  assert.throws(() => new FrameDecoder().push(Buffer.from([255, 255, 255, 255, 0, 0, 0, 0])), /too large/);
});
