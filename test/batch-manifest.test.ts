import assert from 'node:assert/strict';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCsv } from '../src/pipeline/batch/csv.js';
import { idProblem } from '../src/pipeline/batch/item.js';
import { sweepStaleTemps } from '../src/pipeline/batch/item-sink.js';
import { itemWordTimings, subtitlePathFor, writeItemSubtitles } from '../src/pipeline/batch/item-subtitles.js';
import { readManifest } from '../src/pipeline/batch/manifest.js';
import { manifestFormatFromPath } from '../src/pipeline/batch/manifest-entries.js';
import { backoffDelay, isOverLimit } from '../src/pipeline/batch/retry.js';
import { inShard, parseShard, shardSize } from '../src/pipeline/batch/shard.js';
import { progressLine } from '../src/cli/commands/batch/batch-progress.js';
import { hintForCode, messageFor } from '../src/cli/hints.js';
import { ApiError, UsageError } from '../src/core/errors.js';
import { DEFAULT_SETTINGS } from '../src/core/settings.js';
import { tempDir } from './helpers.js';

async function* pieces(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function csv(text: string, size = 3) {
  const out: { line: number; fields: string[] }[] = [];
  for await (const record of parseCsv(pieces(text, size))) out.push(record);
  return out;
}

test('CSV: quoted commas, doubled quotes, line breaks inside quotes, CRLF, empty fields; split anywhere', async () => {
  const text = 'id,text\r\na,"Hello, Mr. Brown"\r\nb,"She said ""hi"""\r\nc,"two\r\nlines"\r\n,\r\n\r\nd,plain text\n"",x';
  for (const size of [1, 2, 3, 7, 1000]) {
    assert.deepEqual(await csv(text, size), [
      { line: 1, fields: ['id', 'text'] },
      { line: 2, fields: ['a', 'Hello, Mr. Brown'] },
      { line: 3, fields: ['b', 'She said "hi"'] },
      { line: 4, fields: ['c', 'two\r\nlines'] },
      { line: 6, fields: ['', ''] },
      { line: 8, fields: ['d', 'plain text'] },
      { line: 9, fields: ['', 'x'] },
    ], `chunks of ${size}`);
  }
});

test('CSV: an unclosed quote names the line its record starts on', async () => {
  for (const size of [1, 4, 1000]) {
    await assert.rejects(csv('text\nok\n"never closed,\nstill open\n', size), (e: unknown) => e instanceof UsageError && /line 3: a quoted field is never closed/.test(e.message));
  }
});

test('CSV: quotes inside a field that does not start with one are text (hand-written manifests)', async () => {
  assert.deepEqual(await csv('id,text\n1,He said "hi" twice\n2,"quoted, properly"\n'), [
    { line: 1, fields: ['id', 'text'] },
    { line: 2, fields: ['1', 'He said "hi" twice'] },
    { line: 3, fields: ['2', 'quoted, properly'] },
  ]);
});

test('CSV: line numbers stay right after quoted fields that span CRLF lines', async () => {
  const text = 'text\r\n"one\r\ntwo\r\nthree"\r\nafter\r\n\r\nlast\r\n';
  assert.deepEqual((await csv(text, 5)).map((r) => r.line), [1, 2, 5, 7]);
});

for (const [raw, ok] of [['1/3', true], ['3/3', true], [' 2 / 8 ', true], ['0/3', false], ['4/3', false], ['1/0', false], ['a/b', false], ['2', false], ['-1/3', false]] as const) {
  test(`parseShard(${JSON.stringify(raw)}) ${ok ? 'is accepted' : 'is a usage error'}`, () => {
    if (ok) assert.ok(parseShard(raw).index >= 1);
    else assert.throws(() => parseShard(raw), UsageError);
  });
}

test('shards partition the items, and shardSize counts what inShard selects', () => {
  for (const total of [0, 1, 2, 5, 20, 101]) {
    for (const count of [1, 2, 3, 7]) {
      const seen: number[] = [];
      for (let index = 1; index <= count; index++) {
        const shard = { index, count };
        const mine = Array.from({ length: total }, (_, i) => i).filter((i) => inShard(i, shard));
        assert.equal(shardSize(total, shard), mine.length, `${index}/${count} of ${total}`);
        seen.push(...mine);
      }
      assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i));
    }
  }
});

