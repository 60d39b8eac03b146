import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlaybackClock } from '../src/audio/playback-clock.js';

// 8000 Hz, 16-bit mono: 16 bytes per millisecond.
test('audio fed before the device runs dry is no underrun', () => {
  const clock = new PlaybackClock(8000);
  clock.fed(1600, 0); // 100 ms: plays until t=100
  clock.fed(1600, 60); // in time: plays until t=200
  clock.fed(1600, 199); // just in time
  assert.equal(clock.underruns, 0);
  assert.equal(clock.silentFrom, 300);
  assert.equal(clock.bufferedMs(250), 50);
});

test('audio fed after the device ran dry counts an underrun and its silence', () => {
  const clock = new PlaybackClock(8000);
  clock.fed(1600, 0);
  clock.fed(1600, 130); // 30 ms of silence first
  clock.fed(800, 300); // 70 ms late again
  assert.equal(clock.underruns, 2);
  assert.equal(clock.underrunMs, 100);
  assert.equal(clock.silentFrom, 350);
});

test('after stop() the next audio starts afresh', () => {
  const clock = new PlaybackClock(8000);
  clock.fed(1600, 0);
  clock.stop(40);
  assert.equal(clock.bufferedMs(40), 0);
  clock.fed(1600, 500);
  assert.equal(clock.underruns, 0);
  assert.equal(clock.silentFrom, 600);
});
