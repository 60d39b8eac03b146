// Issue 19, rows 4 and 14: a server that repeats the Authorization header (in an HTTP 500 body or an
// error frame) never gets the key printed, on any channel; its error text reaches the terminal as one clean line.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { addSecret, redact } from '../src/cli/secrets.js';
import { safeLine } from '../src/cli/terminal/sanitize.js';
import { FliteWorker } from '../src/server/engines/flite/worker-client.js';
import { runCli, tempDir, type TestContextLike } from './helpers.js';

const KEY = 'sk-live-7f3a9c21e4b8d6f0';
/** Another token a server might show: redacted too, though it is not ours. */
const OTHER = 'tok_99887766554433';

/** Every spelling of the header a careless server might repeat. */
function echoes(authorization: string | undefined): string {
  const key = (authorization ?? '').replace(/^Bearer /, '');
  return `request refused; you sent Authorization: ${authorization}; authorization=bearer ${key}; "Bearer%20${encodeURIComponent(key)}"; key=${key}; also Bearer ${OTHER}`;
}

/** Answers every upgrade with HTTP 500 whose JSON body repeats the Authorization header. */
async function http500Server(t: TestContextLike): Promise<string> {
  const server = createServer();
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    const body = JSON.stringify({ message: echoes(req.headers.authorization) });
    socket.end(`HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** Accepts the upgrade, then answers every request with an error frame that repeats the header, plus a forged line and a screen clear. */
async function errorFrameServer(t: TestContextLike, extra = ''): Promise<string> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  wss.on('connection', (ws, req) => {
    ws.on('message', (data) => {
      const body = JSON.parse(data.toString()) as Record<string, unknown>;
      const ids = typeof body.request_id === 'string' ? { external_request_id: body.request_id } : {};
      ws.send(JSON.stringify({ ...ids, status: 'error', message: `${echoes(req.headers.authorization)}${extra}` }));
    });
  });
  t.after(() => new Promise<void>((resolve) => {
    for (const c of wss.clients) c.terminate();
    wss.close(() => resolve());
  }));
  return `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
}

function assertNoSecret(text: string, where: string): void {
  assert.ok(!text.includes(KEY), `${where} shows the key:\n${text}`);
  assert.ok(!text.includes(encodeURIComponent(KEY).slice(0, 12)), `${where} shows part of the key:\n${text}`);
  assert.ok(!text.includes(OTHER), `${where} shows a bearer token:\n${text}`);
  assert.ok(!text.includes(KEY.slice(0, 10)), `${where} shows the start of the key:\n${text}`);
}

describe('a server that repeats the Authorization header (regression: --json, the batch report and summary printed the key)', () => {
  for (const [kind, start] of [['an HTTP 500 body', http500Server], ['an error frame', errorFrameServer]] as const) {
    test(`say --json, ${kind}: neither stderr nor the JSON on stdout shows the key`, async (t) => {
      const url = await start(t);
      const dir = tempDir(t);
      const r = await runCli(['say', 'Hello there.', '-o', join(dir, 'a.wav'), '--json', '--base-url', url, '--api-key', KEY]);
      assert.equal(r.code, 1, r.stderr);
      const json = JSON.parse(r.stdout.toString()) as { error: { message: string } };
      assert.match(json.error.message, /you sent/); // the server's text did arrive …
      assert.match(json.error.message, /\*\*\*/); // … with the key replaced
      assertNoSecret(r.stdout.toString(), 'stdout');
      assertNoSecret(r.stderr, 'stderr');
    });

    test(`batch --json --verbose, ${kind}: the report, the summary and the log lines never show the key`, async (t) => {
      const url = await start(t);
      const dir = tempDir(t);
      writeFileSync(join(dir, 'm.txt'), 'First line.\nSecond line.\n');
      const r = await runCli(['batch', join(dir, 'm.txt'), '--out-dir', join(dir, 'out'), '--json', '--verbose', '--base-url', url], { env: { SMALLEST_API_KEY: KEY } });
      assert.equal(r.code, 1, r.stderr);
      const report = JSON.parse(r.stdout.toString()) as { items: { status: string; error: { message: string } }[] };
      assert.equal(report.items.length, 2);
      for (const item of report.items) {
        assert.equal(item.status, 'failed');
        assert.match(item.error.message, /you sent.*\*\*\*/);
      }
      assert.match(r.stderr, /2 items failed/);
      assertNoSecret(r.stdout.toString(), 'the --json report');
      assertNoSecret(r.stderr, 'the summary and log');
    });
  }

  test('the offline voice\'s Flite worker does not inherit SMALLEST_API_KEY or anything else of the environment but an allow-list', async (t) => {
    const before = process.env.SMALLEST_API_KEY;
    process.env.SMALLEST_API_KEY = KEY;
    process.env.SOME_TOKEN = OTHER;
    const worker = new FliteWorker();
    t.after(async () => {
      await worker.close();
      if (before === undefined) delete process.env.SMALLEST_API_KEY;
      else process.env.SMALLEST_API_KEY = before;
      delete process.env.SOME_TOKEN;
    });
    worker.warm();
    assert.ok(worker.pid, 'the worker started');
    const environ = readFileSync(`/proc/${worker.pid}/environ`, 'utf8');
    assert.ok(!environ.includes(KEY), 'the worker has the key');
    assert.ok(!environ.includes(OTHER), 'the worker has another secret');
    assert.match(environ, /(^|\0)PATH=/); // an allow-list, not an empty environment
  });
});

describe('server error text on the terminal (regression: \\r\\n forged a line; batch left [2J remnants)', () => {
  const hostile = '\r\nerror: forged line from the server\u001b[2J\u001b]0;title\u0007 \u009b31m';

  test('say: the error is one line, no escape sequence or its remnants', async (t) => {
    const url = await errorFrameServer(t, hostile);
    const dir = tempDir(t);
    const r = await runCli(['say', 'Hello there.', '-o', join(dir, 'a.wav'), '--base-url', url, '--api-key', KEY]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /forged line from the server/); // it arrived, on the error's own line
    for (const line of r.stderr.split('\n')) assert.ok(!line.startsWith('error: forged'), `a forged line:\n${r.stderr}`);
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(r.stderr), `control characters on stderr: ${JSON.stringify(r.stderr)}`);
    assert.ok(!r.stderr.includes('[2J') && !r.stderr.includes(']0;'), `escape remnants: ${JSON.stringify(r.stderr)}`);
  });

  test('batch: the summary\'s failure list and --json report hold one clean line per item', async (t) => {
    const url = await errorFrameServer(t, hostile);
    const dir = tempDir(t);
    writeFileSync(join(dir, 'm.txt'), 'Only line.\n');
    const r = await runCli(['batch', join(dir, 'm.txt'), '--out-dir', join(dir, 'out'), '--json', '--base-url', url, '--api-key', KEY]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /1 item failed:\n {2}0001 \(line 1\): .*forged line from the server/);
    for (const line of r.stderr.split('\n')) assert.ok(!line.startsWith('error: forged'), `a forged line:\n${r.stderr}`);
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(r.stderr), `control characters: ${JSON.stringify(r.stderr)}`);
    assert.ok(!r.stderr.includes('[2J'), `escape remnants: ${JSON.stringify(r.stderr)}`);
    const report = JSON.parse(r.stdout.toString()) as { items: { error: { message: string } }[] };
    assert.ok(!/[\r\n\u001b]/.test(report.items[0].error.message), JSON.stringify(report.items[0].error.message));
  });
});

