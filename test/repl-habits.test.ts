// The REPL as a person meets it: the exit code of an interactive session, /help at the terminal's
// width, hints that fit --offline, and messages that name every format it writes.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OUTPUT_FORMATS, FORMAT_INFO } from '../src/audio/formats.js';
import { helpText } from '../src/cli/commands/repl/repl-session.js';
import { MODEL_SPECS } from '../src/core/models.js';
import { BIN, runCli, serverArgs, startServer, tempDir, waitFor, type TestContextLike } from './helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const EXTENSIONS = OUTPUT_FORMATS.map((f) => FORMAT_INFO[f].extensions[0]);

interface Pane {
  send(...keys: string[]): void;
  screen(): string;
}

/** The REPL in a tmux pane of `columns` × 80 (writing to a file: no sound card needed); EXIT=n is printed when it ends. */
async function replInTmux(t: TestContextLike, columns: number, args: string[]): Promise<Pane> {
  const session = `smallest-tts-habits-${process.pid}-${columns}-${Math.random().toString(36).slice(2, 8)}`;
  const command = [process.execPath, BIN, 'repl', ...args].map((a) => `'${a}'`).join(' ');
  const tmux = (...a: string[]) => execFileSync('tmux', ['-L', session, ...a], { encoding: 'utf8' });
  tmux('new-session', '-d', '-s', 'repl', '-x', String(columns), '-y', '80', `${command}; echo EXIT=$?; sleep 60`);
  t.after(() => spawnSync('tmux', ['-L', session, 'kill-server']));
  const pane = { send: (...keys: string[]) => void tmux('send-keys', '-t', 'repl', ...keys), screen: () => tmux('capture-pane', '-p', '-J', '-t', 'repl') };
  await waitFor(() => pane.screen().includes('tts›'), 10_000, 'the prompt');
  return pane;
}

describe('repl in a real terminal (tmux): exit codes and /help', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  test('an interactive session with an early typo exits 0 (regression: exit 2 after an ordinary session with one typo)', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const pane = await replInTmux(t, 120, [...serverArgs(server), '-o', join(dir, 'out.wav')]);
    pane.send('/vocie emily', 'Enter');
    await waitFor(() => pane.screen().includes('Did you mean /voice?'), 5000, 'the typo refused');
    pane.send('Hello there.', 'Enter');
    await waitFor(() => server.requests.some((r) => r.outcome === 'complete'), 10_000, 'the line spoken');
    pane.send('C-d');
    await waitFor(() => /EXIT=\d+/.test(pane.screen()), 10_000, 'exit');
    assert.match(pane.screen(), /EXIT=0/);
  });

  test('an interactive session whose last command failed exits with its code', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const pane = await replInTmux(t, 120, [...serverArgs(server), '-o', join(dir, 'out.wav')]);
    pane.send('/speed 99', 'Enter');
    await waitFor(() => /error: .*speed/.test(pane.screen()), 5000, 'the refusal');
    pane.send('C-d');
    await waitFor(() => /EXIT=\d+/.test(pane.screen()), 10_000, 'exit');
    assert.match(pane.screen(), /EXIT=2/);
  });

  for (const columns of [100, 60]) {
    test(`/help fits ${columns} columns and cuts no word or language code (regression: a code cut in two at 100 columns)`, async (t) => {
      const server = await startServer(t);
      const dir = tempDir(t);
      const pane = await replInTmux(t, columns, [...serverArgs(server), '-o', join(dir, 'out.wav')]);
      pane.send('/help', 'Enter');
      await waitFor(() => pane.screen().includes('/quit '), 5000, 'the help');
      pane.send('C-d');
      await waitFor(() => /EXIT=\d+/.test(pane.screen()), 10_000, 'exit');
      const screen = pane.screen();
      const start = screen.indexOf('Type text and press Enter');
      const help = screen.slice(start, screen.indexOf('tts›', start)).trimEnd();
      // -J joins lines the terminal wrapped: a line longer than the pane would show up here.
      for (const line of help.split('\n')) assert.ok(line.length <= columns, `${line.length} > ${columns}: ${line}`);
      const tokens = help.split(/\s+/);
      for (const spec of MODEL_SPECS) {
        assert.ok(tokens.includes(`${spec.id}:`), spec.id);
        for (const code of spec.languages) assert.ok(tokens.includes(code), `${code} whole`);
      }
      assert.equal(help.replace(/\s+/g, ' '), helpText(1000).replace(/\s+/g, ' '), 'the same words, in order');
      assert.match(pane.screen(), /EXIT=0/);
    });
  }
});

describe('repl messages', () => {
  test('/voice nobody with --offline names the offline voices, not `smallest-tts voices` (which needs a key)', async () => {
    const r = await runCli(['repl', '--offline', '-o', '/dev/null'], { stdin: '/voice nobody\n' });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\/voice "nobody" is not a known voice\. \(The voices: sophia, emily, .*avery\.\)/);
    assert.doesNotMatch(r.stderr, /smallest-tts voices/);
  });

  test('-o - and /save name every format the REPL writes (regression: "writes only WAV")', async (t) => {
    const stdout = await runCli(['repl', '-o', '-', '--api-key', 'k']);
    assert.equal(stdout.code, 2);
    for (const ext of EXTENSIONS) assert.ok(stdout.stderr.includes(ext), `${ext} in: ${stdout.stderr}`);
    assert.doesNotMatch(stdout.stderr, /WAV file/);
    const server = await startServer(t);
    const save = await runCli(['repl', ...serverArgs(server), '-o', join(tempDir(t), 'o.wav')], { stdin: '/save\n/save off\n' });
    const lines = save.stderr.split('\n').filter((l) => /save/.test(l));
    assert.equal(lines.length, 2, save.stderr);
    for (const line of lines) for (const ext of EXTENSIONS) assert.ok(line.includes(ext), `${ext} in: ${line}`);
    assert.equal(save.code, 2, 'piped mode keeps the worst code: /save off was refused');
  });

  test('piped mode keeps its documented codes: a refused command early still makes exit 2', async (t) => {
    const server = await startServer(t);
    const r = await runCli(['repl', ...serverArgs(server), '-o', join(tempDir(t), 'o.wav')], { stdin: '/vocie emily\nHello.\n' });
    assert.equal(r.code, 2, r.stderr);
  });
});
