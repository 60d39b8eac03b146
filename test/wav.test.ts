import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WavFileSink, wavHeader } from '../src/audio/wav.js';
import { parseWav, tempDir } from './helpers.js';

test('the header describes 16-bit mono PCM at the rate', () => {
  const wav = parseWav(Buffer.concat([wavHeader(16000, 10), Buffer.alloc(10)]));
  assert.deepEqual({ ...wav, data: wav.data.length }, { riffSize: 46, channels: 1, sampleRate: 16000, bitsPerSample: 16, dataSize: 10, data: 10 });
  assert.equal(wavHeader(16000, 10).readUInt32LE(28), 32000);
});

test('a streaming header announces an unknown length', () => {
  const header = wavHeader(24000, null);
  assert.equal(header.readUInt32LE(4), 0xffffffff);
  assert.equal(header.readUInt32LE(40), 0xffffffff);
});

test('the file appears only on end(), with the sizes patched', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'out.wav');
  const sink = await WavFileSink.open(path, 8000);
  await sink.write(Buffer.from([1, 0, 2, 0]));
  await sink.write(Buffer.from([3, 0]));
  assert.deepEqual(readdirSync(dir).filter((f) => f === 'out.wav'), []);
  await sink.end();
  const wav = parseWav(readFileSync(path));
  assert.equal(wav.dataSize, 6);
  assert.deepEqual(wav.data, Buffer.from([1, 0, 2, 0, 3, 0]));
  assert.deepEqual(readdirSync(dir), ['out.wav'], 'no temporary file is left');
});

test('abort leaves an existing file untouched and no temporary file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'keep.wav');
  writeFileSync(path, 'precious');
  const sink = await WavFileSink.open(path, 8000);
  await sink.write(Buffer.alloc(100));
  await sink.abort();
  assert.equal(readFileSync(path, 'utf8'), 'precious');
  assert.deepEqual(readdirSync(dir), ['keep.wav']);
});

test('raw mode writes headerless PCM', async (t) => {
  const path = join(tempDir(t), 'out.pcm');
  const sink = await WavFileSink.open(path, 8000, { raw: true });
  await sink.write(Buffer.from([9, 8]));
  await sink.end();
  assert.deepEqual(readFileSync(path), Buffer.from([9, 8]));
});

test('an unwritable path fails at open, before any audio', async (t) => {
  const dir = tempDir(t);
  await assert.rejects(WavFileSink.open(join(dir, 'missing', 'x.wav'), 8000), { message: /Cannot write .*x\.wav: its folder does not exist/ });
  await assert.rejects(WavFileSink.open(dir, 8000), { message: /it is a directory/ });
});

test('a FIFO target is written in place, not replaced by a renamed file (regression: -o /dev/null)', { timeout: 5000 }, async (t) => {
  const { execFileSync, spawn } = await import('node:child_process');
  const { statSync } = await import('node:fs');
  const dir = tempDir(t);
  const fifo = join(dir, 'pipe.wav');
  execFileSync('mkfifo', [fifo]);
  const reader = spawn('cat', [fifo]);
  const got: Buffer[] = [];
  reader.stdout.on('data', (d: Buffer) => got.push(d));
  const closed = new Promise((resolve) => reader.on('close', resolve));
  const sink = await WavFileSink.open(fifo, 8000);
  await sink.write(Buffer.from([5, 0, 6, 0]));
  await sink.end();
  await closed;
  assert.ok(statSync(fifo).isFIFO(), 'still a FIFO');
  const wav = parseWav(Buffer.concat(got));
  assert.equal(wav.dataSize, 0xffffffff);
  assert.deepEqual(wav.data, Buffer.from([5, 0, 6, 0]));
  assert.deepEqual(readdirSync(dir), ['pipe.wav']);
});

test('/dev/null stays a device', async () => {
  const { statSync } = await import('node:fs');
  const sink = await WavFileSink.open('/dev/null', 8000);
  await sink.write(Buffer.alloc(64));
  await sink.end();
  assert.ok(statSync('/dev/null').isCharacterDevice());
});

test('finishSync (a second Ctrl-C) leaves a valid WAV of the completed writes, in place', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'forced.wav');
  const sink = await WavFileSink.open(path, 16000);
  await sink.write(Buffer.from([1, 0, 2, 0]));
  (sink as WavFileSink).finishSync();
  const wav = parseWav(readFileSync(path));
  assert.equal(wav.dataSize, 4);
  assert.deepEqual(wav.data, Buffer.from([1, 0, 2, 0]));
  assert.deepEqual(readdirSync(dir), ['forced.wav']);
});
