// The habits people bring from macOS say, espeak-ng, edge-tts and piper: -v is the voice, flags
// suggested by meaning, `say -v '?'`, and voices that say whether they send word timings.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { WORD_TIMESTAMP_VOICES } from '../src/core/models.js';
import { FLITE_VOICES } from '../src/server/engines/flite-voices.js';
import { BIN, ROOT, parseWav, runCli, serverArgs, startServer, tempDir } from './helpers.js';

const WORD_VOICES = [...WORD_TIMESTAMP_VOICES].sort();

describe('voice-first flags', () => {
  test('say -v emily "hello there" speaks "hello there" in emily\'s voice (regression: -v was --verbose, and "emily" was spoken in sophia\'s voice)', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const r = await runCli(['say', '-v', 'emily', 'hello there', '-o', join(dir, 'v.wav'), ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0].body.voice_id, 'emily');
    assert.equal(server.requests[0].text.trim(), 'hello there');
    assert.ok(parseWav(readFileSync(join(dir, 'v.wav'))).data.length > 0);
  });

  test('--verbose still prints connection events; -v is not verbose any more', async (t) => {
    const server = await startServer(t);
    const r = await runCli(['say', 'Hi.', '--verbose', '-o', '/dev/null', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /connected to ws:/);
    const help = await runCli(['say', '--help']);
    assert.match(help.stdout.toString(), /-v, --voice <id>/);
    assert.doesNotMatch(help.stdout.toString(), /-v, --verbose/);
  });

  test('unknown flags are suggested by meaning: --rate → --speed, --list-voices → the voices command, --outfile → -o (regression: --rate suggested --math, --raw, --route)', async () => {
    const cases: [string[], RegExp][] = [
      [['say', '--rate', '1.2', 'hi'], /unknown option '--rate' \(did you mean --speed\?\)/],
      [['say', '--list-voices'], /unknown option '--list-voices' \(a command lists the voices: smallest-tts voices, or say -v '\?'\)/],
      [['say', '--outfile', 'x.wav', 'hi'], /unknown option '--outfile' \(did you mean -o\?\)/],
      [['say', '--lang', 'en', 'hi'], /did you mean --language\?/],
      [['say', '--vocie', 'emily', 'hi'], /did you mean --voice\?/],
      [['batch', 'x.txt', '-d', 'out', '--output', 'x'], /unknown option '--output' \(did you mean --out-dir\?\)/],
      // voices has no --speed: the spelling decides there.
      [['voices', '--rate'], /unknown option '--rate' \(did you mean --route\b/],
    ];
    for (const [args, pattern] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, pattern, args.join(' '));
      assert.doesNotMatch(r.stderr, /--math, --raw/);
    }
  });

  test('bash completion offers voices after -v as after --voice; doctor takes -v too', async (t) => {
    const script = join(tempDir(t), 'complete.bash');
    writeFileSync(script, (await runCli(['completion', 'bash'])).stdout);
    const bin = tempDir(t);
    writeFileSync(join(bin, 'smallest-tts'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`, { mode: 0o755 });
    const complete = (line: string) =>
      execFileSync('bash', ['-c', `source '${script}'; COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _smallest_tts; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } }).trim().split('\n');
    assert.deepEqual(complete("smallest-tts say -v 'li'"), ['liam']);
    assert.deepEqual(complete("smallest-tts say --voice 'li'"), ['liam']);
    assert.match((await runCli(['doctor', '--help'])).stdout.toString(), /-v, --voice <id>/);
  });

  test('help texts have no "(preset: true)"', async () => {
    for (const command of ['say', 'repl', 'batch']) {
      const r = await runCli([command, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout.toString(), /--math \[on\|off\]/);
      assert.doesNotMatch(r.stdout.toString(), /preset: true/, command);
    }
  });
});

