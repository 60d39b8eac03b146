import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LiveLine, ProgressEstimator, estimateRemainingMs, fitWidth, formatClock, formatElapsed, printable, progressText, summaryText, usableWidth } from '../src/cli/terminal/progress.js';
import { waitFor } from './helpers.js';

describe('formatting', () => {
  test('clock times', () => {
    const table: [number, string][] = [[0, '0:00'], [5.9, '0:05'], [761, '12:41'], [3600, '1:00:00'], [3723, '1:02:03'], [-1, '0:00']];
    for (const [seconds, text] of table) assert.equal(formatClock(seconds), text, String(seconds));
  });

  test('elapsed times', () => {
    assert.equal(formatElapsed(420), '0.4 s');
    assert.equal(formatElapsed(38_200), '38 s');
    assert.equal(formatElapsed(125_000), '2:05');
  });

  test('the ETA follows the pace so far and is unknown before anything is done', () => {
    assert.equal(estimateRemainingMs({ textDone: 0, textTotal: 100, audioSeconds: 0 }, 5000), undefined);
    assert.equal(estimateRemainingMs({ textDone: 25, textTotal: 100, audioSeconds: 10 }, 4000), 12_000);
    assert.equal(estimateRemainingMs({ textDone: 100, textTotal: 100, audioSeconds: 40 }, 16_000), 0);
  });

  test('the progress line: share, audio time, ETA', () => {
    assert.equal(progressText({ textDone: 37, textTotal: 100, audioSeconds: 83 }, 10_000), '37% · 1:23 of audio · ETA 0:18');
    assert.equal(progressText({ textDone: 0, textTotal: 100, audioSeconds: 0.4 }, 900), '0% · 0:00 of audio · ETA …');
  });

  test('the summary names the file, the audio length and the time taken', () => {
    assert.equal(summaryText('chapter.mp3', 761, 38_000), 'wrote chapter.mp3 — 12:41 of audio in 38 s');
  });

  test('control characters in a file name cannot move the cursor', () => {
    assert.equal(printable('evil\x1b[2J\r\n.wav'), 'evil?[2J??.wav');
  });

  test('fitting to the width: 0 or unknown counts as 80; never wider than width − 1', () => {
    assert.equal(usableWidth(0), 80);
    assert.equal(usableWidth(undefined), 80);
    const long = 'x'.repeat(200);
    assert.equal(Array.from(fitWidth(long, 0)).length, 79);
    assert.equal(fitWidth('37% · 1:23 of audio', 10), '37% · 1:…');
    assert.equal(Array.from(fitWidth(long, 1)).length, 1);
    assert.equal(fitWidth('short', 100), 'short');
  });
});

test('between request boundaries the share moves with the audio, at the pace so far, and never back', () => {
  const e = new ProgressEstimator();
  const total = 1000;
  assert.equal(e.estimate({ textDone: 0, textTotal: total, audioSeconds: 2 }).textDone, 0, 'no pace known yet');
  assert.equal(e.estimate({ textDone: 100, textTotal: total, audioSeconds: 10 }).textDone, 100);
  assert.equal(e.estimate({ textDone: 100, textTotal: total, audioSeconds: 15 }).textDone, 150, '10 characters a second of audio');
  assert.equal(e.estimate({ textDone: 140, textTotal: total, audioSeconds: 16 }).textDone, 150, 'a shorter request than guessed: no step back');
  assert.equal(e.estimate({ textDone: 900, textTotal: total, audioSeconds: 200 }).textDone, 900);
  assert.equal(e.estimate({ textDone: 900, textTotal: total, audioSeconds: 400 }).textDone, total, 'capped at the whole text');
});

describe('LiveLine', () => {
  /** A terminal stand-in: what was written and how wide it is. */
  function fakeTerminal(columns: number | undefined) {
    const writes: string[] = [];
    return { writes, stream: { columns, write: (s: string) => writes.push(s) } };
  }

  for (const columns of [0, undefined, 10, 100]) {
    test(`redraws with \\r and clear-line only, each draw fitting the width (columns ${columns})`, async () => {
      const { writes, stream } = fakeTerminal(columns);
      const line = new LiveLine(stream, { delayMs: 0, intervalMs: 5 });
      for (let i = 0; i <= 100; i++) line.set(progressText({ textDone: i, textTotal: 100, audioSeconds: i * 3 }, 1000 + i * 100));
      await waitFor(() => writes.length >= 3, 5000, 'a few draws');
      line.print('a verbose line');
      line.stop();
      const all = writes.join('');
      assert.doesNotMatch(all, /\x1b\[\d*[ABEF]/, 'no cursor movement up or down');
      for (const draw of writes.filter((w) => w.startsWith('\r\x1b[K') && w.length > 4)) {
        assert.ok(Array.from(draw.slice(4)).length <= usableWidth(columns) - 1, JSON.stringify(draw));
      }
      assert.ok(writes.includes('a verbose line\n'));
      const lastDraw = writes.findLastIndex((w) => w.startsWith('\r\x1b[K') && w.length > 4);
      assert.ok(lastDraw >= 0 && writes.slice(lastDraw + 1).includes('\r\x1b[K'), 'the last draw is cleared: no line is left behind');
    });
  }

  test('set() many times between ticks draws once per tick, not once per call', async () => {
    const { writes, stream } = fakeTerminal(80);
    const line = new LiveLine(stream, { delayMs: 0, intervalMs: 20 });
    for (let i = 0; i < 10_000; i++) line.set(`update ${i}`);
    await waitFor(() => writes.length >= 1, 5000, 'a draw');
    line.stop();
    assert.ok(writes.length < 100, `${writes.length} writes for 10 000 updates`);
    assert.match(writes[0], /update 9999$/, 'the latest text is drawn');
  });

  test('nothing is drawn before the delay: quick work shows nothing', () => {
    const { writes, stream } = fakeTerminal(80);
    const line = new LiveLine(stream, { delayMs: 60_000, intervalMs: 1 });
    line.set('Connecting…');
    line.stop();
    assert.deepEqual(writes, []);
  });
});
