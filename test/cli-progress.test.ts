import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { formatClock } from '../src/cli/terminal/progress.js';
import { ToneEngine } from '../src/server/engines/tone-engine.js';
import { moduleTrace, parseWav, runCli, serverArgs, startServer, tempDir } from './helpers.js';
import { hasScript, inTerminal } from './terminal.js';

const LONG_TEXT = Array.from({ length: 40 }, (_, i) => `Sentence number ${i + 1} is here, and it carries a few more words to make it longer.`).join(' ');

describe('progress on a terminal', { skip: !hasScript && 'script (util-linux) is not installed' }, () => {
  /** About 30 s of audio at 20× real time: the run lasts long enough for the progress line. */
  const slowServer = (t: Parameters<typeof startServer>[0]) =>
    startServer(t, { engine: new ToneEngine({ letterSeconds: 0.01, gapSeconds: 0.02 }), realtimeFactor: 20 });

  function isolatedEnv(t: { after(fn: () => unknown): void }): Record<string, string> {
    const home = mkdtempSync(join(tmpdir(), 'smallest-tts-pty-'));
    t.after(() => rmSync(home, { recursive: true, force: true }));
    return { XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache'), SMALLEST_API_KEY: '', SMALLEST_BASE_URL: '' };
  }

  test('100×30: a percentage with audio time and ETA, then one summary naming the file and its length', async (t) => {
    const server = await slowServer(t);
    const dir = tempDir(t);
    writeFileSync(join(dir, 'chapter.txt'), LONG_TEXT);
    const out = join(dir, 'chapter.wav');
    const r = await inTerminal('cols 100 rows 30', ['say', '-f', join(dir, 'chapter.txt'), '-o', out, ...serverArgs(server)], isolatedEnv(t));
    const text = r.output.toString('utf8');
    assert.equal(r.code, 0, text);
    assert.match(text, /\d+% · \d+:\d\d of audio · ETA (\d+:\d\d|…)/);
    const wav = parseWav(readFileSync(out));
    const length = formatClock(Math.round(wav.data.length / 2 / wav.sampleRate));
    assert.match(text, new RegExp(`wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} — ${length} of audio in [\\d.:]+( s)?\\r?\\n`));
    assert.doesNotMatch(text, /\x1b\[\d*[ABEF]/, 'no cursor-up or cursor-down sequences');
  });

  test('the line is drawn by ora, loaded only when a line is due: a long run loads it, --help and a pipe do not', async (t) => {
    const server = await slowServer(t);
    const dir = tempDir(t);
    const long = moduleTrace(tempDir(t));
    const r = await inTerminal('cols 100 rows 30', ['say', LONG_TEXT, '-o', join(dir, 'out.wav'), ...serverArgs(server)], { ...isolatedEnv(t), ...long.env });
    assert.equal(r.code, 0, r.output.toString('utf8').slice(-2000));
    assert.match(r.output.toString('utf8'), /⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏/, "ora's dots spinner");
    assert.match(long.loaded(), /\/ora-[^/]*\.js/);
    const help = moduleTrace(tempDir(t));
    assert.equal((await inTerminal('cols 100 rows 30', ['say', '--help'], { ...isolatedEnv(t), ...help.env })).code, 0);
    assert.match(help.loaded(), /main\.js/, 'the trace works');
    assert.doesNotMatch(help.loaded(), /\/ora-/);
    const piped = moduleTrace(tempDir(t));
    assert.equal((await runCli(['say', 'Short.', '-o', join(dir, 'p.wav'), ...serverArgs(server)], { env: piped.env })).code, 0);
    assert.doesNotMatch(piped.loaded(), /\/ora-/);
  });

  test('batch on a 40-column terminal: its line (ora\'s spinner, counts) fits in 39 characters; 0×0 stays bounded', async (t) => {
    const server = await slowServer(t);
    const dir = tempDir(t);
    const manifest = join(dir, 'lines.txt');
    writeFileSync(manifest, `${LONG_TEXT.split('. ').slice(0, 12).join('.\n')}\n`);
    const r = await inTerminal('cols 40 rows 10', ['batch', manifest, '--out-dir', join(dir, 'out'), ...serverArgs(server)], isolatedEnv(t));
    const text = r.output.toString('utf8');
    assert.equal(r.code, 0, text);
    const draws = text.split('\r\x1b[K').map((d) => d.replace(/\r?\n?$/, '')).filter((d) => /batch:/.test(d));
    assert.ok(draws.length > 0, 'the batch line was drawn');
    for (const draw of draws) {
      assert.ok(Array.from(draw).length <= 39, JSON.stringify(draw));
      assert.match(draw, /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] batch: /);
    }
    assert.doesNotMatch(text, /\x1b\[\d*[ABEF]/, 'no cursor-up or cursor-down sequences');
    const tiny = await inTerminal('cols 0 rows 0', ['batch', manifest, '--out-dir', join(dir, 'out0'), ...serverArgs(server)], isolatedEnv(t));
    assert.equal(tiny.code, 0, tiny.output.toString('utf8').slice(-2000));
    assert.ok(tiny.output.length < 32_000, `${tiny.output.length} bytes written to the terminal`);
  });

  test('0×0 (stty cols 0 rows 0): finishes normally, with bounded output (regression: the spinner flooded it)', async (t) => {
    const server = await slowServer(t);
    const dir = tempDir(t);
    const r = await inTerminal('cols 0 rows 0', ['say', LONG_TEXT, '-o', join(dir, 'out.flac'), ...serverArgs(server)], isolatedEnv(t));
    assert.equal(r.code, 0, r.output.toString('utf8').slice(-2000));
    assert.ok(r.output.length < 32_000, `${r.output.length} bytes written to the terminal`);
    assert.match(r.output.toString('utf8'), /wrote .*out\.flac — \d+:\d\d of audio/);
  });

  test('10 columns: every redraw fits in 9 characters', async (t) => {
    const server = await slowServer(t);
    const dir = tempDir(t);
    const r = await inTerminal('cols 10 rows 5', ['say', LONG_TEXT, '-o', join(dir, 'out.wav'), ...serverArgs(server)], isolatedEnv(t));
    const text = r.output.toString('utf8');
    assert.equal(r.code, 0, text);
    const draws = text.split('\r\x1b[K').map((d) => d.replace(/\r?\n?$/, '')).filter((d) => d && !d.startsWith('wrote'));
    assert.ok(draws.length > 0, 'something was drawn');
    for (const draw of draws) assert.ok(Array.from(draw).length <= 9, JSON.stringify(draw));
  });

  test('in a pipe: nothing on stderr on success', async (t) => {
    const server = await slowServer(t);
    const r = await runCli(['say', LONG_TEXT.slice(0, 400), '-o', join(tempDir(t), 'out.mp3'), ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
});