describe("say -v '?'", () => {
  test('--offline lists every offline voice, one a line, the word-timing ones marked', async () => {
    const r = await runCli(['say', '-v', '?', '--offline']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.toString().trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => l.split(/\s+/)[0]).sort(), Object.keys(FLITE_VOICES).sort());
    assert.deepEqual(lines.filter((l) => /# .*word timings$/.test(l)).map((l) => l.split(/\s+/)[0]).sort(), WORD_VOICES);
  });

  test('from the cached catalogue, with the server gone; without a cache and a key it needs one', async (t) => {
    const server = await startServer(t);
    const cache = tempDir(t);
    const env = { XDG_CACHE_HOME: cache };
    assert.equal((await runCli(['voices', ...serverArgs(server)], { env })).code, 0);
    const url = server.url;
    await server.close();
    const r = await runCli(['say', '-v', '?', '--base-url', url, '--api-key', 'k'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /^liam\s+english\s+# male, american; word timings$/m);
    assert.match(r.stdout.toString(), /^sophia\s+english\s+# female, american$/m);
    const none = await runCli(['say', '-v', '?', '--base-url', url], { env: { XDG_CACHE_HOME: tempDir(t) } });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /No API key/);
  });
});

describe('voices that say what they can', () => {
  test('voices --json has wordTimestamps true exactly for the word-timing voices; the table has a column for it (regression: null for every voice)', async (t) => {
    const server = await startServer(t);
    const env = { XDG_CACHE_HOME: tempDir(t) };
    const json = await runCli(['voices', '--json', ...serverArgs(server)], { env });
    assert.equal(json.code, 0, json.stderr);
    const voices = JSON.parse(json.stdout.toString()) as { voiceId: string; wordTimestamps: unknown }[];
    for (const v of voices) assert.equal(typeof v.wordTimestamps, 'boolean', v.voiceId);
    assert.deepEqual(voices.filter((v) => v.wordTimestamps).map((v) => v.voiceId).sort(), WORD_VOICES);
    // The table, now from the cache written by the first run.
    const table = await runCli(['voices', ...serverArgs(server)], { env });
    const lines = table.stdout.toString().trimEnd().split('\n');
    assert.match(lines[0], /WORD TIMINGS/);
    assert.match(lines.find((l) => l.startsWith('liam '))!, /\byes\b/);
    assert.match(lines.find((l) => l.startsWith('sophia '))!, /\bno\b/);
  });

  test('--subtitles with a voice the catalogue knows sends no word timings is refused before anything is sent (regression: refused only after all the audio was made)', async (t) => {
    const server = await startServer(t);
    const env = { XDG_CACHE_HOME: tempDir(t) };
    assert.equal((await runCli(['voices', ...serverArgs(server)], { env })).code, 0);
    const dir = tempDir(t);
    const r = await runCli(['say', 'No timings here.', '-v', 'sophia', '--subtitles', join(dir, 'x.srt'), '-o', join(dir, 'x.wav'), ...serverArgs(server)], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--subtitles needs word timings, and the voice sophia sends none/);
    for (const voice of WORD_VOICES) assert.match(r.stderr, new RegExp(`\\b${voice}\\b`));
    assert.equal(server.requests.length, 0);
    assert.deepEqual(readdirSync(dir), []);
    const offline = await runCli(['say', 'No timings here.', '--offline', '-v', 'ryan', '--subtitles', join(dir, 'x.srt'), '-o', join(dir, 'x.wav')]);
    assert.equal(offline.code, 2, offline.stderr);
    assert.match(offline.stderr, /voice ryan sends none/);
    assert.ok(!existsSync(join(dir, 'x.wav')));
  });

  test('one list of word-timing voices: serve --help and every README list of them name the same six', async () => {
    const help = (await runCli(['serve', '--help'])).stdout.toString().replace(/\s+/g, ' ');
    assert.ok(help.includes(`Voices ${WORD_TIMESTAMP_VOICES.join(', ')} send word timestamps`), help);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    // A paragraph that lists them (three or more named; one or two are examples) names all six.
    const paragraphs = readme.split(/\n\s*\n/).filter((p) => WORD_VOICES.filter((v) => p.includes(`\`${v}\``)).length >= 3);
    assert.ok(paragraphs.length >= 2);
    for (const p of paragraphs) {
      for (const voice of WORD_VOICES) assert.ok(p.includes(`\`${voice}\``), `README paragraph without ${voice}:\n${p}`);
    }
  });
});
