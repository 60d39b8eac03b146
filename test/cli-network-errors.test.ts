// Errors a person can act on: a name that does not resolve, a port nobody listens on, a TLS
// mismatch, a server that never answers, an output folder that does not exist. Each is one line in
// plain words and one line with the next step.
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeError } from '../src/cli/report-error.js';
import { ConnectionError } from '../src/core/errors.js';
import { openSocket } from '../src/waves/ws-transport.js';
import { API_KEY, runCli, serverArgs, startServer, tempDir, type TestContextLike } from './helpers.js';

const PRELOAD = fileURLToPath(new URL('./dns-failure-preload.js', import.meta.url));

/** Exactly two lines: `error: …` matching `message`, then a hint matching `hint`. */
function assertActionable(stderr: string, message: RegExp, hint: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, stderr);
  assert.match(lines[0], /^error: /);
  assert.match(lines[0], message);
  assert.match(lines[1], hint);
  assert.doesNotMatch(stderr, /\n\s+at \S/);
}

/** A loopback port nobody listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP server that accepts and never says a word. */
async function silentServer(t: TestContextLike): Promise<number> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as AddressInfo).port;
}

describe('connection failures in plain words, with the next step', () => {
  test('DNS (ENOTFOUND, EAI_AGAIN): the name was not found; the hint names --base-url, the proxy variables and --offline (regression: ENOTFOUND printed raw)', async () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      const env = { NODE_OPTIONS: `--import=${PRELOAD}`, DNS_FAILURE_CODE: code };
      const say = await runCli(['say', 'hi', '-o', '/dev/null', '--base-url', 'wss://api.example.test', '--api-key', API_KEY], { env });
      assert.equal(say.code, 1, say.stderr);
      assertActionable(say.stderr, new RegExp(`the name api\\.example\\.test (was not found|could not be looked up).*\\(${code}\\)`), /--base-url.*HTTPS_PROXY.*NO_PROXY.*--offline/);
      const voices = await runCli(['voices', '--base-url', 'wss://api.example.test', '--api-key', API_KEY], { env });
      assert.equal(voices.code, 1, voices.stderr);
      assertActionable(voices.stderr, new RegExp(`Could not reach api\\.example\\.test: the name .*\\(${code}\\)`), /HTTPS_PROXY.*--offline/);
    }
  });

  test('refused: nothing listens on that port; the hint names --base-url, serve and --offline', async () => {
    const port = await closedPort();
    const say = await runCli(['say', 'hi', '-o', '/dev/null', '--base-url', `ws://127.0.0.1:${port}`, '--api-key', API_KEY]);
    assert.equal(say.code, 1, say.stderr);
    assertActionable(say.stderr, /no server is listening on that port \(ECONNREFUSED\)/, /--base-url.*serve.*--offline/);
    const voices = await runCli(['voices', '--base-url', `ws://127.0.0.1:${port}`, '--api-key', API_KEY]);
    assert.equal(voices.code, 1, voices.stderr);
    assertActionable(voices.stderr, /no server is listening on that port \(ECONNREFUSED\)/, /--base-url/);
  });

  test('TLS: wss:// to a plain server says the server does not speak TLS; the hint names wss:// and ws://', async (t) => {
    const plain = createHttpServer((_req, res) => res.end('plain'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      plain.closeAllConnections();
      return new Promise((resolve) => plain.close(resolve));
    });
    const url = `wss://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    for (const args of [['say', 'hi', '-o', '/dev/null'], ['voices']]) {
      const r = await runCli([...args, '--base-url', url, '--api-key', API_KEY]);
      assert.equal(r.code, 1, r.stderr);
      assertActionable(r.stderr, /the secure \(TLS\) connection failed: the server does not speak TLS there/, /wss:\/\/ for a TLS server, ws:\/\/ for a plain local one/);
    }
  });

  test('timeout: a server that accepts and never answers the upgrade fails with "no answer in time" and the proxy hint', async (t) => {
    const port = await silentServer(t);
    const started = Date.now();
    const error = await openSocket({ url: `ws://127.0.0.1:${port}/waves/v1/tts/live`, apiKey: API_KEY, model: 'lightning_v3.1', connectTimeoutMs: 300 }).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof ConnectionError);
    assert.ok(Date.now() - started < 5000);
    assert.match(error.message, /^Could not connect to 127\.0\.0\.1:\d+: no answer in time/);
    assert.doesNotMatch(error.message, /--|SMALLEST_/, 'the core names no flag');
    const report = describeError(error);
    assert.match(report.hint!, /HTTPS_PROXY.*--offline/);
  });
});

describe('every error ends with what to do', () => {
  test('a refusal with only the service\'s message (HTTP 503 on the upgrade) still gets a hint line', async (t) => {
    const busy = createHttpServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'down for maintenance' }));
    });
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      busy.closeAllConnections();
      return new Promise((resolve) => busy.close(resolve));
    });
    const r = await runCli(['say', 'hi', '-o', '/dev/null', '--base-url', `ws://127.0.0.1:${(busy.address() as AddressInfo).port}`, '--api-key', API_KEY]);
    assert.equal(r.code, 1, r.stderr);
    assertActionable(r.stderr, /down for maintenance \(HTTP 503\)/, /the service's own message/);
  });
});

describe('output folders', () => {
  test('-o into a missing folder says so with the next step, before connecting (regression: no hint line)', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const target = join(dir, 'nonexistent', 'x.wav');
    const r = await runCli(['say', 'hi', '-o', target, ...serverArgs(server)]);
    assert.equal(r.code, 1, r.stderr);
    assertActionable(r.stderr, /Cannot write .*x\.wav: its folder does not exist/, /mkdir -p .*nonexistent/);
    assert.equal(server.connections(), 0, 'nothing connected');
    const repl = await runCli(['repl', '-o', target, ...serverArgs(server)], { stdin: 'Hello.\n' });
    assert.equal(repl.code, 1, repl.stderr);
    assertActionable(repl.stderr, /its folder does not exist/, /mkdir -p/);
    assert.equal(server.connections(), 0);
    assert.ok(!existsSync(join(dir, 'nonexistent')));
    const file = join(dir, 'a-file');
    await runCli(['say', 'hi', '-o', file, ...serverArgs(server)]);
    const under = await runCli(['say', 'hi', '-o', join(file, 'x.wav'), ...serverArgs(server)]);
    assert.equal(under.code, 1);
    assertActionable(under.stderr, /a-file is not a folder/, /folder that exists/);
    assert.deepEqual(readdirSync(dir), ['a-file']);
  });
});
