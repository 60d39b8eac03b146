// Karaoke: the word being heard highlighted in a real terminal, timed by the playback clock; the frame logic alone.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { karaokeFrame } from '../src/cli/terminal/karaoke.js';
import { serverArgs, speakerInstalled, startServer, tempDir, type TestContextLike } from './helpers.js';
import { hasScript, inTerminal } from './terminal.js';

const TEXT = 'Mr. Holmes took his seat by the fire. Watson poured the tea, and the clock ticked on.';

describe('karaokeFrame', () => {
  const words = TEXT.split(' ').map((word, i) => ({ word, start: i * 0.5, end: i * 0.5 + 0.4 }));
  test('the word being heard, a third of the line before it, as much as fits after', () => {
    assert.deepEqual(karaokeFrame(words, [], 1.1, 40), { before: 'Mr. Holmes ', current: 'took', after: ' his seat by the fire.' });
    assert.deepEqual(karaokeFrame(words, [], 0, 40)?.current, 'Mr.');
    const late = karaokeFrame(words, [], 4.7, 30)!;
    assert.equal(late.current, 'poured');
    assert.ok(late.before.length + late.current.length + late.after.length <= 29);
  });
  test('before any word, nothing; a narrow or sizeless terminal still fits', () => {
    assert.equal(karaokeFrame(words, [], -1, 80), null);
    const narrow = karaokeFrame(words, [], 2.1, 5)!;
    assert.ok(narrow.before.length + narrow.current.length + narrow.after.length <= 4, JSON.stringify(narrow));
    assert.equal(karaokeFrame(words, [], 2.1, 0)?.current, 'seat', '0 columns counts as 80');
  });
  test('without word timings: the piece of text being heard; control characters shown as ?', () => {
    const segments = [{ text: 'First sentence.', start: 0 }, { text: 'Second \x1b[31m one.', start: 2 }];
    assert.deepEqual(karaokeFrame([], segments, 1, 80), { before: 'First sentence.', current: '', after: '' });
    assert.equal(karaokeFrame([], segments, 2.5, 80)?.before, 'Second ?[31m one.');
  });
});

/** A HOME whose ALSA default device is a file, so playback works without a sound card. */
function alsaHome(t: TestContextLike): string {
  const home = tempDir(t);
  writeFileSync(join(home, '.asoundrc'), `pcm.!default { type file; slave.pcm "null"; file "${join(home, 'x.raw')}"; format "raw" }\n`);
  return home;
}

describe('karaoke in a terminal', { skip: (!hasScript && 'script (util-linux) is not installed') || (!speakerInstalled && 'speaker is not installed') }, () => {
  test('playing on a 60-column terminal: each word highlighted in turn, in order', async (t) => {
    const server = await startServer(t, { realtimeFactor: 1 });
    const r = await inTerminal('cols 60 rows 20', ['say', TEXT, '--voice', 'liam', ...serverArgs(server)], { HOME: alsaHome(t) });
    assert.equal(r.code, 0, r.output.toString());
    assert.equal(server.requests[0].body.word_timestamps, true, 'karaoke asks for word timings');
    const highlighted = [...r.output.toString().matchAll(/\x1b\[7m(.*?)\x1b\[27m/g)].map((m) => m[1]).filter((w, i, all) => w !== all[i - 1]);
    const expected = TEXT.split(' ');
    assert.ok(highlighted.length >= expected.length / 2, `only ${highlighted.join(' ')}`);
    let at = 0;
    for (const word of highlighted) {
      at = expected.indexOf(word, at);
      assert.ok(at >= 0, `"${word}" out of order in ${highlighted.join(' ')}`);
    }
    assert.ok(r.output.toString().split('\r').every((line) => line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').length <= 59), 'every redraw fits the width');
  });

  test('a 0×0 terminal: bounded output; --quiet: no karaoke', async (t) => {
    const server = await startServer(t, { realtimeFactor: 2 });
    const zero = await inTerminal('cols 0 rows 0', ['say', TEXT, '--voice', 'liam', ...serverArgs(server)], { HOME: alsaHome(t) });
    assert.equal(zero.code, 0);
    assert.ok(zero.output.length < 20_000, `${zero.output.length} bytes`);
    const quiet = await inTerminal('cols 80 rows 20', ['say', TEXT, '--voice', 'liam', '--quiet', ...serverArgs(server)], { HOME: alsaHome(t) });
    assert.equal(quiet.code, 0);
    assert.doesNotMatch(quiet.output.toString(), /\x1b\[7m|\[Holmes\]/);
    const plain = await inTerminal('cols 80 rows 20', ['say', TEXT, '--voice', 'liam', ...serverArgs(server)], { HOME: alsaHome(t), NO_COLOR: '1' });
    assert.equal(plain.code, 0);
    assert.doesNotMatch(plain.output.toString(), /\x1b\[7m/);
    assert.match(plain.output.toString(), /\[(Mr\.|Holmes|took)\]/, 'NO_COLOR: the word in brackets');
  });
});
