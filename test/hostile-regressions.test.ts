// Regressions from a hostile-user pass: links to stdout, full devices, subtitle paths, the REPL's /save, batch ids and pipes.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openFileSink } from '../src/audio/output.js';
import { parseWav, runCli, serverArgs, startServer, tempDir } from './helpers.js';

describe('outputs that are not plain files', () => {
  test('a link to /proc/self/fd/1 is written through, in place, and stays a link (regression: it was renamed over)', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const link = join(dir, 'so.wav');
    symlinkSync('/proc/self/fd/1', link);
    const r = await runCli(['say', 'Through the link.', '-o', link, ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.deepEqual(parseWav(r.stdout).data, server.requests[0].pcm);
  });

  test('a link to a regular file: the file gets the audio, the link stays a link', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    writeFileSync(join(dir, 'target.wav'), 'old');
    symlinkSync(join(dir, 'target.wav'), join(dir, 'link.wav'));
    const r = await runCli(['say', 'Into the target.', '-o', join(dir, 'link.wav'), ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(lstatSync(join(dir, 'link.wav')).isSymbolicLink());
    assert.deepEqual(parseWav(readFileSync(join(dir, 'target.wav'))).data, server.requests[0].pcm);
  });

  for (const format of ['mp3', 'ogg'] as const) {
    test(`${format} to /dev/full: exit 1 naming the full disk (regression: exit 0)`, async (t) => {
      const server = await startServer(t);
      const r = await runCli(['say', 'Hi there. Some more.', '-o', '/dev/full', '--format', format, ...serverArgs(server)]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /full|ENOSPC/i);
    });
  }

  // Regression (hostile review of the rebuild; the previous release too): audio shorter than one write
  // buffer failed only after end(), and the raw and WAV stream sinks did not wait for that error: exit 0.
  for (const format of ['raw', 'wav'] as const) {
    test(`a short ${format} written to /dev/full and ended at once: the end rejects naming the full disk (regression: resolved)`, async () => {
      const sink = await openFileSink('/dev/full', { format, sampleRate: 24000 });
      await sink.write(Buffer.alloc(6720, 1));
      await assert.rejects(sink.end(), /no space left on device \(ENOSPC\)/);
    });
  }
});

describe('say --subtitles paths', () => {
  test('the input file as the subtitles, a missing folder, or --word-timestamps off: refused before connecting', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    writeFileSync(join(dir, 'notes.srt'), 'Text to keep.');
    const same = await runCli(['say', '-f', join(dir, 'notes.srt'), '-o', join(dir, 'n.wav'), '--voice', 'liam', '--subtitles', join(dir, 'notes.srt'), ...serverArgs(server)]);
    assert.equal(same.code, 2, same.stderr);
    assert.equal(readFileSync(join(dir, 'notes.srt'), 'utf8'), 'Text to keep.');
    const missing = await runCli(['say', 'Hello there.', '--voice', 'liam', '--subtitles', join(dir, 'no', 'such', 'x.srt'), '-o', join(dir, 'up.wav'), ...serverArgs(server)]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /its folder does not exist/);
    assert.match(missing.stderr, /Create the folder first \(mkdir -p\)/, 'the next step, as for -o');
    const off = await runCli(['say', 'Hello.', '--voice', 'liam', '--subtitles', join(dir, 'j.srt'), '--word-timestamps', 'off', '-o', join(dir, 'j.wav'), ...serverArgs(server)]);
    assert.equal(off.code, 2);
    assert.match(off.stderr, /--subtitles needs word timings/);
    assert.equal(server.upgrades.length, 0);
    assert.deepEqual(readdirSync(dir), ['notes.srt']);
  });
});

describe('the REPL and batch', () => {
  test('/save to the -o file is refused (regression: it said "saved" and was then overwritten)', async (t) => {
    const server = await startServer(t);
    const out = join(tempDir(t), 'r.wav');
    const r = await runCli(['repl', '-o', out, ...serverArgs(server)], { stdin: `One.\n/save ${out}\nTwo.\n` });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is the -o file/);
    assert.deepEqual(parseWav(readFileSync(out)).data, Buffer.concat(server.requests.map((q) => q.pcm!)));
  });

  test('an id too long in bytes (multi-byte characters) is refused before anything is sent', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    writeFileSync(join(dir, 'm.jsonl'), `${JSON.stringify({ id: '日'.repeat(100), text: 'Hello.' })}\n`);
    const r = await runCli(['batch', join(dir, 'm.jsonl'), '--out-dir', join(dir, 'out'), ...serverArgs(server)]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /300 bytes/);
    assert.equal(server.upgrades.length, 0);
  });

  test('batch --json into a pipe that closes early ends quietly with 141', async (t) => {
    const server = await startServer(t, { realtimeFactor: 20 });
    const dir = tempDir(t);
    writeFileSync(join(dir, 'r.txt'), Array.from({ length: 20 }, (_, i) => `Line number ${i + 1} of the report.`).join('\n'));
    const r = await runCli(['batch', join(dir, 'r.txt'), '--out-dir', join(dir, 'out'), '--json', ...serverArgs(server)], {
      onSpawn: (child) => child.stdout?.once('data', () => child.stdout?.destroy()),
    });
    assert.equal(r.code, 141, r.stderr);
    assert.doesNotMatch(r.stderr, /bug|EPIPE/);
    assert.equal(readdirSync(join(dir, 'out')).filter((name) => name.endsWith('.part')).length, 0);
  });

  test('batch into a folder under /proc fails at once (regression: Node\'s recursive mkdir looped for ever)', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    writeFileSync(join(dir, 'l.txt'), 'Hello.\n');
    const r = await runCli(['batch', join(dir, 'l.txt'), '--out-dir', '/proc/smallest-tts-nope', ...serverArgs(server)], { timeoutMs: 15_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Cannot create the output folder/);
    assert.equal(existsSync('/proc/smallest-tts-nope'), false);
  });
});