describe('redact: the key in its spellings and Bearer tokens in any form', () => {
  const key = 'sk-unit-"quoted"\\-0042';
  addSecret(key);
  const cases: [string, string][] = [
    [`key ${key} here`, 'key *** here'],
    [JSON.stringify({ message: `sent ${key}` }), '{"message":"sent ***"}'],
    [`url=${encodeURIComponent(key)}`, 'url=***'],
    ['Authorization: Bearer abc.def-123456', 'Authorization: Bearer ***'],
    ['authorization: bearer ABCDEF123456', 'authorization: bearer ***'],
    ['BEARER:tok_abcdef12', 'BEARER:***'],
    ['"Bearer%20sk-xyz-98765"', '"Bearer%20***"'],
    ['{"authorization":"Bearer eyJhbGciOi.J9xyz"}', '{"authorization":"Bearer ***"}'],
    ['the bearer bonds matured', 'the bearer bonds matured'],
    ['Bearer of bad news', 'Bearer of bad news'],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input).slice(0, 60), () => assert.equal(redact(input), expected));
  }

  test('a key split by escape sequences is still found, and never cut in half by the length limit', () => {
    const split = `${key.slice(0, 6)}\u001b[0m${key.slice(6)}`;
    assert.equal(safeLine(`x ${split} y`), 'x *** y');
    const long = `${'a'.repeat(190)} Bearer ${key}`;
    const line = safeLine(long, 200);
    assert.ok(!line.includes(key.slice(0, 6)), line);
  });
});