test('backoff doubles up to its cap, with jitter between half and all of it', () => {
  assert.deepEqual([0, 1, 2, 3, 10].map((a) => backoffDelay(a, { baseMs: 100, maxMs: 1000 }, () => 0)), [50, 100, 200, 400, 500]);
  assert.deepEqual([0, 1, 2, 3, 10].map((a) => backoffDelay(a, { baseMs: 100, maxMs: 1000 }, () => 1)), [100, 200, 400, 800, 1000]);
  assert.equal(backoffDelay(1000, {}, () => 1), 8000, 'a huge attempt number stays at the cap');
});

test('only the concurrency limit is retried', () => {
  assert.equal(isOverLimit(new ApiError('busy', { code: 'concurrency_limit_exceeded' })), true);
  assert.equal(isOverLimit(new ApiError('too many', { status: 429 })), true);
  assert.equal(isOverLimit(new ApiError('voice x is not available', { code: 'VOICE_NOT_FOUND' })), false);
  assert.equal(isOverLimit(new Error('concurrency_limit_exceeded')), false);
});

for (const [id, problem] of [['0001', false], ['chapter-1.intro', false], ['Mr. Smith', false], ['', true], ['  ', true], ['a/b', true], ['a\\b', true], ['..', true], ['.', true], ['tab\there', true]] as const) {
  test(`id ${JSON.stringify(id)} is ${problem ? 'refused' : 'accepted'}`, () => assert.equal(idProblem(id) !== undefined, problem));
}

test('manifest formats come from the extension, or the override', () => {
  assert.equal(manifestFormatFromPath('a/Book.JSONL'), 'jsonl');
  assert.equal(manifestFormatFromPath('x.ndjson'), 'jsonl');
  assert.equal(manifestFormatFromPath('x.csv'), 'csv');
  assert.equal(manifestFormatFromPath('x.data', 'txt'), 'txt');
  assert.throws(() => manifestFormatFromPath('x.xml'), (e: unknown) => e instanceof UsageError && e.code === 'unknown_manifest_extension'
    && !/--/.test(e.hint ?? '') && /--manifest-format txt\|jsonl\|csv/.test(hintForCode(e) ?? ''));
  assert.throws(() => manifestFormatFromPath('x.txt', 'yaml'), (e: unknown) => e instanceof UsageError && e.code === 'unknown_manifest_format'
    && /^--manifest-format must be one of txt, jsonl, csv \(got "yaml"\)$/.test(messageFor(e)));
});

test('txt ids are item numbers, 4 digits until the count needs 5', async (t) => {
  const dir = tempDir(t);
  const small = join(dir, 'small.txt');
  writeFileSync(small, 'Dr. Who.\n\nMr. Bean.\n');
  const a = await readManifest(small, 'txt', DEFAULT_SETTINGS);
  const items = [];
  for await (const item of a.items()) items.push([item.id, item.line, item.index, item.text]);
  assert.deepEqual(items, [['0001', 1, 0, 'Dr. Who.'], ['0002', 3, 1, 'Mr. Bean.']]);

  const big = join(dir, 'big.txt');
  writeFileSync(big, Array.from({ length: 10_000 }, (_, i) => `Line ${i + 1}.`).join('\n'));
  const b = await readManifest(big, 'txt', DEFAULT_SETTINGS);
  assert.equal(b.count, 10_000);
  assert.equal(b.idWidth, 5);
  let last = '';
  for await (const item of b.items()) last = item.id;
  assert.equal(last, '10000');
});

