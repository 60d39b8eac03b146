import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { moduleTrace, parseWav, runCli, sentPcm, serverArgs, startServer, tempDir, type TestContextLike } from './helpers.js';

interface Tunnel {
  target: string;
  headers: IncomingHttpHeaders;
}

/**
 * A real HTTP CONNECT proxy on loopback, as corporate proxies are: it records every tunnel asked
 * for and pipes bytes both ways; with `refuse` it answers every CONNECT with that status instead.
 */
async function connectProxy(t: TestContextLike, options: { refuse?: number } = {}): Promise<{ url: string; tunnels: Tunnel[]; plainRequests: string[] }> {
  const tunnels: Tunnel[] = [];
  const plainRequests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    // A plain request to the proxy (absolute-URI forwarding) is not what the client should send.
    plainRequests.push(`${req.method} ${req.url}`);
    res.writeHead(405).end();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    tunnels.push({ target: req.url ?? '', headers: req.headers });
    if (options.refuse) {
      client.end(`HTTP/1.1 ${options.refuse} Blocked by policy\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = [(req.url ?? '').replace(/:\d+$/, ''), Number((req.url ?? '').split(':').pop())];
    const upstream = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tunnels, plainRequests };
}

const CATALOG_VOICE = /liam/;

describe('proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)', () => {
  test('say through HTTP_PROXY: the socket goes through the proxy\'s tunnel, the key never reaches the proxy, the audio is exact', async (t) => {
    const server = await startServer(t);
    const proxy = await connectProxy(t);
    const out = join(tempDir(t), 'proxied.wav');
    const r = await runCli(['say', 'Through the proxy.', '-o', out, '--verbose', ...serverArgs(server)], { env: { HTTP_PROXY: proxy.url } });
    assert.equal(r.code, 0, r.stderr);
    const port = new URL(server.url).port;
    assert.deepEqual(proxy.tunnels.map((x) => x.target), [`127.0.0.1:${port}`]);
    assert.deepEqual(proxy.plainRequests, []);
    for (const tunnel of proxy.tunnels) assert.equal(tunnel.headers.authorization, undefined, 'the API key stays inside the tunnel');
    assert.match(r.stderr, new RegExp(`through the proxy http://127\\.0\\.0\\.1:${new URL(proxy.url).port}`));
    assert.deepEqual(parseWav(readFileSync(out)).data, sentPcm(server));
  });

  test('lower-case http_proxy works too, for the voice list (REST)', async (t) => {
    const server = await startServer(t);
    const proxy = await connectProxy(t);
    const r = await runCli(['voices', '--refresh', '--json', ...serverArgs(server)], { env: { http_proxy: proxy.url } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), CATALOG_VOICE);
    assert.equal(proxy.tunnels.length, 1);
    assert.equal(proxy.tunnels[0].target, `127.0.0.1:${new URL(server.url).port}`);
  });

  test('a proxy with credentials in its URL gets Proxy-Authorization; they are never printed', async (t) => {
    const server = await startServer(t);
    const proxy = await connectProxy(t);
    const withUser = proxy.url.replace('http://', 'http://ops:s3cret-pass@');
    const r = await runCli(['say', 'Authenticated proxy.', '-o', join(tempDir(t), 'a.wav'), '--verbose', ...serverArgs(server)], { env: { HTTP_PROXY: withUser } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(proxy.tunnels[0].headers['proxy-authorization'], `Basic ${Buffer.from('ops:s3cret-pass').toString('base64')}`);
    assert.doesNotMatch(r.stderr, /s3cret-pass|ops:/);
  });

  test('NO_PROXY naming the host bypasses the proxy (socket and REST)', async (t) => {
    const server = await startServer(t);
    const proxy = await connectProxy(t);
    for (const noProxy of ['127.0.0.1', `127.0.0.1:${new URL(server.url).port}`, '*']) {
      const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: noProxy };
      const say = await runCli(['say', 'Direct.', '-o', join(tempDir(t), 'direct.wav'), ...serverArgs(server)], { env });
      assert.equal(say.code, 0, say.stderr);
      const voices = await runCli(['voices', '--refresh', '--json', ...serverArgs(server)], { env: { ...env, NO_PROXY: undefined, no_proxy: noProxy } });
      assert.equal(voices.code, 0, voices.stderr);
    }
    assert.deepEqual(proxy.tunnels, []);
    assert.equal(server.requests.length, 3);
  });

  test('NO_PROXY for another host or port leaves the proxy in use', async (t) => {
    const server = await startServer(t);
    const proxy = await connectProxy(t);
    const r = await runCli(['say', 'Still proxied.', '-o', join(tempDir(t), 'p.wav'), ...serverArgs(server)], { env: { HTTP_PROXY: proxy.url, NO_PROXY: 'example.com,127.0.0.1:1' } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(proxy.tunnels.length, 1);
  });

  test('a proxy that refuses the tunnel: exit 1, an error naming the proxy and its answer (not a refused key), nothing sent', async (t) => {
    const server = await startServer(t);
    const proxy = await connectProxy(t, { refuse: 403 });
    const dir = tempDir(t);
    const say = await runCli(['say', 'Blocked.', '-o', join(dir, 'b.wav'), ...serverArgs(server)], { env: { HTTP_PROXY: proxy.url } });
    assert.equal(say.code, 1, say.stderr);
    assert.match(say.stderr, new RegExp(`the proxy http://127\\.0\\.0\\.1:\\d+ refused the tunnel to 127\\.0\\.0\\.1:\\d+ \\(HTTP 403 Blocked by policy\\)`));
    assert.doesNotMatch(say.stderr, /API key was refused/);
    const voices = await runCli(['voices', '--refresh', ...serverArgs(server)], { env: { HTTP_PROXY: proxy.url } });
    assert.equal(voices.code, 1, voices.stderr);
    assert.match(voices.stderr, /refused the tunnel .*HTTP 403/);
    assert.equal(server.requests.length, 0);
    assert.ok(proxy.tunnels.length >= 2);
  });

  test('a proxy that asks for credentials (407) says how to give them', async (t) => {
    const server = await startServer(t);
    const proxy = await connectProxy(t, { refuse: 407 });
    const r = await runCli(['say', 'Who are you?', '-o', join(tempDir(t), 'c.wav'), ...serverArgs(server)], { env: { HTTP_PROXY: proxy.url } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /HTTP 407.*user:password@host:port/);
  });

  test('a proxy that is not there: an error naming the proxy, not the service', async (t) => {
    const server = await startServer(t);
    const closed = await connectProxy(t);
    const port = new URL(closed.url).port;
    // A port that was free a moment ago and is closed now.
    const gone = `http://127.0.0.1:${await freePort()}`;
    const r = await runCli(['say', 'Anyone?', '-o', join(tempDir(t), 'd.wav'), ...serverArgs(server)], { env: { HTTP_PROXY: gone } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /the proxy http:\/\/127\.0\.0\.1:\d+ could not be reached \(ECONNREFUSED\)/);
    assert.match(r.stderr, /Check HTTPS_PROXY \/ HTTP_PROXY/, "the hint names the proxy, not --base-url");
    assert.notEqual(port, new URL(gone).port);
  });

  test('start-up: without a proxy variable the proxy packages are never loaded; with one they are', async (t) => {
    const server = await startServer(t);
    const proxy = await connectProxy(t);
    const dir = tempDir(t);
    const proxyModules = /proxy-from-env|proxy-agent|https-proxy-agent/;
    const direct = moduleTrace(tempDir(t));
    const r = await runCli(['say', 'Direct.', '-o', join(dir, 'a.wav'), ...serverArgs(server)], { env: direct.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(direct.loaded(), /main\.js/, 'the trace works');
    assert.doesNotMatch(direct.loaded(), proxyModules);
    const proxied = moduleTrace(tempDir(t));
    const p = await runCli(['say', 'Proxied.', '-o', join(dir, 'b.wav'), ...serverArgs(server)], { env: { ...proxied.env, HTTP_PROXY: proxy.url } });
    assert.equal(p.code, 0, p.stderr);
    assert.match(proxied.loaded(), /proxy-from-env/);
    assert.match(proxied.loaded(), /proxy-agent/);
  });

  test('--offline never uses the proxy: its server is in the same process', async (t) => {
    const proxy = await connectProxy(t);
    const r = await runCli(['say', '--offline', 'Local.', '-o', join(tempDir(t), 'o.wav')], { env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(proxy.tunnels, []);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
