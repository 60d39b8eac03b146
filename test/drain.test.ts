// The end-of-stream rule and its neighbours, table by table with injected times: no sleeps.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DRAIN_CAP_MS, DRAIN_FLOOR_MS, allWordsBack, drainGapMs, drainWaitMs, stallGapMs } from '../src/waves/utterance/drain.js';
import { maySendMore, WINDOW_CHARS } from '../src/waves/utterance/send-window.js';
import { detectConvention, inContextTime } from '../src/waves/utterance/word-clock.js';

describe('drainGapMs: twice the longest pause seen, within the floor and the cap', () => {
  const cases: [number, number, number][] = [
    [0, 0, DRAIN_FLOOR_MS],
    [40, 90, DRAIN_FLOOR_MS], // a fast service: the floor
    [400, 120, 800],
    [120, 700, 1400], // a slow first audio counts too
    [5000, 0, DRAIN_CAP_MS], // never more than the cap
  ];
  for (const [longestCompleteGapMs, firstAudioMs, expected] of cases) {
    test(`gap ${longestCompleteGapMs} ms, first audio ${firstAudioMs} ms → ${expected} ms`, () => {
      assert.equal(drainGapMs({ longestCompleteGapMs, firstAudioMs }), expected);
    });
  }
  test('the stall gap is shorter, never above the drain gap', () => {
    assert.equal(stallGapMs({ longestCompleteGapMs: 10, firstAudioMs: 0 }), 50);
    assert.equal(stallGapMs({ longestCompleteGapMs: 100, firstAudioMs: 0 }), 200);
    assert.equal(stallGapMs({ longestCompleteGapMs: 2000, firstAudioMs: 0 }), drainGapMs({ longestCompleteGapMs: 2000, firstAudioMs: 0 }));
  });
});

describe('drainWaitMs: finished once closed, the last frame a complete, and quiet for the gap', () => {
  const base = { closeSent: true, lastFrame: 'complete' as const, lastFrameAt: 1000, closeSentAt: 900 };
  const cases: [string, Parameters<typeof drainWaitMs>[0], number, number | undefined][] = [
    ['not closed yet: the rule cannot hold', { ...base, closeSent: false }, 5000, undefined],
    ['audio still flowing (last frame a chunk)', { ...base, lastFrame: 'chunk' }, 5000, undefined],
    ['a word last (its audio may follow)', { ...base, lastFrame: 'word' }, 5000, undefined],
    ['nothing at all yet', { ...base, lastFrame: undefined }, 5000, undefined],
    ['quiet since the complete, part of the gap', base, 1100, 200],
    ['quiet for the whole gap: finished', base, 1300, 0],
    ['the close went after the complete: counted from the close', { ...base, closeSentAt: 1200 }, 1300, 200],
  ];
  for (const [name, state, now, expected] of cases) test(name, () => assert.equal(drainWaitMs(state, 300, now), expected));
});

test('allWordsBack: every word sent came back, the last one verbatim', () => {
  assert.equal(allWordsBack(['a', 'b', '$100'], 3, '$100'), true);
  assert.equal(allWordsBack(['a', 'b', '$100'], 2, 'b'), false);
  assert.equal(allWordsBack(['a', 'b', '$100'], 3, 'b'), false, 'the service split a word: not proof');
  assert.equal(allWordsBack([], 0, undefined), false);
});

describe('word times in either convention', () => {
  const cases: [string, number, number, string | undefined][] = [
    ['counted from the release: near 0', 0.08, 2.4, 'per-release'],
    ['counted from the context: at or after the release start', 2.45, 2.4, 'per-context'],
    ['exactly at the release start', 2.4, 2.4, 'per-context'],
    ['a first release too short to tell', 0.001, 0.003, undefined],
  ];
  for (const [name, start, releaseStart, expected] of cases) test(name, () => assert.equal(detectConvention(start, releaseStart), expected));
  test('a word in context time', () => {
    assert.deepEqual(inContextTime({ start: 0.1, end: 0.3 }, 'per-release', 2), { start: 2.1, end: 2.3 });
    assert.deepEqual(inContextTime({ start: 2.1, end: 2.3 }, 'per-context', 2), { start: 2.1, end: 2.3 });
  });
});

test('maySendMore: the unheard estimate bounds the text ahead; a stall sends anyway', () => {
  assert.equal(maySendMore(0, 0, 13, false), true);
  assert.equal(maySendMore(WINDOW_CHARS, 0, 13, false), false);
  assert.equal(maySendMore(WINDOW_CHARS + 129, 10, 13, false), true, '10 s heard covers 130 characters');
  assert.equal(maySendMore(WINDOW_CHARS + 130, 10, 13, false), false);
  assert.equal(maySendMore(10 * WINDOW_CHARS, 0, 13, true), true, 'a stall');
});
