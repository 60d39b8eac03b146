import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FLAC_STREAMINFO_OFFSET } from '../src/audio/encoders.js';
import { formatFromPath, parseFormat } from '../src/audio/formats.js';
import { openFileSink, openStreamSink } from '../src/audio/output.js';
import type { AudioSink } from '../src/audio/sink.js';
import { ToneEngine } from '../src/server/engines/tone-engine.js';
import { UsageError } from '../src/core/errors.js';
import { exitCodeFor, hintForCode } from '../src/cli/hints.js';
import { parseWav, tempDir } from './helpers.js';

const hasSox = spawnSync('sox', ['--version']).status === 0;
const needsSox = hasSox ? {} : { skip: 'sox is not installed (apt-get install sox libsox-fmt-all)' };

/** Decodes any file sox reads to s16le mono PCM. */
function decode(path: string, type?: string): Buffer {
  return execFileSync('sox', [...(type ? ['-t', type] : []), path, '-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1', '-'], { maxBuffer: 1 << 28 });
}

/** Speech-like PCM: tone "words" with pauses, some noise, digital silence and both extremes. */
async function speechLike(sampleRate: number, seconds: number): Promise<Buffer> {
  const words = 'The quick brown fox jumps over the lazy dog while a narrator keeps on reading the chapter'.split(' ');
  const parts: Buffer[] = [];
  let total = 0;
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 601) - 300;
  for (let i = 0; total < sampleRate * seconds * 2; i++) {
    for await (const { samples } of new ToneEngine().synthesize({ text: words[i % words.length], sampleRate, voice: 'sophia' } as never)) {
      const b = Buffer.alloc(samples.length * 2);
      for (let j = 0; j < samples.length; j++) b.writeInt16LE(Math.max(-32768, Math.min(32767, samples[j] + (i % 3 === 0 ? noise() : 0))), j * 2);
      parts.push(b);
      total += b.length;
    }
  }
  const pcm = Buffer.concat(parts).subarray(0, sampleRate * seconds * 2);
  pcm.writeInt16LE(32767, 200);
  pcm.writeInt16LE(-32768, 202);
  return pcm;
}

/** Writes in uneven pieces, an odd size included, as the network delivers them. */
async function feed(sink: AudioSink, pcm: Buffer, piece = 4801): Promise<void> {
  for (let at = 0; at < pcm.length; at += piece) await sink.write(pcm.subarray(at, Math.min(at + piece, pcm.length)));
}

describe('choosing a format', () => {
  test('from the extension, case-insensitively; no extension or a device is WAV', () => {
    const table: [string, string][] = [
      ['out.wav', 'wav'], ['book/ch1.MP3', 'mp3'], ['a.flac', 'flac'], ['a.ogg', 'ogg'], ['a.oga', 'ogg'],
      ['a.raw', 'raw'], ['a.pcm', 'raw'], ['noext', 'wav'], ['-', 'wav'], ['/dev/null', 'wav'],
    ];
    for (const [path, format] of table) assert.equal(formatFromPath(path), format, path);
  });

  test('--format overrides the extension; pcm and vorbis are accepted names', () => {
    assert.equal(formatFromPath('out.wav', 'mp3'), 'mp3');
    assert.equal(formatFromPath('-', 'FLAC'), 'flac');
    assert.equal(parseFormat('pcm'), 'raw');
    assert.equal(parseFormat('vorbis'), 'ogg');
  });

  test('an unknown extension or format name is a usage error listing the formats', () => {
    for (const attempt of [() => formatFromPath('speech.m4a'), () => parseFormat('aac')]) {
      assert.throws(attempt, (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.equal(exitCodeFor(error), 2);
        assert.match(error.code, /^unknown_(format|extension)$/);
        assert.match(`${error.message} ${error.hint}`, /wav \(\.wav\), mp3 \(\.mp3\), flac \(\.flac\), ogg/);
        assert.match(`${error.message} ${hintForCode(error)}`, /wav \(\.wav\), mp3 \(\.mp3\), flac \(\.flac\), ogg/);
        return true;
      });
    }
  });
});

