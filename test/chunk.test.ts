import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chunkText } from '../src/text/chunk.js';

const fold = (text: string) => text.replace(/\s+/g, ' ').trim();
const paragraph = 'The quick brown fox jumps over the lazy dog. Is it not? It is! Numbers like 3.14 stay whole.   New lines\nfold into spaces… ';

test('the first sentence goes alone, the rest packed under the bound, and nothing is lost', () => {
  const text = paragraph.repeat(40);
  const chunks = [...chunkText(text, { maxChars: 120 })];
  assert.equal(chunks[0], 'The quick brown fox jumps over the lazy dog.');
  for (const chunk of chunks) assert.ok(chunk.length <= 120 && chunk.length > 0, `chunk of ${chunk.length}`);
  assert.equal(chunks.join(' '), fold(text));
  assert.ok(chunks.length < 40 * 4, 'sentences are packed together');
});

test('a title such as "Mr." stays with its sentence, even as the first sentence', () => {
  const text = `Mr. Brown met Dr. Grey at St. Paul's. ${'They talked about the weather for a while. '.repeat(8)}`;
  const chunks = [...chunkText(text, { maxChars: 100 })];
  assert.equal(chunks[0], "Mr. Brown met Dr. Grey at St. Paul's.");
  assert.ok(chunks.every((c) => !/(Mr|Dr|St)\.$/.test(c)), chunks.join(' | '));
});

test('a sentence longer than the bound is cut after a clause mark or at a space', () => {
  const long = `${'word '.repeat(30)}then, ${'more '.repeat(30)}end.`;
  const chunks = [...chunkText(long, { maxChars: 100 })];
  for (const chunk of chunks) assert.ok(chunk.length <= 100);
  assert.equal(chunks.join(' '), fold(long));
});

test('text without spaces is cut hard at the bound, keeping surrogate pairs whole', () => {
  const text = '😀'.repeat(80); // 160 UTF-16 units
  const chunks = [...chunkText(text, { maxChars: 25 })];
  for (const chunk of chunks) {
    assert.ok(chunk.length <= 25);
    assert.equal(chunk, [...chunk].join(''), 'no lone surrogate');
    assert.ok(!/[\uD800-\uDBFF]$/.test(chunk));
  }
  assert.equal(chunks.join(''), text);
});

test('whitespace-only text yields nothing', () => {
  assert.deepEqual([...chunkText(' \n\t ')], []);
});

// The incremental chunker: the same fragments whatever the split points.
import { TextChunker } from '../src/text/chunk.js';
import { prose, random } from './prose.js';

const tricky = [
  'It cost 5 dollars etc. 5 apples were there. Then, Mr. Brown left.',
  'end. 5 Apples fell. "Really?" she asked. (Yes.) Fine.\r\n\r\nA new paragraph starts here.',
  `${'A very long sentence without any end that goes on and on '.repeat(12)}and stops. Short one.`,
];

/** The fragments of `text` pushed in pieces of `size` characters. */
function pushedIn(text: string, size: number, options: { maxChars?: number } = {}): string[] {
  const chunker = new TextChunker(options);
  const got: string[] = [];
  for (let at = 0; at < text.length; at += size) got.push(...chunker.push(text.slice(at, at + size)));
  return [...got, ...chunker.end()];
}

test('chunkText gives the fragments of the text pushed in pieces of any size', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const text = prose(6000, seed) + tricky.join(' ');
    const whole = [...chunkText(text)];
    for (const size of [16, 57, 200, 1000]) assert.deepEqual(pushedIn(text, size), whole, `seed ${seed}, pieces of ${size}`);
    for (const piece of whole) assert.ok(piece.length > 0 && piece.length <= 250);
    assert.equal(whole.join(' '), fold(text.replace(/([^\n])\r?\n(?=[^\r\n])/g, '$1 ')));
  }
});

test('"etc. 5 apples" is one sentence, wherever the pieces end', () => {
  const text = 'Fruit costs more now, etc. 5 apples cost 2 dollars in town. '.repeat(30);
  const whole = [...chunkText(text)];
  assert.equal(whole[0], 'Fruit costs more now, etc. 5 apples cost 2 dollars in town.');
  for (let size = 16; size <= 80; size++) assert.deepEqual(pushedIn(text, size), whole, `pieces of ${size}`);
});

test('a blank line ends a sentence without a mark, wherever the pieces end', () => {
  const text = `Chapter One \n\nIt was a dark and stormy night; the rain fell in torrents. ${'They waited for the storm to pass. '.repeat(8)}`;
  const whole = [...chunkText(text, { maxChars: 100 })];
  assert.equal(whole[0], 'Chapter One');
  for (let size = 1; size <= 30; size++) assert.deepEqual(pushedIn(text, size, { maxChars: 100 }), whole, `pieces of ${size}`);
});

