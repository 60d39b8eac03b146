// Word timings from Flite's segments: input words lined up with the phones they become; pure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignWords, parsePhoneLines, parseSegments } from '../src/server/engines/flite/word-align.js';

// Output in the form Flite prints it for "Dr. Who paid $100 -- twice." (-psdur; times rounded), and
// the one-word-per-utterance run (-ps) that says which phones each word becomes alone.
const SPOKEN = 'pau:0.164 d:0.230 aa:0.361 k:0.410 t:0.460 er:0.540 hh:0.600 uw:0.720 p:0.800 ey:0.900 d:0.950 w:1.010 ah:1.060 n:1.100 hh:1.160 ah:1.240 n:1.300 d:1.350 r:1.400 ax:1.430 d:1.470 d:1.520 aa:1.610 l:1.680 er:1.740 z:1.800 pau:1.950 t:2.000 w:2.080 ay:2.250 s:2.360 pau:2.500 \n';
const ALONE = 'pau d r ay v pau \npau hh uw pau \npau p ey d pau \npau w aa n hh aa n d r ax d d aa l er z pau \npau \npau t w ay s pau \n';
const WORDS = ['Dr.', 'Who', 'paid', '$100', '--', 'twice.'];

test('each input word spans its own phones, even where its reading alone differs (Dr. → drive/doctor, one → w aa n/w ah n)', () => {
  const words = alignWords(WORDS, parseSegments(SPOKEN), parsePhoneLines(ALONE), 2.5);
  assert.deepEqual(words, [
    { word: 'Dr.', start: 0.164, end: 0.54 },
    { word: 'Who', start: 0.54, end: 0.72 },
    { word: 'paid', start: 0.72, end: 0.95 },
    { word: '$100', start: 0.95, end: 1.8 },
    { word: '--', start: 1.8, end: 1.8 },
    { word: 'twice.', start: 1.95, end: 2.36 },
  ]);
});

test('times stay inside the audio, and a count mismatch falls back to an estimate with every word once, in order', () => {
  const cases: { name: string; phones: string[][] | undefined; duration: number }[] = [
    { name: 'no analysis', phones: undefined, duration: 2.5 },
    { name: 'analysis lines do not match the words', phones: parsePhoneLines(ALONE).slice(1), duration: 2.5 },
    { name: 'audio shorter than the segments claim', phones: parsePhoneLines(ALONE), duration: 1.2 },
  ];
  for (const { name, phones, duration } of cases) {
    const words = alignWords(WORDS, parseSegments(SPOKEN), phones, duration);
    assert.deepEqual(words.map((w) => w.word), WORDS, name);
    let previous = 0;
    for (const w of words) {
      assert.ok(w.start >= previous && w.end >= w.start && w.end <= duration, `${name}: ${JSON.stringify(w)}`);
      previous = w.start;
    }
  }
});

test('segments of several utterances form one timeline', () => {
  assert.deepEqual(parseSegments('pau:0.1 ah:0.3 \npau:0.2 b:0.5 \n').map((s) => s.end), [0.1, 0.3, 0.5, 0.8]);
  assert.deepEqual(alignWords([], [], [], 1), []);
  assert.deepEqual(alignWords(['...'], parseSegments('pau:0.2 \n'), [[]], 0.2), [{ word: '...', start: 0, end: 0 }]);
});
