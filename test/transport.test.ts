// The transport seam: the ws transport against a real ws server on port 0, and the client's socket
// slot over another transport (an in-memory one), which is all a second transport needs to be.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { ConnectionError } from '../src/core/errors.js';
import { bearer } from '../src/waves/http/request.js';
import { SocketSlot } from '../src/waves/socket-slot.js';
import type { SocketListeners, Transport, TransportOpenOptions, TransportSocket } from '../src/waves/transport.js';
import { wsTransport } from '../src/waves/ws-transport.js';
import { API_KEY, type TestContextLike } from './helpers.js';

async function wsServer(t: TestContextLike, onConnection: (ws: WebSocket, auth?: string) => void): Promise<string> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  server.on('connection', (ws, req) => onConnection(ws, req.headers.authorization));
  await new Promise((resolve) => server.once('listening', resolve));
  t.after(() => {
    for (const client of server.clients) client.terminate();
    return new Promise((resolve) => server.close(resolve));
  });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/waves/v1/tts/live`;
}

const opening = (url: string, extra: Partial<TransportOpenOptions> = {}) => ({ url, headers: bearer(API_KEY), model: 'lightning_v3.1', connectTimeoutMs: 5000, ...extra });

describe('the ws transport', () => {
  test('sends the headers, a text frame each way, and hears the server\'s close code and reason', async (t) => {
    let auth: string | undefined;
    const url = await wsServer(t, (ws, header) => {
      auth = header;
      ws.on('message', (data) => {
        ws.send(`echo ${String(data)}`);
        ws.close(4001, 'bye');
      });
    });
    const socket = await wsTransport.open(opening(url));
    const heard: unknown[] = [];
    const closed = new Promise<void>((resolve) => socket.listen({ message: (data) => heard.push(data.toString('utf8')), close: (code, reason) => { heard.push({ code, reason }); resolve(); } }));
    socket.send('hello');
    await closed;
    assert.equal(auth, `Bearer ${API_KEY}`);
    assert.deepEqual(heard, ['echo hello', { code: 4001, reason: 'bye' }]);
  });

  test('our close goes out with its code and reason', async (t) => {
    let serverHeard: (close: { code: number; reason: string }) => void = () => {};
    const heard = new Promise<{ code: number; reason: string }>((resolve) => (serverHeard = resolve));
    const url = await wsServer(t, (ws) => ws.on('close', (code, reason) => serverHeard({ code, reason: reason.toString() })));
    const socket = await wsTransport.open(opening(url));
    socket.close(1000, 'client closed');
    assert.deepEqual(await heard, { code: 1000, reason: 'client closed' });
  });

  test('an aborted signal ends the attempt with a ConnectionError', async (t) => {
    const url = await wsServer(t, () => {});
    const abort = new AbortController();
    abort.abort();
    const error = await wsTransport.open(opening(url, { signal: abort.signal })).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof ConnectionError);
    assert.match(error.message, /was cancelled/);
  });
});

/** A transport that opens in memory: what the test pushes comes out as frames; what is sent is kept. */
class MemorySocket implements TransportSocket {
  readonly sent: string[] = [];
  private readonly listeners: SocketListeners[] = [];
  send(text: string): void {
    this.sent.push(text);
  }
  close(code: number, reason: string): void {
    for (const l of this.listeners) l.close?.(code, reason);
  }
  terminate(): void {
    this.close(1006, '');
  }
  listen(listeners: SocketListeners): void {
    this.listeners.push(listeners);
  }
  push(text: string): void {
    for (const l of this.listeners) l.message?.(Buffer.from(text));
  }
}

describe('the socket slot over another transport', () => {
  test('opens, passes frames, and hears the socket go, with no ws in sight', async () => {
    const opened: TransportOpenOptions[] = [];
    const socket = new MemorySocket();
    const transport: Transport = { open: async (options) => (opened.push(options), socket) };
    const events: unknown[] = [];
    const slot = new SocketSlot({
      apiKey: API_KEY,
      transport,
      currentModel: () => 'lightning_v3.1',
      onConnected: (info) => events.push(['connected', info.url]),
      onReconnecting: () => events.push(['reconnecting']),
      onConnectionError: (error) => events.push(['error', error.message]),
      onMessage: (data) => events.push(['message', data.toString('utf8')]),
      onGone: (code, reason) => events.push(['gone', code, reason]),
    });
    const url = 'ws://memory.test/waves/v1/tts/live';
    const got = await slot.socketFor(url, false);
    assert.equal(got, socket);
    assert.equal(opened[0].headers.Authorization, `Bearer ${API_KEY}`);
    socket.push('{"status":"chunk"}');
    socket.close(1001, 'going away');
    assert.equal(slot.isOpen, false);
    assert.deepEqual(events, [['connected', url], ['message', '{"status":"chunk"}'], ['gone', 1001, 'going away']]);
  });
});
