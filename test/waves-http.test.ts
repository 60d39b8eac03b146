// The one status → error map, table by table, seen the two ways the service refuses: a REST answer
// (the voice list) and a refused socket upgrade (the ws transport). Real loopback servers, port 0.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { ApiError, AuthError, ConnectionError, ModelRetiredError } from '../src/core/errors.js';
import { errorForStatus } from '../src/waves/http/status-errors.js';
import { bearer, httpRequestJson, httpRequestText } from '../src/waves/http/request.js';
import { fetchVoices } from '../src/waves/voices.js';
import { wsTransport } from '../src/waves/ws-transport.js';
import { API_KEY, type TestContextLike } from './helpers.js';

const MODEL = 'lightning_v2';
const LONG_HTML = `<html>${'x'.repeat(400)}</html>`;

interface Case {
  name: string;
  status: number;
  body: string;
  type: typeof AuthError | typeof ModelRetiredError | typeof ApiError;
  /** `FAILED` stands for what the caller says failed. */
  message: RegExp | ((failed: string) => RegExp);
  kind?: string;
}

const CASES: Case[] = [
  { name: '401: the key refused', status: 401, body: '', type: AuthError, message: /^The API key was refused \(HTTP 401\)\.$/ },
  { name: '403: the key refused, whatever the body says', status: 403, body: '{"message":"forbidden"}', type: AuthError, message: /\(HTTP 403\)/ },
  { name: '410 with the service\'s words', status: 410, body: '{"message":"Please migrate to lightning-v3.1"}', type: ModelRetiredError, message: /^Model lightning_v2 is retired: Please migrate to lightning-v3\.1$/ },
  { name: '410 with nothing to say', status: 410, body: '', type: ModelRetiredError, message: /^Model lightning_v2 is retired\.$/ },
  { name: '429 with nothing to say', status: 429, body: '', type: ApiError, kind: 'over-limit', message: /too many requests: the account concurrency limit was reached \(HTTP 429\)$/ },
  { name: '429 with a nested message', status: 429, body: '{"error":{"message":"Concurrency limit reached (2 active)"}}', type: ApiError, kind: 'over-limit', message: /error: Concurrency limit reached \(2 active\)$/ },
  { name: '500 with plain text', status: 500, body: 'down for maintenance\n', type: ApiError, kind: 'other', message: /error: down for maintenance \(HTTP 500\)$/ },
  { name: '503 with a detail', status: 503, body: '{"detail":"busy, come back"}', type: ApiError, message: /error: busy, come back \(HTTP 503\)$/ },
  { name: '502 with a page too long to be a message', status: 502, body: LONG_HTML, type: ApiError, message: (failed) => new RegExp(`error: ${failed} \\(HTTP 502\\)$`) },
  { name: '404 with nothing to say', status: 404, body: '', type: ApiError, message: (failed) => new RegExp(`error: ${failed} \\(HTTP 404\\)$`) },
];

function check(error: unknown, c: Case, failed: string): void {
  assert.ok(error instanceof c.type, `${c.name}: ${String(error)}`);
  assert.match((error as Error).message, typeof c.message === 'function' ? c.message(failed) : c.message);
  if (c.kind) assert.equal((error as ApiError).kind, c.kind);
  if (error instanceof ApiError || error instanceof AuthError) assert.equal(error.status, c.status);
}

/** Answers every request and every upgrade with the case named by the path (/case/N), raw, then closes. */
async function refusingServer(t: TestContextLike): Promise<{ port: number; server: Server }> {
  const answer = (path: string | undefined) => {
    const c = CASES[Number(/\/case\/(\d+)/.exec(path ?? '')?.[1])];
    const body = Buffer.from(c.body);
    return Buffer.concat([Buffer.from(`HTTP/1.1 ${c.status} Refused\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`), body]);
  };
  const server = createServer((req, res) => res.socket?.end(answer(req.url)));
  server.on('upgrade', (req, socket) => socket.end(answer(req.url)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as AddressInfo).port, server };
}

describe('one status → error map', () => {
  for (const c of CASES) test(`the map alone: ${c.name}`, () => check(errorForStatus(c.status, c.body, { model: MODEL, failed: 'it failed' }), c, 'it failed'));

  test('a REST answer and a refused upgrade give the same error for every status', async (t) => {
    const { port } = await refusingServer(t);
    for (const [i, c] of CASES.entries()) {
      const rest = await httpRequestJson({ url: `http://127.0.0.1:${port}/case/${i}`, what: 'voice list', model: MODEL, timeoutMs: 5000 }).then(() => null, (e: unknown) => e);
      check(rest, c, 'the voice list request failed');
      const upgrade = await wsTransport.open({ url: `ws://127.0.0.1:${port}/case/${i}`, headers: bearer(API_KEY), model: MODEL, connectTimeoutMs: 5000 }).then(() => null, (e: unknown) => e);
      check(upgrade, c, 'the upgrade was refused');
    }
  });

  test('the voice list goes through the same map', async (t) => {
    const { port } = await refusingServer(t);
    const voices = (i: number) => fetchVoices({ apiKey: API_KEY, baseUrl: `ws://127.0.0.1:${port}/case/${i}`, model: MODEL }).then(() => null, (e: unknown) => e);
    for (const i of [0, 2, 4, 6]) check(await voices(i), CASES[i], 'the voice list request failed');
  });
});

/** A server that takes requests and never answers them. */
async function silentServer(t: TestContextLike): Promise<number> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as AddressInfo).port;
}

describe('http requests: a deadline and a signal', () => {
  test('the deadline counts from the request: a ConnectionError naming what did not arrive', async (t) => {
    const port = await silentServer(t);
    const error = await httpRequestText({ url: `http://127.0.0.1:${port}/`, what: 'clone', timeoutMs: 50 }).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof ConnectionError);
    assert.match(error.message, /^The clone from 127\.0\.0\.1:\d+ did not arrive within 0\.05 s \(no answer\)\.$/);
  });

  test('the caller\'s signal cancels: the rejection is the abort, not a ConnectionError', async (t) => {
    const port = await silentServer(t);
    const abort = new AbortController();
    const pending = httpRequestText({ url: `http://127.0.0.1:${port}/`, what: 'clone', timeoutMs: 60_000, signal: abort.signal });
    abort.abort();
    const error = await pending.then(() => null, (e: unknown) => e);
    assert.ok(error instanceof Error);
    assert.ok(!(error instanceof ConnectionError), String(error));
  });

  test('the method, headers and body go out as given; the answer comes back whatever its status', async (t) => {
    let seen: { method?: string; auth?: string; body: string } = { body: '' };
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (part) => (body += part));
      req.on('end', () => {
        seen = { method: req.method, auth: req.headers.authorization, body };
        res.writeHead(201).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/clone`;
    const answer = await httpRequestText({ url, method: 'POST', headers: bearer(API_KEY), body: 'voice sample', what: 'clone', timeoutMs: 5000 });
    assert.deepEqual(answer, { status: 201, body: '{"ok":true}' });
    assert.deepEqual(seen, { method: 'POST', auth: `Bearer ${API_KEY}`, body: 'voice sample' });
  });
});