test('jsonl without ids takes line numbers; a clash with an explicit id is caught; model aliases canonicalise', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'm.jsonl');
  writeFileSync(path, `${JSON.stringify({ text: 'First.', model: 'lightning-v3.1-pro', language: 'ja' })}\n\n${JSON.stringify({ text: 'Third.', id: 7 })}\n`);
  const m = await readManifest(path, 'jsonl', DEFAULT_SETTINGS);
  const items = [];
  for await (const item of m.items()) items.push(item);
  assert.deepEqual(items.map((i) => i.id), ['0001', '7']);
  assert.deepEqual(items[0].settings, { model: 'lightning_v3.1_pro', language: 'ja' });

  writeFileSync(path, `${JSON.stringify({ text: 'First.' })}\n${JSON.stringify({ text: 'Second.', id: '0001' })}\n`);
  await assert.rejects(readManifest(path, 'jsonl', DEFAULT_SETTINGS), /line 1: the generated id "0001" of line 1 is also given explicitly on line 2/);
});

test('the progress line: done, failed, left, audio, ETA; cut to the width; width 0 counts as 80', () => {
  const state = { total: 120, written: 30, skipped: 7, failed: 2, audioSeconds: 252, startedAt: 0 };
  const line = progressLine(state, 64_000, 200);
  assert.equal(line, 'batch: 39/120 done (7 already there) · 2 failed · 81 left · 4m12s of audio · ETA 2m42s');
  assert.ok(progressLine(state, 64_000, 40).length <= 39);
  assert.ok(progressLine(state, 64_000, 40).endsWith('…'));
  assert.equal(progressLine(state, 64_000, 0), line.length <= 79 ? line : `${line.slice(0, 78)}…`);
  assert.match(progressLine({ ...state, written: 0, failed: 0 }, 1000, 200), /ETA …$/);
});

test('--subtitles wiring: an item’s absolute word timings become {id}.srt beside its audio; no timings, no file', async (t) => {
  const dir = tempDir(t);
  const audio = join(dir, 'intro.wav');
  const words = [
    { word: 'Welcome,', start: 0.12, end: 0.5 },
    { word: 'Dr.', start: 0.55, end: 0.8 },
    { word: 'Watson.', start: 0.85, end: 1.3 },
    { word: 'Sit', start: 3.0005, end: 3.2 },
    { word: 'down.', start: 3.25, end: 3.6 },
  ];
  assert.equal(await writeItemSubtitles(audio, words, 'srt'), join(dir, 'intro.srt'));
  assert.equal(readFileSync(join(dir, 'intro.srt'), 'utf8'), '1\n00:00:00,120 --> 00:00:01,300\nWelcome, Dr. Watson.\n\n2\n00:00:03,001 --> 00:00:03,600\nSit down.\n');
  assert.equal(await writeItemSubtitles(join(dir, 'quiet.wav'), [], 'srt'), undefined);
  assert.deepEqual(readdirSync(dir), ['intro.srt']);
  assert.equal(subtitlePathFor(join(dir, 'a.b.raw'), 'vtt'), join(dir, 'a.b.vtt'));
  assert.deepEqual(itemWordTimings({ words: [] }), []);
  assert.deepEqual(itemWordTimings({ words }), words);
});

test('temporary files of a process that is gone and untouched for 10 minutes are swept; others stay', async (t) => {
  const dir = tempDir(t);
  const stale = '.0003.wav.999999999.deadbeef.part';
  const fresh = '.0005.wav.999999999.0000beef.part'; // another host's file in progress, perhaps
  const live = `.0004.wav.${process.pid}.0badf00d.part`;
  for (const name of [stale, fresh, live, '0001.wav', '.hidden']) writeFileSync(join(dir, name), 'x');
  const old = new Date(Date.now() - 11 * 60_000);
  for (const name of [stale, live, '.hidden']) utimesSync(join(dir, name), old, old);
  assert.equal(await sweepStaleTemps(dir), 1);
  assert.deepEqual(readdirSync(dir).sort(), [fresh, live, '.hidden', '0001.wav'].sort());
});
