// The small things a new user trips on: the argument an error names, `config get` of an unset key,
// a batch summary's precision, a lone word in the last cue, and `say hi > out.wav` without -o.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { buildCues, type TimedWord } from '../src/text/subtitles.js';
import { API_KEY, BIN, parseWav, runCli, sentPcm, serverArgs, speakerInstalled, startServer, tempDir, type TestContextLike } from './helpers.js';

/** Runs the CLI with stdout opened on a regular file (as `>` or `>>` does), from a clean environment. */
function runToFile(t: TestContextLike, args: string[], path: string, flags: 'w' | 'a'): Promise<{ code: number | null; stderr: string }> {
  const fd = openSync(path, flags);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('SMALLEST_') && !k.startsWith('XDG_')) env[k] = v;
  env.XDG_CONFIG_HOME = join(tempDir(t), 'config');
  env.XDG_CACHE_HOME = join(tempDir(t), 'cache');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('say with stdout redirected to a file and no -o', () => {
  test('say hi > out.wav writes a WAV with its true length there (regression: a 0-byte file and a playback error)', async (t) => {
    const server = await startServer(t);
    const out = join(tempDir(t), 'out.wav');
    const r = await runToFile(t, ['say', 'Hello there, into a file.', ...serverArgs(server)], out, 'w');
    assert.equal(r.code, 0, r.stderr);
    const bytes = readFileSync(out);
    const wav = parseWav(bytes);
    assert.equal(wav.sampleRate, 24000);
    assert.equal(wav.dataSize, wav.data.length, 'the header was rewritten with the true length');
    assert.equal(wav.riffSize, bytes.length - 8);
    assert.deepEqual(wav.data, sentPcm(server));
    assert.doesNotMatch(r.stderr, /[Pp]layback/);
  });

  test('say hi >> existing appends a streaming WAV and leaves what was there untouched', async (t) => {
    const server = await startServer(t);
    const out = join(tempDir(t), 'takes.wav');
    writeFileSync(out, 'before');
    const r = await runToFile(t, ['say', 'Appended.', ...serverArgs(server)], out, 'a');
    assert.equal(r.code, 0, r.stderr);
    const bytes = readFileSync(out);
    assert.equal(bytes.subarray(0, 6).toString(), 'before');
    const wav = bytes.subarray(6);
    assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
    assert.equal(wav.readUInt32LE(40), 0xffffffff, 'an appended WAV keeps the streaming header');
    assert.deepEqual(wav.subarray(44), sentPcm(server));
  });
});

describe('say with stdout redirected to a file that is not audio, or to an audio format', () => {
  test('say done > build.log speaks (or says it cannot) and writes no audio into the log', async (t) => {
    const server = await startServer(t);
    const log = join(tempDir(t), 'build.log');
    const r = await runToFile(t, ['say', 'Done.', ...serverArgs(server)], log, 'w');
    assert.equal(readFileSync(log).length, 0, 'nothing in the log');
    if (!speakerInstalled) {
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Playback is unavailable/);
    }
  });

  test('say hi > out.mp3 writes MP3 there, by the extension', async (t) => {
    const server = await startServer(t);
    const out = join(tempDir(t), 'out.mp3');
    const r = await runToFile(t, ['say', 'Hello there.', ...serverArgs(server)], out, 'w');
    assert.equal(r.code, 0, r.stderr);
    const bytes = readFileSync(out);
    assert.ok(bytes.length > 100);
    assert.ok(bytes.toString('latin1', 0, 3) === 'ID3' || (bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0), 'an MP3 stream');
  });
});

describe('messages', () => {
  test('voices --preview nobody names --preview, the argument typed (regression: it blamed --voice)', async () => {
    const r = await runCli(['voices', '--preview', 'nobody', '--offline', '-o', '/dev/null']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: --preview "nobody" is not a known voice\./);
    assert.doesNotMatch(r.stderr, /--voice/);
  });

  test('config get of an unset key prints the value used instead and where it comes from, exit 0 (regression: a usage error)', async (t) => {
    const env = { XDG_CONFIG_HOME: tempDir(t) };
    const voice = await runCli(['config', 'get', 'voice'], { env });
    assert.equal(voice.code, 0, voice.stderr);
    assert.equal(voice.stdout.toString(), 'sophia\n');
    assert.match(voice.stderr, /voice is not set in the defaults: this is the built-in default/);
    const speed = await runCli(['config', 'get', 'speed'], { env });
    assert.equal(speed.code, 0);
    assert.equal(speed.stdout.toString(), '');
    assert.match(speed.stderr, /the API uses its own default/);
    const key = await runCli(['config', 'get', 'api-key'], { env: { ...env, SMALLEST_API_KEY: API_KEY } });
    assert.equal(key.code, 0);
    assert.match(key.stderr, /SMALLEST_API_KEY in the environment is used/);
    assert.ok(!key.stdout.toString().includes(API_KEY), 'redacted');
    assert.equal((await runCli(['config', 'set', 'voice', 'emily'], { env })).code, 0);
    const profile = await runCli(['config', 'get', 'voice', '--profile', 'fast'], { env });
    assert.equal(profile.code, 0);
    assert.equal(profile.stdout.toString(), 'emily\n');
    assert.match(profile.stderr, /not set in profile fast: the value in the defaults is used/);
    assert.equal((await runCli(['config', 'get', 'nonsense'], { env })).code, 2, 'an unknown key is still a usage error');
  });

  test('the batch summary gives times to 0.1 s (regression: "5s of audio in 0s")', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    writeFileSync(join(dir, 'lines.txt'), 'One.\nTwo.\n');
    const r = await runCli(['batch', join(dir, 'lines.txt'), '--out-dir', join(dir, 'out'), ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /2 written.* \d+\.\ds of audio in \d+\.\ds →/);
  });
});

describe('subtitle cues', () => {
  /** Words timed back to back, 0.3 s each. */
  const timed = (text: string): TimedWord[] => text.split(' ').map((word, i) => ({ word, start: i * 0.3, end: i * 0.3 + 0.25 }));

  test('a sentence never ends with a lone word after a full cue: the last two are balanced (regression: "paper." alone for 0.47 s)', () => {
    const text = 'The letter lay on the desk beside the old paper.';
    const words = timed(text);
    const cues = buildCues(words);
    assert.equal(cues.map((c) => c.text).join(' '), text);
    assert.deepEqual(cues.flatMap((c) => c.words), words);
    assert.ok(cues.length === 2);
    assert.ok(cues.every((c) => c.words.length > 1), cues.map((c) => c.text).join(' | '));
    assert.ok(Math.abs(cues[0].text.length - cues[1].text.length) <= 12, cues.map((c) => c.text).join(' | '));
    for (const cue of cues) assert.ok(cue.text.length <= 42 && cue.end - cue.start <= 7);
  });

  test('balancing stays within a sentence and within the bounds; a lone sentence of one word keeps its cue', () => {
    const text = 'Stop. The letter lay on the desk beside the old paper. Then he waited by the window for an hour or so.';
    const cues = buildCues(timed(text));
    assert.equal(cues[0].text, 'Stop.');
    assert.equal(cues.map((c) => c.text).join(' '), text);
    for (const cue of cues.slice(1)) assert.ok(cue.words.length > 1, cue.text);
    for (const cue of cues) assert.ok(cue.text.length <= 42);
  });
});
