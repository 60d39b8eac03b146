// Failures end in one line and the documented exit code, never a stack trace or a crash: a closed
// pipe, a full disk, a bad key, a stalled server, the input as the output, terminal escapes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeSync, existsSync, linkSync, openSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { API_KEY, BIN, ROOT, runCli, serverArgs, startServer, tempDir, type TestContextLike } from './helpers.js';
import { modelArgs } from './model-args.js';
import { prose } from './prose.js';
import { BROKEN_PIPE_EXIT, USAGE_EXIT, exitCodeFor } from '../src/cli/hints.js';
import { describeError, errorJson } from '../src/cli/report-error.js';
import { TerminatedError } from '../src/cli/signals.js';
import { ApiError, AuthError, ConnectionError, InterruptedError, ModelRetiredError, PlaybackUnavailableError, SmallestTtsError, UsageError } from '../src/core/errors.js';
import { OutputClosedError } from '../src/audio/sink.js';
import { formatFromPath } from '../src/audio/formats.js';
import { manifestFormatFromPath } from '../src/pipeline/batch/manifest-entries.js';
import { parseShard } from '../src/pipeline/batch/shard.js';
import { checkBaseUrl, parseRoute } from '../src/protocol/routes.js';
import { textInput } from '../src/text/input.js';
import { WavesClient } from '../src/pipeline/client.js';

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
    assertOneError(r.stderr, /^error: --base-url must not have a #fragment \(got "#x"\)$/m);
  });

  test('a base URL with credentials, or plain ws:// to another host, is refused in flag words, the secret never printed', async () => {
    const creds = await runCli(['say', 'Hello.', '-o', '-', '--base-url', 'wss://user:hunter2@api.smallest.ai', '--api-key', API_KEY]);
    assert.equal(creds.code, 2);
    assertOneError(creds.stderr, /^error: --base-url must not carry credentials\nGive the key with SMALLEST_API_KEY or --api-key instead\.\n$/);
    assert.ok(!creds.stderr.includes('hunter2'));
    const plain = await runCli(['say', 'Hello.', '-o', '-', '--api-key', API_KEY], { env: { SMALLEST_BASE_URL: 'ws://waves.example.com' } });
    assert.equal(plain.code, 2);
    assertOneError(plain.stderr, /^error: Refusing ws:\/\/waves\.example\.com: .*unencrypted\.\nUse wss:\/\/, or pass --insecure if you really mean it\.\n$/);
  });

  test('no key: the hint names the variable, the flag and --offline', async () => {
    const r = await runCli(['say', 'Hello.', '-o', '-']);
    assert.equal(r.code, 2);
    assertOneError(r.stderr, /^error: No API key\.\nSet SMALLEST_API_KEY \(or pass --api-key\), or use --offline to try the local voice\.\n$/);
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
    const report = JSON.parse(r.stdout.toString()) as { error: { name: string; code: string; message: string; exitCode: number } };
    assert.equal(report.error.exitCode, 2);
    assert.equal(report.error.name, 'UsageError');
    assert.equal(report.error.code, 'invalid_settings');
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

describe('error codes: the core names the problem, the CLI says it in flag words', () => {
  const cliWords = /(^|[^\w-])--[a-z][a-z0-9-]+|SMALLEST_|(^|\s)-[a-zA-Z](\s|$)/;
  /** Each error as the core makes it, its code, and what the CLI's hint or message must name. */
  const cases: [string, () => SmallestTtsError | Promise<SmallestTtsError>, string, RegExp][] = [
    ['a refused key', () => new AuthError(401), 'auth_refused', /SMALLEST_API_KEY or --api-key/],
    ['a retired model', () => new ModelRetiredError('lightning'), 'model_retired', /--model lightning_v3\.1/],
    ['no key for the client', () => errorOf(() => new WavesClient({ apiKey: '' })), 'missing_api_key', /SMALLEST_API_KEY.*--api-key.*--offline/],
    ['a key with a newline', () => errorOf(() => new WavesClient({ apiKey: 'sk-a\nb' })), 'bad_api_key', /SMALLEST_API_KEY for a stray newline/],
    ['a lost connection', () => new ConnectionError('Could not connect.'), 'connection_failed', /--base-url/],
    ['no sound device', () => new PlaybackUnavailableError('no device'), 'playback_unavailable', /-o out\.wav/],
    ['an unknown extension', () => errorOf(() => formatFromPath('a.m4a')), 'unknown_extension', /--format/],
    ['a manifest without a known extension', () => errorOf(() => manifestFormatFromPath('a.xml')), 'unknown_manifest_extension', /--manifest-format txt\|jsonl\|csv/],
    ['a bad shard', () => errorOf(() => parseShard('3/2')), 'bad_shard', /^--shard must be K\/N/],
    ['a bad route', () => errorOf(() => parseRoute('old')), 'bad_route', /^--route must be live or per-model \(got "old"\)$/],
    ['a base URL that is not one', () => errorOf(() => checkBaseUrl('nope')), 'bad_base_url', /^--base-url is not a URL: "nope"\nExample: wss:\/\/api\.smallest\.ai$/],
    ['text twice', () => errorOf(() => textInput({ args: ['hi'], file: 'a.txt', stdin: () => ({ stream: process.stdin, isTerminal: true }) })), 'text_twice', /with --file, not both/],
  ];
  for (const [name, make, code, cli] of cases) {
    test(`${name}: code ${code}, library words in the core, flag words from the CLI`, async () => {
      const error = await make();
      assert.equal(error.code, code);
      assert.doesNotMatch(`${error.message}\n${error.hint ?? ''}`, cliWords);
      const report = describeError(error);
      assert.match([report.message, report.hint].filter(Boolean).join('\n'), cli);
      assert.equal(report.code, code);
    });
  }

  test('exit codes live in the CLI: usage 2, Ctrl-C 130, a reader that left 141, signals 128 + n, else 1', () => {
    assert.equal(exitCodeFor(new UsageError('bad')), USAGE_EXIT);
    assert.equal(exitCodeFor(errorOf(() => checkBaseUrl('nope'))), 2);
    assert.equal(exitCodeFor(new InterruptedError()), 130);
    assert.equal(exitCodeFor(new OutputClosedError()), BROKEN_PIPE_EXIT);
    assert.equal(BROKEN_PIPE_EXIT, 141);
    assert.deepEqual(['SIGTERM', 'SIGHUP'].map((s) => exitCodeFor(new TerminatedError(s as 'SIGTERM'))), [143, 129]);
    assert.equal(exitCodeFor(new AuthError(403)), 1);
    for (const quiet of [new InterruptedError(), new OutputClosedError(), new TerminatedError('SIGTERM')]) assert.equal(describeError(quiet).quiet, true, quiet.code);
  });

  test("the README's exit-code table lists every exit code hints.ts gives", () => {
    const table = readFileSync(join(ROOT, 'README.md'), 'utf8').split('## Exit codes')[1].split('\n## ')[0];
    const errors = [new UsageError('x'), new InterruptedError(), new OutputClosedError(), new TerminatedError('SIGTERM'), new TerminatedError('SIGHUP'), new AuthError(401)];
    for (const code of new Set(errors.map(exitCodeFor))) assert.match(table, new RegExp(`^\\| ${code} \\|`, 'm'), `exit ${code}`);
  });

  test('an error made by a program keeps working: a message, a default code, a hint given as a string', () => {
    const usage = new UsageError('bad', 'Do this.');
    assert.deepEqual([usage.code, usage.hint, describeError(usage).hint], ['usage', 'Do this.', 'Do this.']);
    assert.equal(new SmallestTtsError('x').code, 'failed');
    assert.deepEqual({ ...new ApiError('too many', { status: 429, code: 'RATE' }).data }, { serverMessage: 'too many', serverCode: 'RATE', status: 429 });
    assert.equal(new ApiError('voice x not found').code, 'unknown_voice');
    assert.match(errorJson(describeError(new ModelRetiredError('lightning'))), /"code":"model_retired"/);
  });
});

/** The error `run` throws (or rejects with); synchronous throws stay synchronous for the sync cases. */
function errorOf(run: () => unknown): SmallestTtsError;
function errorOf(run: () => Promise<unknown>): Promise<SmallestTtsError>;
function errorOf(run: () => unknown): SmallestTtsError | Promise<SmallestTtsError> {
  let result: unknown;
  try {
    result = run();
    if (result instanceof Promise) return result.then(() => Promise.reject(new Error('nothing was thrown')), (error: unknown) => {
      if (error instanceof SmallestTtsError) return error;
      throw error;
    });
  } catch (error) {
    if (error instanceof SmallestTtsError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}
