import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { API_KEY, moduleTrace, runCli, sentPcm, serverArgs, serverSettled, startServer, tempDir, waitFor } from './helpers.js';

const hasSox = spawnSync('sox', ['--version']).status === 0;
const LONG_TEXT = Array.from({ length: 40 }, (_, i) => `Sentence number ${i + 1} is here, and it carries a few more words to make it longer.`).join(' ');

function decode(path: string, type?: string): Buffer {
  return execFileSync('sox', [...(type ? ['-t', type] : []), path, '-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1', '-'], { maxBuffer: 1 << 28 });
}

describe('say → formats', () => {
  test('--help and WAV runs never load an encoder; an MP3 run and a FLAC run do', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const encoders = /wasm-media-encoders|libflacjs|\/(encoders|encoding-sink)[-.][^/]*js/;
    for (const args of [['say', '--help'], ['say', 'Plain WAV.', '-o', join(dir, 'a.wav'), ...serverArgs(server)]]) {
      const trace = moduleTrace(tempDir(t));
      const r = await runCli(args, { env: trace.env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(trace.loaded(), /main\.js/, 'the trace works');
      assert.doesNotMatch(trace.loaded(), encoders, args.join(' '));
    }
    const trace = moduleTrace(tempDir(t));
    const r = await runCli(['say', 'Compressed.', '-o', join(dir, 'a.mp3'), ...serverArgs(server)], { env: trace.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(trace.loaded(), /wasm-media-encoders/);
    const flacTrace = moduleTrace(tempDir(t));
    const f = await runCli(['say', 'Lossless.', '-o', join(dir, 'a.flac'), ...serverArgs(server)], { env: flacTrace.env });
    assert.equal(f.code, 0, f.stderr);
    assert.match(flacTrace.loaded(), /libflacjs\/dist\/libflac\.js/);
    assert.doesNotMatch(flacTrace.loaded(), /wasm-media-encoders/);
  });

  test('an unknown extension is a usage error listing the formats, before anything is sent', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const r = await runCli(['say', 'Hello.', '-o', join(dir, 'speech.m4a'), ...serverArgs(server)]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /unknown extension \.m4a/);
    assert.match(r.stderr, /wav \(\.wav\), mp3 \(\.mp3\), flac \(\.flac\), ogg \(\.ogg, \.oga\), raw \(\.raw, \.pcm\)/);
    assert.equal(server.requests.length, 0, 'no request reached the server');
    assert.deepEqual(readdirSync(dir), []);
  });

  test('contradictory or incomplete flags are usage errors', async (t) => {
    const dir = tempDir(t);
    const cases: [string[], RegExp][] = [
      [['say', 'x', '--format', 'mp3'], /--format needs an output/],
      [['say', 'x', '--raw', '--format', 'flac', '-o', join(dir, 'a.flac')], /--raw and --format flac contradict/],
      [['say', 'x', '--format', 'aac', '-o', join(dir, 'a.aac')], /Unknown format "aac"/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli([...args, '--api-key', API_KEY, '--base-url', 'ws://127.0.0.1:9']);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.deepEqual(readdirSync(dir), []);
  });

  test('-o book.flac: lossless, decodes to exactly the PCM the server sent', { skip: !hasSox && 'sox is not installed' }, async (t) => {
    const server = await startServer(t, { chunkBytes: 1001 });
    const out = join(tempDir(t), 'book.flac');
    const r = await runCli(['say', LONG_TEXT.slice(0, 600), '-o', out, '--sample-rate', '16000', '--json', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout.toString()).format, 'flac');
    assert.deepEqual(decode(out), sentPcm(server));
  });

  test('--format flac -o -: FLAC on stdout, exact', { skip: !hasSox && 'sox is not installed' }, async (t) => {
    const server = await startServer(t);
    const r = await runCli(['say', 'To a pipe, losslessly.', '--format', 'flac', '-o', '-', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    const path = join(tempDir(t), 'piped.flac');
    writeFileSync(path, r.stdout);
    assert.equal(r.stdout.toString('ascii', 0, 4), 'fLaC');
    assert.deepEqual(decode(path), sentPcm(server));
  });

  test('Ctrl-C while writing FLAC: exit 130 and a valid file of a prefix of the audio sent', { skip: !hasSox && 'sox is not installed' }, async (t) => {
    const server = await startServer(t, { realtimeFactor: 4 });
    const dir = tempDir(t);
    const out = join(dir, 'cut.flac');
    const r = await runCli(['say', LONG_TEXT, '-o', out, ...serverArgs(server)], {
      onSpawn: (child) => void waitFor(() => (server.requests[0]?.bytes ?? 0) > 48000, 10_000, 'a second of audio').then(() => child.kill('SIGINT')),
    });
    assert.equal(r.code, 130, r.stderr);
    await serverSettled(server);
    const sent = Buffer.concat(server.requests.map((q) => q.pcm ?? Buffer.alloc(0)));
    const got = decode(out);
    assert.ok(got.length > 48000 && got.length <= sent.length, `${got.length} of ${sent.length} bytes`);
    assert.ok(server.requests.filter((q) => q.outcome === 'complete').length < 5, 'stopped well before the end of the text');
    assert.deepEqual(got, sent.subarray(0, got.length));
    assert.deepEqual(readdirSync(dir), ['cut.flac'], 'no temporary file left');
  });

  test('SIGTERM while writing MP3: a valid file of what arrived, no temporary file', { skip: !hasSox && 'sox is not installed' }, async (t) => {
    const server = await startServer(t, { realtimeFactor: 4 });
    const dir = tempDir(t);
    const out = join(dir, 'cut.mp3');
    const r = await runCli(['say', LONG_TEXT, '-o', out, ...serverArgs(server)], {
      onSpawn: (child) => void waitFor(() => (server.requests[0]?.bytes ?? 0) > 48000, 10_000, 'a second of audio').then(() => child.kill('SIGTERM')),
    });
    assert.ok(r.code === 130 || r.code === 143, `exit ${r.code} ${r.signal}: ${r.stderr}`);
    await serverSettled(server);
    const sent = Buffer.concat(server.requests.map((q) => q.pcm ?? Buffer.alloc(0))).length / 2 / 24000;
    const seconds = Number(execFileSync('soxi', ['-D', out], { encoding: 'utf8' }));
    assert.ok(seconds > 0.9 && seconds < sent + 0.1, `${seconds} s of ${sent} s sent`);
    assert.deepEqual(readdirSync(dir), ['cut.mp3']);
  });

  for (const format of ['wav', 'mp3', 'flac']) {
    test(`the reader of stdout leaves early (${format}): a quiet end with exit 141, not a stack (regression)`, async (t) => {
      const server = await startServer(t, { realtimeFactor: 10 });
      const r = await runCli(['say', LONG_TEXT, '--format', format, '-o', '-', ...serverArgs(server)], {
        onSpawn: (child) => child.stdout?.once('data', () => child.stdout?.destroy()),
      });
      assert.equal(r.code, 141, r.stderr);
      assert.equal(r.stderr, '', 'nothing printed: the reader left on purpose');
    });
  }

  for (const format of ['mp3', 'ogg'] as const) {
    test(`-o out.${format}: a ${format} file as long as the audio sent`, { skip: !hasSox && 'sox is not installed' }, async (t) => {
      const server = await startServer(t);
      const out = join(tempDir(t), `out.${format}`);
      const r = await runCli(['say', 'Compressed speech, for sharing.', '-o', out, ...serverArgs(server)]);
      assert.equal(r.code, 0, r.stderr);
      const sent = sentPcm(server).length / 2 / 24000;
      const seconds = Number(execFileSync('soxi', ['-D', out], { encoding: 'utf8' }));
      assert.ok(Math.abs(seconds - sent) < 0.1, `${seconds} s vs ${sent} s sent`);
    });
  }
});

describe('repl -o in any format', () => {
  test('piped lines into take.flac: exactly the audio sent', { skip: !hasSox && 'sox is not installed' }, async (t) => {
    const server = await startServer(t);
    const out = join(tempDir(t), 'take.flac');
    const r = await runCli(['repl', '-o', out, ...serverArgs(server)], { stdin: 'First line.\n/speed 1.5\nSecond line, faster.\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(decode(out), sentPcm(server));
  });

  test('/save part.flac records from then on in FLAC, exactly', { skip: !hasSox && 'sox is not installed' }, async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const part = join(dir, 'part.flac');
    const script = ['Not recorded.', `/save ${part}`, 'Recorded one.', 'Recorded two.', '/save off', 'Not recorded either.'].join('\n');
    const r = await runCli(['repl', '-o', join(dir, 'all.wav'), ...serverArgs(server)], { stdin: `${script}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /saved .*part\.flac \(\d+\.\d s\)/);
    assert.deepEqual(decode(part), sentPcm(server, (b) => String(b.text).startsWith('Recorded')));
  });

  test('an unknown extension: exit 2 before connecting', async (t) => {
    const server = await startServer(t);
    const r = await runCli(['repl', '-o', join(tempDir(t), 'take.m4a'), ...serverArgs(server)], { stdin: 'Hello.\n' });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /unknown extension \.m4a/);
    assert.equal(server.requests.length, 0);
  });
});
