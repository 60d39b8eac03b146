import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AudioSink } from '../src/audio/sink.js';
import { UtteranceQueue } from '../src/pipeline/utterance-queue.js';
import { SpeechStream } from '../src/waves/utterance/speech-stream.js';
import { waitFor } from './helpers.js';

/** A sink whose writes wait until the test lets them through. */
function gatedSink() {
  const written: number[] = [];
  let open: (() => void) | null = null;
  const sink: AudioSink & { interrupted: number } = {
    interrupted: 0,
    write: (pcm) => new Promise<void>((resolve) => (open = () => (written.push(pcm[0]), resolve()))),
    end: async () => {},
    abort: async () => {},
    interrupt: async () => void sink.interrupted++,
  };
  return { sink, written, release: () => { const o = open; open = null; o?.(); }, waiting: () => open !== null };
}

test('requests are made only a few utterances ahead of playback, in order; actions run at their place', async () => {
  const { sink, written, release, waiting } = gatedSink();
  const queue = new UtteranceQueue({ openSink: async () => sink, onError: (e) => assert.fail(e), lookahead: 2 });
  const made: number[] = [];
  const events: string[] = [];
  const streams = Array.from({ length: 6 }, () => new SpeechStream('x', 8000));
  queue.speak(...streams.slice(0, 3).map((s, i) => () => (made.push(i), s)));
  queue.after(() => void events.push(`action after ${written.length}`));
  queue.speak(...streams.slice(3).map((s, i) => () => (made.push(i + 3), s)));
  for (const [i, s] of streams.entries()) {
    s.push(Buffer.from([i, 0]));
    s.end();
  }
  await waitFor(waiting, 1000, 'the first write');
  assert.deepEqual(made, [0, 1, 2], 'the one playing and two ahead');
  for (let i = 0; i < 6; i++) {
    await waitFor(waiting, 1000, `write ${i}`);
    release();
  }
  await queue.idle();
  assert.deepEqual(written, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(made, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(events, ['action after 3']);
});

test('stop() silences the sink, forgets queued speech, keeps actions', async () => {
  const { sink, written, release, waiting } = gatedSink();
  const queue = new UtteranceQueue({ openSink: async () => sink, onError: (e) => assert.fail(e) });
  const first = new SpeechStream('a', 8000);
  first.push(Buffer.from([1, 0]));
  first.push(Buffer.from([2, 0]));
  let later = 0;
  let acted = false;
  queue.speak(() => first, () => (later++, new SpeechStream('b', 8000)), () => (later++, new SpeechStream('c', 8000)), () => (later++, new SpeechStream('d', 8000)));
  queue.after(() => void (acted = true));
  await waitFor(waiting, 1000, 'playing');
  first.end({ interrupted: true }); // what client.interrupt() does to the streams it made
  const stopping = queue.stop();
  release();
  await stopping;
  assert.equal(sink.interrupted, 1);
  assert.deepEqual(written, [1]);
  assert.equal(later, 2, 'only the two requested ahead were ever made');
  assert.equal(acted, true);
});

test('regression: the queue is not a thenable, so awaiting it returns the queue itself', async () => {
  const queue = new UtteranceQueue({ openSink: async () => ({ write: async () => {}, end: async () => {}, abort: async () => {} }), onError: () => {} });
  assert.equal(typeof (queue as unknown as { then?: unknown }).then, 'undefined');
  assert.equal(await (queue as unknown as Promise<unknown>), queue);
});
