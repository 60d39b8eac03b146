import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../src/core/errors.js';
import {
  buildCues, formatSrt, formatTimestamp, formatVtt, subtitleFormatFromPath, toMilliseconds,
  type TimedWord,
} from '../src/text/subtitles.js';
import { endsSentence } from '../src/text/sentences.js';
import { writeFileOutput as writeSubtitleFile } from '../src/audio/byte-target.js';
import { tempDir } from './helpers.js';

/** Words of `text` timed 0.3 s apart, each lasting 0.25 s, from `offset`. */
function timed(text: string, offset = 0, step = 0.3): TimedWord[] {
  return text.split(' ').map((word, i) => ({ word, start: offset + i * step, end: offset + i * step + 0.25 }));
}

const PROSE =
  'Mr. Smith met Dr. Jones at 10.30 on Baker St. in London. They talked for 2.5 hours, e.g. about the U.S. budget! ' +
  'Was it worth $1,200? Perhaps… The meeting, held on 3 March 2026, ended late. J. R. R. Tolkien would have approved.';

test('every word appears exactly once, verbatim and in order, within the bounds', () => {
  const words = timed(PROSE);
  const cues = buildCues(words);
  assert.equal(cues.map((c) => c.text).join(' '), PROSE);
  assert.deepEqual(cues.flatMap((c) => c.words), words);
  for (const cue of cues) {
    assert.ok(cue.text.length <= 42, `${cue.text.length} chars: ${cue.text}`);
    assert.ok(cue.end - cue.start <= 7, `${cue.end - cue.start} s`);
    assert.equal(cue.start, cue.words[0].start);
    assert.equal(cue.end, cue.words[cue.words.length - 1].end);
  }
});

test('sentence ends close a cue; abbreviations, initials, acronyms and decimals do not', () => {
  const cues = buildCues(timed(PROSE), { maxChars: 1000, maxSeconds: 1000 });
  assert.deepEqual(cues.map((c) => c.text), [
    'Mr. Smith met Dr. Jones at 10.30 on Baker St. in London.',
    'They talked for 2.5 hours, e.g. about the U.S. budget!',
    'Was it worth $1,200?',
    'Perhaps…',
    'The meeting, held on 3 March 2026, ended late.',
    'J. R. R. Tolkien would have approved.',
  ]);
});

for (const [word, expected] of [
  ['end.', true], ['end!', true], ['why?', true], ['so…', true], ['so...', true], ['“Done.”', true], ['(really?)', true], ['2026.', true],
  ['Mr.', false], ['DR.', false], ['e.g.', false], ['i.e.', false], ['U.S.', false], ['J.', false], ['3.14', false], ['word', false], ['$1,200', false],
] as const) {
  test(`endsSentence(${JSON.stringify(word)}) is ${expected}`, () => assert.equal(endsSentence(word), expected));
}

test('a cue breaks before the word that would pass 42 characters, and a longer word stands alone', () => {
  const text = 'Pneumonoultramicroscopicsilicovolcanoconiosis is a word coined in 1935 by the president of the National Puzzlers League';
  const cues = buildCues(timed(text, 0, 0.1));
  assert.equal(cues[0].text, 'Pneumonoultramicroscopicsilicovolcanoconiosis');
  assert.equal(cues.map((c) => c.text).join(' '), text);
  for (const cue of cues.slice(1)) assert.ok(cue.text.length <= 42);
  // Filled as far as the bound allows: adding the next cue's first word would pass it.
  for (let i = 1; i < cues.length - 1; i++) assert.ok(cues[i].text.length + 1 + cues[i + 1].words[0].word.length > 42);
});

test('slow speech breaks at 7 seconds even without punctuation', () => {
  const cues = buildCues(timed('one two three four five six seven eight nine ten', 12, 1.5));
  assert.deepEqual(cues.map((c) => c.words.length), [5, 5]); // 12.0 … 18.25 fits; 19.5 … 19.75 would be 7.75 s
  assert.ok(cues.every((c) => c.end - c.start <= 7));
});

