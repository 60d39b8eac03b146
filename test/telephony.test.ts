import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { formatFromPath, parseFormat } from '../src/audio/formats.js';
import { alawByte, ulawByte } from '../src/audio/g711.js';
import { openFileSink } from '../src/audio/output.js';
import { API_KEY, runCli, sentPcm, serverArgs, startServer, tempDir } from './helpers.js';

const hasSox = spawnSync('sox', ['--version']).status === 0;
const needsSox = hasSox ? {} : { skip: 'sox is not installed (apt-get install sox)' };

/** sox's own G.711 encoding of s16le PCM (no dither: the reference must be deterministic). */
function soxEncode(pcm: Buffer, law: 'ul' | 'al', rate = 8000): Buffer {
  return execFileSync('sox', ['-D', '-t', 'raw', '-r', String(rate), '-e', 'signed', '-b', '16', '-c', '1', '-', '-t', law, '-'], { input: pcm, maxBuffer: 1 << 26, stdio: ['pipe', 'pipe', 'ignore'] });
}

/** sox's decoding of a G.711 file, as a telephony system would play it. */
function soxDecode(path: string, law: 'ul' | 'al', rate: number): Buffer {
  return execFileSync('sox', ['-t', law, '-r', String(rate), '-c', '1', path, '-t', 'raw', '-e', 'signed', '-b', '16', '-'], { maxBuffer: 1 << 26 });
}

/** Every 16-bit sample once, from -32768 to 32767. */
function everySample(): Buffer {
  const pcm = Buffer.alloc(65536 * 2);
  for (let s = -32768; s < 32768; s++) pcm.writeInt16LE(s, (s + 32768) * 2);
  return pcm;
}

function requestedRates(server: Awaited<ReturnType<typeof startServer>>): unknown[] {
  return server.requests.map((r) => r.body.sample_rate);
}

describe('G.711 encoding', () => {
  test('every 16-bit sample encodes to the byte sox gives (μ-law and A-law)', needsSox, () => {
    const pcm = everySample();
    for (const [law, byte] of [['ul', ulawByte], ['al', alawByte]] as const) {
      const reference = soxEncode(pcm, law);
      const ours = Buffer.from(Array.from({ length: 65536 }, (_, i) => byte(i - 32768)));
      const wrong = [...ours.keys()].filter((i) => ours[i] !== reference[i]).map((i) => i - 32768);
      assert.deepEqual(wrong.slice(0, 10), [], `${law}: samples encoded differently from sox`);
      assert.equal(ours.length, reference.length);
    }
  });

  test('known values: silence, the extremes (ITU-T G.711 tables)', () => {
    assert.equal(ulawByte(0), 0xff);
    assert.equal(ulawByte(-1), 0xff, '-1 rounds to 0');
    assert.equal(ulawByte(32767), 0x80);
    assert.equal(ulawByte(-32768), 0x00);
    assert.equal(alawByte(0), 0xd5);
    assert.equal(alawByte(32767), 0xaa);
    assert.equal(alawByte(-32768), 0x2a);
  });

  test('names and extensions: .ulaw .ul .mulaw, .alaw .al; pcmu/pcma and μ-law spellings for --format', () => {
    const table: [string, string][] = [['a.ulaw', 'ulaw'], ['A.UL', 'ulaw'], ['a.mulaw', 'ulaw'], ['a.alaw', 'alaw'], ['a.al', 'alaw']];
    for (const [path, format] of table) assert.equal(formatFromPath(path), format, path);
    for (const name of ['ulaw', 'mulaw', 'u-law', 'μ-law', 'PCMU']) assert.equal(parseFormat(name), 'ulaw', name);
    for (const name of ['alaw', 'a-law', 'pcma']) assert.equal(parseFormat(name), 'alaw', name);
  });

  test('the file sink: odd-sized pieces give one byte per sample, the same bytes as sox', needsSox, async (t) => {
    const pcm = everySample();
    for (const law of ['ulaw', 'alaw'] as const) {
      const path = join(tempDir(t), `all.${law}`);
      const sink = await openFileSink(path, { format: law, sampleRate: 8000 });
      for (let at = 0; at < pcm.length; at += 4801) await sink.write(pcm.subarray(at, Math.min(at + 4801, pcm.length)));
      await sink.end();
      assert.deepEqual(readFileSync(path), soxEncode(pcm, law === 'ulaw' ? 'ul' : 'al'), law);
    }
  });
});