test('text made of sentence marks, quotes, abbreviations, full-width marks and line breaks: the same fragments whatever the split points', () => {
  const alphabet = ['a', 'b', 'A', 'B', 'Mr', 'e.g', '3', ' ', ' ', '  ', '\n', '\n\n', '\r\n', '.', '.', '?', '!', '…', '"', ')', '。', 'word', 'Word', '\t'];
  for (let seed = 1; seed <= 400; seed++) {
    const next = random(seed);
    let text = '';
    for (const length = 100 + Math.floor(next() * 500); text.length < length; ) text += alphabet[Math.floor(next() * alphabet.length)];
    const maxChars = 20 + Math.floor(next() * 60);
    const whole = [...chunkText(text, { maxChars })];
    const chunker = new TextChunker({ maxChars });
    const got: string[] = [];
    for (let at = 0, step = 1; at < text.length; at += step, step = 1 + Math.floor(next() * 12)) got.push(...chunker.push(text.slice(at, at + step)));
    got.push(...chunker.end());
    assert.deepEqual(got, whole, `seed ${seed}`);
    assert.ok(got.every((piece) => piece.length > 0 && piece.length <= maxChars), `seed ${seed}`);
    assert.equal(got.join('').replace(/\s+/g, ''), text.replace(/\s+/g, ''), `seed ${seed}: nothing lost`);
  }
});

test('TextChunker fed at random split points gives the same pieces as the whole text', () => {
  for (let seed = 11; seed <= 40; seed++) {
    const next = random(seed);
    const text = prose(3000, seed) + tricky[seed % tricky.length] + (seed % 2 ? '\n' : ' \r\n');
    const expected = [...chunkText(text, { maxChars: 120 })];
    const chunker = new TextChunker({ maxChars: 120 });
    const got: string[] = [];
    for (let at = 0; at < text.length; ) {
      const step = next() < 0.3 ? 1 : 1 + Math.floor(next() * 40);
      got.push(...chunker.push(text.slice(at, at + step)));
      at += step;
    }
    got.push(...chunker.end());
    assert.deepEqual(got, expected, `seed ${seed}`);
    for (const piece of got) assert.ok(piece.length <= 120, `piece of ${piece.length}`);
  }
});

test('TextChunker one character at a time, through a sentence far longer than the window, gives the same pieces', () => {
  const runOn = `In the U.S. the numbers 3.14 and 2.71 (see p. 12) kept coming ${'and coming 1.5 times e.g. more '.repeat(60)}until it stopped. Then Dr. Lee spoke.`;
  const text = prose(800, 99) + runOn + prose(800, 98);
  const chunker = new TextChunker({ maxChars: 100 });
  const got = [...text].flatMap((ch) => chunker.push(ch));
  got.push(...chunker.end());
  assert.deepEqual(got, [...chunkText(text, { maxChars: 100 })]);
});

test('TextChunker releases the first sentence as soon as the next one begins, and holds a line break until it is decided', () => {
  const chunker = new TextChunker();
  assert.deepEqual(chunker.push('Mr. Smith arrived at 9.30 a.m. on Monday.'), []);
  assert.deepEqual(chunker.push(' '), []);
  assert.deepEqual(chunker.push('Dr'), ['Mr. Smith arrived at 9.30 a.m. on Monday.']);
  assert.deepEqual(chunker.push('. Jones was late.'), []);
  assert.deepEqual(chunker.push(' He said\n'), []);
  assert.deepEqual(chunker.push('nothing.\n\nThe end.'), []);
  assert.deepEqual(chunker.end(), ['Dr. Jones was late. He said nothing. The end.']);
  assert.deepEqual(chunker.end(), [], 'nothing is released twice');
});

// Regression: the one sentence finder knew only Latin and CJK marks, so long Hindi, Urdu, Arabic …
// text was cut at a space in the middle of a sentence (Intl.Segmenter, before it, knew these marks).
describe('sentence ends in other scripts: long text is cut only at sentence ends', () => {
  const rows = [
    { script: 'Hindi (danda)', sentence: 'यह दूसरा वाक्य है जो थोड़ा लंबा है।', mark: '।' },
    { script: 'Sanskrit (double danda)', sentence: 'धर्मक्षेत्रे कुरुक्षेत्रे समवेता युयुत्सवः॥', mark: '॥' },
    { script: 'Urdu (full stop)', sentence: 'یہ دوسرا جملہ ہے جو تھوڑا لمبا ہے۔', mark: '۔' },
    { script: 'Arabic (question mark)', sentence: 'هل تسمعني جيدا يا صديقي العزيز؟', mark: '؟' },
    { script: 'Armenian (full stop)', sentence: 'Սա երկրորդ նախադասությունն է, որը մի քիչ երկար է։', mark: '։' },
    { script: 'Amharic (full stop)', sentence: 'ይህ ሁለተኛው ዓረፍተ ነገር ነው እና ትንሽ ረዘም ያለ ነው።', mark: '።' },
    { script: 'Japanese (half-width mark)', sentence: '今日は良い天気ですね｡', mark: '｡' },
    { script: 'Japanese (full-width full stop)', sentence: '円周率は３．１４です．', mark: '．' },
  ];
  for (const row of rows) {
    test(row.script, () => {
      const text = Array.from({ length: Math.ceil(700 / row.sentence.length) }, () => row.sentence).join(row.mark === '｡' || row.mark === '．' ? '' : ' ');
      const fragments = [...chunkText(text)];
      assert.ok(fragments.length > 1, `${fragments.length} fragment(s)`);
      for (const fragment of fragments) assert.ok(fragment.endsWith(row.mark), `cut mid-sentence: …${fragment.slice(-20)}`);
      assert.equal(fragments.join('').replace(/\s/g, ''), text.replace(/\s/g, ''), 'no text lost');
    });
  }
});