describe('FLAC', needsSox, () => {
  for (const rate of [8000, 24000, 44100]) {
    test(`decodes to exactly the PCM received (${rate} Hz, odd-sized writes)`, async (t) => {
      const pcm = await speechLike(rate, 2);
      const path = join(tempDir(t), 'out.flac');
      const sink = await openFileSink(path, { format: 'flac', sampleRate: rate });
      await feed(sink, pcm);
      await sink.end();
      assert.deepEqual(decode(path), pcm);
      assert.ok(statSync(path).size < pcm.length * 0.8, 'smaller than the PCM');
      assert.match(execFileSync('soxi', [path], { encoding: 'utf8' }), new RegExp(`Sample Rate\\s+: ${rate}[\\s\\S]*Duration\\s+: 00:00:02\\.00 = ${rate * 2} samples`));
    });
  }

  test('the header carries the totals and the MD5 of the PCM', async (t) => {
    const pcm = await speechLike(16000, 1);
    const path = join(tempDir(t), 'md5.flac');
    const sink = await openFileSink(path, { format: 'flac', sampleRate: 16000 });
    await feed(sink, pcm, 1000);
    await sink.end();
    const info = readFileSync(path).subarray(FLAC_STREAMINFO_OFFSET, FLAC_STREAMINFO_OFFSET + 34);
    assert.equal(info.readUInt32BE(14), 16000, 'total samples (low 32 bits)');
    assert.deepEqual(info.subarray(18), (await import('node:crypto')).createHash('md5').update(pcm).digest());
  });

  test('edge cases: silence, one sample, a block and a sample, nothing at all', async (t) => {
    const dir = tempDir(t);
    const cases: [string, Buffer][] = [
      ['silence', Buffer.alloc(24000 * 2)],
      ['one', Buffer.from([0x34, 0x12])],
      ['block+1', (await speechLike(24000, 1)).subarray(0, (4096 + 1) * 2)],
      ['empty', Buffer.alloc(0)],
      ['full-scale noise (verbatim frames)', Buffer.from(Array.from({ length: 24000 }, (_, i) => ((i * 2654435761) >>> 8) & 0xff))],
      ['a click in silence (long unary codes)', Buffer.concat([Buffer.alloc(8000), Buffer.from([0xff, 0x7f, 0x00, 0x80]), Buffer.alloc(8000)])],
    ];
    for (const [name, pcm] of cases) {
      const path = join(dir, `${name}.flac`);
      const sink = await openFileSink(path, { format: 'flac', sampleRate: 24000 });
      await sink.write(pcm);
      await sink.end();
      assert.deepEqual(decode(path), pcm, name);
    }
  });

  test('to a stream (stdout): unknown totals, still exact', async (t) => {
    const pcm = await speechLike(24000, 1);
    const path = join(tempDir(t), 'stream.flac');
    const { createWriteStream } = await import('node:fs');
    const stream = createWriteStream(path);
    const sink = await openStreamSink(stream, { format: 'flac', sampleRate: 24000 });
    await feed(sink, pcm);
    await sink.end();
    await new Promise((resolve) => stream.end(resolve));
    assert.deepEqual(decode(path), pcm);
  });
});

