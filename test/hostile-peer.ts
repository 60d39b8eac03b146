// A deliberately misbehaving Waves peer for client tests: a raw `ws` server whose answers each test scripts.
import { WebSocketServer, type WebSocket } from 'ws';
import type { TestContextLike } from './helpers.js';

export interface PeerMessage {
  ws: WebSocket;
  body: Record<string, unknown>;
  /** Sends a chunk of `bytes` PCM bytes (value `fill`), echoing the request's ids unless told otherwise. */
  chunk(bytes: number, fill?: number, ids?: Record<string, string>): void;
  complete(ids?: Record<string, string>): void;
}

export interface Peer {
  url: string;
  messages: Record<string, unknown>[];
  upgrades: () => number;
}

export async function startPeer(t: TestContextLike, onMessage: (m: PeerMessage) => void): Promise<Peer> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const messages: Record<string, unknown>[] = [];
  let upgrades = 0;
  let segment = 0;
  wss.on('connection', (ws) => {
    upgrades++;
    ws.on('message', (data) => {
      const body = JSON.parse(data.toString()) as Record<string, unknown>;
      messages.push(body);
      const echo = () => ({ request_id: `task_${++segment}`, ...(typeof body.request_id === 'string' ? { external_request_id: body.request_id } : {}) });
      const ids = echo();
      onMessage({
        ws,
        body,
        chunk: (bytes, fill = 1, override) => ws.send(JSON.stringify({ ...ids, ...override, status: 'chunk', data: { audio: Buffer.alloc(bytes, fill).toString('base64') } })),
        complete: (override) => ws.send(JSON.stringify({ ...ids, ...override, status: 'complete' })),
      });
    });
  });
  t.after(() => new Promise<void>((resolve) => {
    for (const c of wss.clients) c.terminate();
    wss.close(() => resolve());
  }));
  const { port } = wss.address() as { port: number };
  return { url: `ws://127.0.0.1:${port}`, messages, upgrades: () => upgrades };
}
