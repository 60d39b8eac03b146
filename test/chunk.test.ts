import assert from 'node:assert/strict';
import { test } from 'node:test';
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