describe('MP3 and Ogg Vorbis', needsSox, () => {
  for (const [format, rate] of [['mp3', 24000], ['mp3', 8000], ['mp3', 44100], ['ogg', 24000], ['ogg', 16000]] as const) {
    test(`${format} at ${rate} Hz: sox reads it at the rate, as long as the PCM, and it sounds alike`, async (t) => {
      const pcm = await speechLike(rate, 2);
      const path = join(tempDir(t), `out.${format}`);
      const sink = await openFileSink(path, { format, sampleRate: rate });
      await feed(sink, pcm);
      await sink.end();
      const info = execFileSync('soxi', [path], { encoding: 'utf8' });
      assert.match(info, new RegExp(`Sample Rate\\s+: ${rate}`));
      assert.match(info, /Channels\s+: 1/);
      const decoded = decode(path);
      // Lossy codecs add priming delay and padding: the length agrees within 100 ms.
      assert.ok(Math.abs(decoded.length - pcm.length) < rate * 0.2, `${decoded.length} vs ${pcm.length}`);
      const rms = (b: Buffer) => Math.sqrt(Array.from({ length: b.length / 2 }, (_, i) => b.readInt16LE(i * 2) ** 2).reduce((a, v) => a + v, 0) / (b.length / 2));
      assert.ok(Math.abs(rms(decoded) - rms(pcm)) < rms(pcm) * 0.2, `loudness kept: ${rms(decoded)} vs ${rms(pcm)}`);
    });
  }
});

describe('files are written atomically, as WAV files are', () => {
  test('nothing appears before end(); abort leaves an old file untouched and no temporary file', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'keep.mp3');
    writeFileSync(path, 'precious');
    const sink = await openFileSink(path, { format: 'mp3', sampleRate: 24000 });
    await sink.write(Buffer.alloc(48000));
    assert.equal(readFileSync(path, 'utf8'), 'precious');
    await sink.abort();
    assert.equal(readFileSync(path, 'utf8'), 'precious');
    assert.deepEqual(readdirSync(dir), ['keep.mp3']);
  });

  test('an unwritable path fails at open, before any audio', async (t) => {
    const dir = tempDir(t);
    await assert.rejects(openFileSink(join(dir, 'missing', 'x.flac'), { format: 'flac', sampleRate: 24000 }), { message: /Cannot write .*x\.flac: its folder does not exist/ });
    await assert.rejects(openFileSink(dir, { format: 'ogg', sampleRate: 24000 }), { message: /it is a directory/ });
  });

  test('finishSync (a second Ctrl-C) leaves a valid FLAC of what was written, in place', needsSox, async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'forced.flac');
    const pcm = await speechLike(24000, 1);
    const sink = await openFileSink(path, { format: 'flac', sampleRate: 24000 });
    await feed(sink, pcm);
    sink.finishSync?.();
    assert.deepEqual(readdirSync(dir), ['forced.flac']);
    assert.deepEqual(decode(path), pcm);
  });

  test('a FIFO is written in place, not replaced', { timeout: 10_000, ...needsSox }, async (t) => {
    const dir = tempDir(t);
    const fifo = join(dir, 'pipe.flac');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    const got: Buffer[] = [];
    reader.stdout.on('data', (d: Buffer) => got.push(d));
    const closed = new Promise((resolve) => reader.on('close', resolve));
    const pcm = await speechLike(16000, 1);
    const sink = await openFileSink(fifo, { format: 'flac', sampleRate: 16000 });
    await feed(sink, pcm);
    await sink.end();
    await closed;
    assert.ok(statSync(fifo).isFIFO(), 'still a FIFO');
    const copy = join(dir, 'copy.flac');
    writeFileSync(copy, Buffer.concat(got));
    assert.deepEqual(decode(copy), pcm);
  });

  test('WAV and raw still come from the same factory', async (t) => {
    const dir = tempDir(t);
    for (const format of ['wav', 'raw'] as const) {
      const sink = await openFileSink(join(dir, `x.${format}`), { format, sampleRate: 8000 });
      await sink.write(Buffer.from([1, 0, 2, 0]));
      await sink.end();
    }
    assert.deepEqual(parseWav(readFileSync(join(dir, 'x.wav'))).data, Buffer.from([1, 0, 2, 0]));
    assert.deepEqual(readFileSync(join(dir, 'x.raw')), Buffer.from([1, 0, 2, 0]));
  });
});
