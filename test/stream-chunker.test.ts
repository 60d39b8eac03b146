// TextChunker releasing each sentence (live text): streamed text into sentence fragments, nothing lost or repeated whatever the split points; the sentence-end rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextChunker } from '../src/text/chunk.js';
import { textFragments } from '../src/text/fragments.js';
import { endsSentence } from '../src/text/sentences.js';
import { prose, random } from './prose.js';

test('endsSentence: final marks, not titles, initials, dotted acronyms or decimals', () => {
  for (const word of ['today.', 'Really?', 'Yes!', 'it…', '"Fine."', 'done.)', 'Wait...']) assert.equal(endsSentence(word), true, word);
  for (const word of ['Mr.', 'Dr.', '(Mrs.', 'J.', 'e.g.', 'U.S.', 'etc.', 'word', '3.14', 'Sept.']) assert.equal(endsSentence(word), false, word);
  assert.equal(endsSentence('He met Dr.'), false, 'text: by its last word');
});

test('fed at random split points, the fragments rejoin to the folded text, each at most maxChars', () => {
  const next = random(5);
  for (let round = 0; round < 20; round++) {
    const text = prose(3000 + Math.floor(next() * 3000), round + 1);
    const chunker = new TextChunker({ maxChars: 120, release: 'sentence' });
    const out: string[] = [];
    for (let at = 0; at < text.length; ) {
      const step = 1 + Math.floor(next() * 40);
      out.push(...chunker.push(text.slice(at, at + step)));
      if (next() < 0.05) out.push(...chunker.flush()); // a pause in the input
      at += step;
    }
    out.push(...chunker.end());
    assert.equal(out.join(' '), text.replace(/\s+/g, ' ').trim(), `round ${round}`);
    assert.ok(out.every((f) => f.length > 0 && f.length <= 120), `round ${round}`);
  }
});

test('a sentence goes out once the next begins; a title does not end it; a pause releases a finished sentence only', () => {
  const chunker = new TextChunker({ release: 'sentence' });
  assert.deepEqual(chunker.push('Mr. Smith arrived at 9 a.m. today.'), []);
  assert.deepEqual(chunker.push(' He'), ['Mr. Smith arrived at 9 a.m. today.']);
  assert.deepEqual(chunker.push(' said "hello" to'), []);
  assert.deepEqual(chunker.flush(), [], 'an unfinished sentence waits through a short pause');
  assert.deepEqual(chunker.push(' Dr.'), []);
  assert.deepEqual(chunker.flush(), [], '"Dr." does not end it');
  assert.deepEqual(chunker.push(' Jones.'), []);
  assert.deepEqual(chunker.flush(), ['He said "hello" to Dr. Jones.']);
  assert.deepEqual(chunker.push('It cost 9.'), []);
  assert.deepEqual(chunker.flush(), [], 'a pause after "9." may be the middle of 9.30');
  assert.deepEqual(chunker.push('30 in all.'), []);
  assert.deepEqual(chunker.flush(), ['It cost 9.30 in all.']);
  assert.deepEqual(chunker.push('"Really?" she asked.'), [], 'a lower-case word after the quote continues the sentence');
  assert.deepEqual(chunker.end(), ['"Really?" she asked.']);
});

test('a long pause mid-word releases the complete words and keeps the word being typed (regression: "wonder ful")', () => {
  const chunker = new TextChunker({ release: 'sentence' });
  assert.deepEqual(chunker.push('The weather is wonder'), []);
  assert.deepEqual(chunker.flush('words'), ['The weather is']);
  assert.deepEqual(chunker.flush('words'), [], 'a lone partial word waits');
  assert.deepEqual(chunker.push('ful today.'), []);
  assert.deepEqual(chunker.end(), ['wonderful today.']);
  const line = new TextChunker({ release: 'sentence' });
  line.push('A line without a stop\n');
  assert.deepEqual(line.flush('words'), ['A line without a stop'], 'after a line break every word is complete');
});

test('regression (a line waited 150 ms): a line that ends a sentence is released at once, with no pause', { timeout: 10_000 }, async () => {
  let release!: () => void;
  const more = new Promise<void>((resolve) => (release = resolve));
  async function* lines(): AsyncGenerator<string> {
    yield 'The first complete sentence has arrived.\n';
    await more; // the producer says nothing more until the first fragment is out
    yield 'And then another one.\n';
  }
  // Pauses far longer than the test's timeout: only the line break can release the first sentence.
  const fragments = textFragments(lines(), { sentencePauseMs: 60_000, anyPauseMs: 60_000 });
  const first = await fragments.next();
  assert.deepEqual(first, { value: 'The first complete sentence has arrived.', done: false });
  release();
  assert.deepEqual(await fragments.next(), { value: 'And then another one.', done: false });
  assert.equal((await fragments.next()).done, true);
});

test('a line ending in a title ("Dr.") is not a sentence end: it waits for what follows', async () => {
  async function* lines(): AsyncGenerator<string> {
    yield 'Please ask Dr.\n';
    yield 'Smith about it.\n';
  }
  const out: string[] = [];
  for (let it = textFragments(lines(), { sentencePauseMs: 60_000, anyPauseMs: 60_000 }), r = await it.next(); !r.done; r = await it.next()) out.push(r.value);
  assert.deepEqual(out, ['Please ask Dr. Smith about it.']);
});

test('regression (double space): white space split across pieces folds to one space', () => {
  const chunker = new TextChunker({ release: 'sentence' });
  const got = [...chunker.push('Nobody could say for sure! '), ...chunker.push(' It was late. '), ...chunker.push(' \n'), ...chunker.push(' Then'), ...chunker.end()];
  assert.deepEqual(got, ['Nobody could say for sure!', 'It was late.', 'Then']);
  const packed = new TextChunker({ release: 'sentence' });
  packed.push('First. ');
  assert.deepEqual([...packed.push('Second one. '), ...packed.push(' Third one. Fourth')], ['First.', 'Second one. Third one.']);
});