test('no words, no cues; an SRT of no cues is empty and a VTT is just its header', () => {
  assert.deepEqual(buildCues([]), []);
  assert.equal(formatSrt([]), '');
  assert.equal(formatVtt([]), 'WEBVTT\n');
});

for (const [seconds, ms] of [
  [0, 0], [0.0004, 0], [0.0005, 1], [1.0005, 1001], [1.0004999, 1000], [2.9995, 3000], [0.1 + 0.2, 300], [59.9999, 60000],
  [1.001, 1001], [4.35, 4350], [1234.5675, 1234568], [-0.2, 0], [1e-7, 0], [36000, 36_000_000],
] as const) {
  test(`toMilliseconds(${seconds}) is ${ms}`, () => assert.equal(toMilliseconds(seconds), ms));
}

for (const [seconds, srt] of [
  [0, '00:00:00,000'], [1.0005, '00:00:01,001'], [59.9995, '00:01:00,000'], [3599.9996, '01:00:00,000'], [3723.456, '01:02:03,456'], [360000.5, '100:00:00,500'],
] as const) {
  test(`formatTimestamp(${seconds}) is ${srt}`, () => {
    assert.equal(formatTimestamp(seconds, ','), srt);
    assert.equal(formatTimestamp(seconds, '.'), srt.replace(',', '.'));
  });
}

test('a timing that is not a number is refused', () => {
  assert.throws(() => toMilliseconds(Number.NaN), /not a number/);
});

test('SRT: 1-based indices, comma milliseconds, a blank line between cues', () => {
  const cues = buildCues([
    { word: 'Hello,', start: 0.5, end: 0.9 },
    { word: 'Dr.', start: 1, end: 1.2 },
    { word: 'Watson.', start: 1.25, end: 1.8 },
    { word: 'Come', start: 2.0005, end: 2.3 },
    { word: 'here.', start: 2.35, end: 2.9 },
  ]);
  assert.equal(formatSrt(cues), '1\n00:00:00,500 --> 00:00:01,800\nHello, Dr. Watson.\n\n2\n00:00:02,001 --> 00:00:02,900\nCome here.\n');
});

test('VTT: the header, dot milliseconds, and & < > as character references', () => {
  const cues = buildCues([
    { word: 'Salt', start: 0, end: 0.3 },
    { word: '&', start: 0.3, end: 0.4 },
    { word: 'pepper', start: 0.4, end: 0.8 },
    { word: '<3', start: 0.8, end: 1 },
    { word: '-->', start: 1, end: 1.1 },
    { word: 'done.', start: 1.1, end: 1.5 },
  ]);
  assert.equal(formatVtt(cues), 'WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nSalt &amp; pepper &lt;3 --&gt; done.\n');
});

for (const [path, format] of [['a.srt', 'srt'], ['dir/Chapter 1.VTT', 'vtt'], ['x.Srt', 'srt']] as const) {
  test(`subtitleFormatFromPath(${JSON.stringify(path)}) is ${format}`, () => assert.equal(subtitleFormatFromPath(path), format));
}

test('any other extension is a usage error naming both formats', () => {
  for (const path of ['subs.txt', 'subs', 'srt', 'a.srt.bak']) {
    assert.throws(() => subtitleFormatFromPath(path), (error: unknown) => error instanceof UsageError && /\.srt/.test(error.message) && /\.vtt/.test(error.message));
  }
});

test('writeSubtitleFile replaces a file whole and leaves no temporary file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'talk.srt');
  writeFileSync(path, 'old');
  const text = formatSrt(buildCues(timed(PROSE)));
  await writeSubtitleFile(path, text);
  assert.equal(readFileSync(path, 'utf8'), text);
  assert.deepEqual(readdirSync(dir), ['talk.srt']);
  await assert.rejects(writeSubtitleFile(join(dir, 'missing', 'x.srt'), text), /Cannot write/);
  assert.deepEqual(readdirSync(dir), ['talk.srt']);
});
