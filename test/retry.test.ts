// The one backoff, table by table: every retry policy of the house read from retry.ts, time injected
// as the random draw (no sleeps).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OVER_LIMIT_BACKOFF, RECONNECT_DELAYS_MS, backoffDelay, cancellableDelay, resendDelayMs, withJitter } from '../src/waves/retry.js';

const low = () => 0;
const mid = () => 0.5;
const high = () => 1;

describe('backoffDelay: base·factor^attempt up to the ceiling, drawn within the jitter', () => {
  const cases: [string, Parameters<typeof backoffDelay>[1], () => number, number[]][] = [
    ['defaults, lowest draw (half)', {}, low, [125, 250, 500, 1000, 2000, 4000, 4000]],
    ['defaults, middle draw', {}, mid, [188, 375, 750, 1500, 3000, 6000, 6000]],
    ['defaults, highest draw (all)', {}, high, [250, 500, 1000, 2000, 4000, 8000, 8000]],
    ['batch-style policy', { baseMs: 100, maxMs: 1000 }, high, [100, 200, 400, 800, 1000, 1000, 1000]],
    ['factor 4, no jitter', { baseMs: 250, factor: 4, maxMs: 2000, jitter: [1, 1] }, mid, [250, 1000, 2000, 2000, 2000, 2000, 2000]],
    ['jitter up to 20% longer', { baseMs: 1000, maxMs: 1000, jitter: [1, 1.2] }, high, [1200, 1200, 1200, 1200, 1200, 1200, 1200]],
  ];
  for (const [name, policy, random, expected] of cases) {
    test(name, () => assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map((attempt) => backoffDelay(attempt, policy, random)), expected));
  }

  test('a huge attempt number stays at the ceiling, never Infinity', () => {
    assert.equal(backoffDelay(10_000, {}, high), 8000);
    assert.equal(backoffDelay(10_000, { maxMs: Number.POSITIVE_INFINITY }, high), 250 * 2 ** 30);
  });
});

describe('the policies of the client', () => {
  test('reconnect: at once, then 250 ms, 1 s, 2 s', () => assert.deepEqual(RECONNECT_DELAYS_MS, [0, 250, 1000, 2000]));

  const jitterCases: [string, () => number, number[]][] = [
    ['lowest draw: the delays themselves', low, [0, 250, 1000, 2000]],
    ['middle draw: 10% longer', mid, [0, 275, 1100, 2200]],
    ['highest draw: 20% longer', high, [0, 300, 1200, 2400]],
  ];
  for (const [name, random, expected] of jitterCases) {
    test(`reconnect jitter, ${name}`, () => assert.deepEqual(withJitter(RECONNECT_DELAYS_MS, random), expected));
  }

  const resendCases: [drops: number, ms: number][] = [[0, 0], [1, 0], [2, 250], [3, 1000], [4, 4000], [5, 16_000]];
  for (const [drops, ms] of resendCases) {
    test(`resend after drop ${drops}: ${ms} ms (the same as 250·4^(drops−2) before)`, () => assert.equal(resendDelayMs(drops), ms));
  }

  test('over the account limit: from 0.5 s doubled to 5 s, equal jitter', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 8].map((a) => backoffDelay(a, OVER_LIMIT_BACKOFF, high)), [500, 1000, 2000, 4000, 5000, 5000]);
    assert.deepEqual([0, 1, 2, 3, 4, 8].map((a) => backoffDelay(a, OVER_LIMIT_BACKOFF, low)), [250, 500, 1000, 2000, 2500, 2500]);
  });
});

describe('cancellableDelay', () => {
  test('an aborted signal ends the wait at once with false; no wait is true at once', async () => {
    const abort = new AbortController();
    abort.abort();
    assert.equal(await cancellableDelay(60_000, abort.signal), false);
    assert.equal(await cancellableDelay(0, new AbortController().signal), true);
  });

  test('aborting during the wait ends it with false', async () => {
    const abort = new AbortController();
    const waiting = cancellableDelay(60_000, abort.signal);
    abort.abort();
    assert.equal(await waiting, false);
  });
});