describe('say → telephony formats', () => {
  test('-o call.ulaw: asks for 8 kHz and writes sox\'s μ-law of the PCM sent, which sox decodes', needsSox, async (t) => {
    const server = await startServer(t, { chunkBytes: 1001 });
    const out = join(tempDir(t), 'call.ulaw');
    const r = await runCli(['say', 'Press one for sales, two for support.', '-o', out, '--json', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(requestedRates(server), [8000]);
    const report = JSON.parse(r.stdout.toString());
    assert.equal(report.format, 'ulaw');
    assert.equal(report.settings.sampleRate, 8000);
    const pcm = sentPcm(server);
    assert.ok(pcm.length > 1000);
    const bytes = readFileSync(out);
    assert.equal(bytes.length, pcm.length / 2, 'one byte per sample, no header');
    assert.deepEqual(bytes, soxEncode(pcm, 'ul'));
    assert.equal(soxDecode(out, 'ul', 8000).length, pcm.length);
  });

  test('--format alaw -o -: A-law on stdout, exactly sox\'s encoding', needsSox, async (t) => {
    const server = await startServer(t);
    const r = await runCli(['say', 'To a pipe, for a phone line.', '--format', 'alaw', '-o', '-', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(requestedRates(server), [8000]);
    assert.deepEqual(r.stdout, soxEncode(sentPcm(server), 'al'));
  });

  test('--sample-rate on the command line wins over the telephony default', needsSox, async (t) => {
    const server = await startServer(t);
    const out = join(tempDir(t), 'wide.alaw');
    const r = await runCli(['say', 'Wideband.', '-o', out, '--sample-rate', '16000', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(requestedRates(server), [16000]);
    assert.deepEqual(readFileSync(out), soxEncode(sentPcm(server), 'al', 16000));
  });

  test("a config file's sample-rate (set for WAV) does not move .ulaw off 8 kHz; WAV keeps it", async (t) => {
    const server = await startServer(t);
    const home = tempDir(t);
    const env = { XDG_CONFIG_HOME: home, HOME: home, APPDATA: home };
    const set = await runCli(['config', 'set', 'sample-rate', '44100'], { env });
    assert.equal(set.code, 0, set.stderr);
    const dir = tempDir(t);
    for (const name of ['a.ulaw', 'b.wav']) {
      const r = await runCli(['say', 'Configured.', '-o', join(dir, name), ...serverArgs(server)], { env });
      assert.equal(r.code, 0, r.stderr);
    }
    assert.deepEqual(requestedRates(server), [8000, 44100]);
  });

  test('batch --format ulaw: every item a .ulaw file at 8 kHz, exactly the PCM sent', needsSox, async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const manifest = join(dir, 'lines.txt');
    writeFileSync(manifest, 'Your call is important to us.\nPlease hold.\n');
    const out = join(dir, 'out');
    const r = await runCli(['batch', manifest, '--out-dir', out, '--format', 'ulaw', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['0001.ulaw', '0002.ulaw']);
    assert.deepEqual(requestedRates(server), [8000, 8000]);
    for (const [file, text] of [['0001.ulaw', 'Your call is important to us.'], ['0002.ulaw', 'Please hold.']]) {
      const pcm = sentPcm(server, (body) => String(body.text).trim() === text);
      assert.ok(pcm.length > 0, text);
      assert.deepEqual(readFileSync(join(out, file)), soxEncode(pcm, 'ul'), file);
    }
  });

  test('the unknown-extension error names ulaw and alaw', async (t) => {
    const r = await runCli(['say', 'x', '-o', join(tempDir(t), 'a.m4a'), '--api-key', API_KEY, '--base-url', 'ws://127.0.0.1:9']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /ulaw \(\.ulaw, \.ul, \.mulaw\), alaw \(\.alaw, \.al\)/);
  });
});
