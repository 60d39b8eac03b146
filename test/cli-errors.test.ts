// Failures end in one line and the documented exit code, never a stack trace or a crash: a closed
// pipe, a full disk, a bad key, a stalled server, the input as the output, terminal escapes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeSync, existsSync, linkSync, openSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { API_KEY, BIN, runCli, serverArgs, startServer, tempDir, type TestContextLike } from './helpers.js';
import { modelArgs } from './model-args.js';
import { prose } from './prose.js';

const MODEL = await modelArgs();

function assertOneError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.match(lines[0], /^error: /, stderr);
  assert.match(stderr, pattern);
  assert.ok(lines.length <= 2, `one error line and at most one hint, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /unexpected failure|\n\s+at \S|Warning/, stderr);
}

/** An HTTP server that answers a request as `answer` says, closed after the test. */
async function httpServer(t: TestContextLike, answer: (res: import('node:http').ServerResponse) => void): Promise<string> {
  const server = createServer((_req, res) => answer(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  t.after(() => server.closeAllConnections());
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('output errors', () => {
  test('a reader that leaves the pipe early (| head -c 10) ends the run quietly', async (t) => {
    const server = await startServer(t);
    const child = spawn(process.execPath, [BIN, 'say', ...MODEL, '--raw', '-o', '-', ...serverArgs(server), prose(3000)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let got = 0;
    child.stdout.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= 10) child.stdout.destroy(); // as head -c 10 does
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.ok(got >= 10, 'audio arrived before the reader left');
    assert.ok(code === 0 || code === 141, `exit ${code}: ${stderr}`);
    assert.equal(stderr, '');
  });

  test('-o /dev/full: one line about the full device, exit 1', { skip: !existsSync('/dev/full') && 'no /dev/full' }, async (t) => {
    const server = await startServer(t);
    const r = await runCli(['say', ...MODEL, 'Mr. Smith went to Washington. He stayed for 3 days.', '-o', '/dev/full', ...serverArgs(server)]);
    assert.equal(r.code, 1, r.stderr);
    assertOneError(r.stderr, /no space left on device/i);
  });

  test('the input file as the output (-f notes.txt -o notes.txt, or another path to it) is refused and left untouched', async (t) => {
    const dir = tempDir(t);
    const notes = join(dir, 'notes.txt');
    const text = 'Dr. Jones arrived at 10.30 a.m. on Tuesday. The meeting lasted 2 hours.\n';
    writeFileSync(notes, text);
    mkdirSync(join(dir, 'sub'));
    linkSync(notes, join(dir, 'sub', 'hard-link.txt'));
    for (const output of [notes, join(dir, 'sub', '..', 'notes.txt'), join(dir, 'sub', 'hard-link.txt')]) {
      const r = await runCli(['say', '-f', notes, '-o', output, '--offline']);
      assert.equal(r.code, 2, r.stderr);
      assertOneError(r.stderr, /is the input/);
    }
    // `say -o notes.txt < notes.txt`: stdin is the same file.
    const fd = openSync(notes, 'r');
    const child = spawn(process.execPath, [BIN, 'say', '-o', 'notes.txt', '--offline'], { cwd: dir, stdio: [fd, 'ignore', 'pipe'] });
    closeSync(fd);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    assert.equal(await new Promise((resolve) => child.on('close', resolve)), 2);
    assertOneError(stderr, /is the input \(stdin\)/);
    assert.equal(readFileSync(notes, 'utf8'), text);
    assert.deepEqual(readdirSync(dir).sort(), ['notes.txt', 'sub']);
  });
});


describe('connection settings', () => {
  test('an API key with a line break or a control character is a usage error before connecting', async (t) => {
    const server = await startServer(t);
    for (const key of ['sk-abc\ndef', 'sk-abc\u0007def', 'sk-\u001b[31mred']) {
      const r = await runCli(['say', ...MODEL, 'Hello there, Mr. Brown.', '-o', '-', '--base-url', server.url], { env: { SMALLEST_API_KEY: key } });
      assert.equal(r.code, 2, r.stderr);
      assertOneError(r.stderr, /API key contains/);
      assert.ok(!r.stderr.includes('sk-abc') && !r.stderr.includes('\u001b'), 'the key is never printed');
    }
    assert.equal(server.upgrades.length, 0, 'nothing connected');
  });

  test('a --base-url with a #fragment is a usage error with one line', async () => {
    const r = await runCli(['say', 'Hello.', '-o', '-', '--base-url', 'wss://api.smallest.ai/#x', '--api-key', API_KEY]);
    assert.equal(r.code, 2);
    assertOneError(r.stderr, /#fragment/);
  });

  test('-q with --verbose is a usage error', async () => {
    const r = await runCli(['say', 'Hello.', '-q', '--verbose', '--offline', '-o', '-']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot be used with/);
  });

  test('a value error says the flag once, in our words', async () => {
    const r = await runCli(['say', 'Hello.', '--speed', 'fast', '--offline', '-o', '-']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: --speed must be a number \(got "fast"\)\n/);
    const model = await runCli(['say', 'Hello.', '--model', 'lightning_v31', '--offline', '-o', '-']);
    assert.match(model.stderr, /^error: --model must be one of .* \(got "lightning_v31"\)\. Did you mean lightning_v3\.1\?\n/);
  });
});

describe('voices', () => {
  test('a voice list whose body stalls times out with a message', async (t) => {
    const url = await httpServer(t, (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"voices": [');
    });
    const r = await runCli(['voices', '--refresh', ...MODEL, '--base-url', url, '--api-key', API_KEY, '--http-timeout', '300']);
    assert.equal(r.code, 1, r.stderr);
    assertOneError(r.stderr, /did not arrive within 0\.3 s/);
  });

  test('voice names and server error messages reach the terminal without escape sequences', async (t) => {
    const evil = '\u001b]0;pwned\u0007Evil\u001b[2J\r\nName';
    const catalog = [
      { voiceId: 'evil', displayName: evil, tags: { language: ['english'], gender: 'female\u001b[31m' } },
      { voiceId: 'x\u001b[2J;$(touch pwned)', displayName: 'Shell', tags: {} },
    ];
    const server = await startServer(t, { voiceCatalog: catalog });
    const r = await runCli(['voices', '--refresh', ...MODEL, ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.toString();
    assert.match(out, /EvilName|Evil Name/);
    assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f\u007f]/, JSON.stringify(out));
    // Shell completion offers cached ids: only ones shaped like voice ids.
    const completion = await runCli(['__voices', MODEL[1] ?? 'lightning_v3.1'], { env: { SMALLEST_BASE_URL: server.url } });
    const offered = completion.stdout.toString().split('\n');
    assert.ok(offered.includes('evil'), offered.join(' '));
    assert.ok(!offered.some((id) => id.includes('touch') || id.includes('\u001b')), offered.join(' '));

    const url = await httpServer(t, (res) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'boom\u001b[2J\u001b]0;title\u0007 gone' })));
    const failed = await runCli(['voices', '--refresh', ...MODEL, '--base-url', url, '--api-key', API_KEY]);
    assert.equal(failed.code, 1);
    assertOneError(failed.stderr, /boom gone/);
    assert.doesNotMatch(failed.stderr, /\u001b/);
  });
});

describe('messages', () => {
  test('--json prints an error object as well when the run fails', async (t) => {
    const dir = tempDir(t);
    const r = await runCli(['say', 'Hello.', '--voice', 'no such voice', '-o', join(dir, 'x.wav'), '--json', '--offline']);
    assert.equal(r.code, 2);
    const report = JSON.parse(r.stdout.toString()) as { error: { name: string; message: string; exitCode: number } };
    assert.equal(report.error.exitCode, 2);
    assert.equal(report.error.name, 'UsageError');
    assert.match(report.error.message, /--voice/);
  });

  test('did you mean: config keys and REPL commands', async (t) => {
    const r = await runCli(['config', 'set', 'sped', '1.2'], { env: { SMALLEST_TTS_CONFIG: join(tempDir(t), 'c.json') } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown config key "sped"\. Did you mean speed\?/);
    const server = await startServer(t);
    const repl = await runCli(['repl', ...MODEL, '-o', join(tempDir(t), 'r.wav'), ...serverArgs(server)], { stdin: '/vocie emily\n/zzz\n' });
    assert.equal(repl.code, 2, repl.stderr);
    assert.match(repl.stderr, /Unknown command \/vocie\. Did you mean \/voice\?/);
    assert.match(repl.stderr, /Unknown command \/zzz\. \/help/);
  });

  test('the root help names the environment, the config file and --offline', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    const help = r.stdout.toString();
    for (const word of ['SMALLEST_API_KEY', 'SMALLEST_BASE_URL', 'SMALLEST_PROFILE', 'NO_COLOR', 'config.json', '--offline', 'Examples:', 'doctor']) assert.ok(help.includes(word), word);
  });
});
