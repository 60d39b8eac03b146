// A small Waves-like server for doctor tests, written on raw `ws` and knowing nothing of src/:
// it releases a context's text one sentence at a time or all at once, and can break the rules.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { TestContextLike } from './helpers.js';

export interface SegmentingPeerOptions {
  /** true: one release (request_id, audio, complete) per sentence of a context; false: one release per context. */
  split: boolean;
  /** Word times counted from each release's audio, or from the context's first audio. */
  wordTimes?: 'release' | 'context';
  /** Fault: this long after a context's last complete, one more release of audio. */
  lateAudioMs?: number;
  /** Fault: never send `complete`. */
  neverComplete?: boolean;
  /** Requests active at once across sockets; over it a nested concurrency error. Default unlimited. */
  maxActive?: number;
  apiKey?: string;
}

const RATE_DEFAULT = 44_100;
const WORD_SECONDS = 0.2;
const VOICES = ['sophia', 'emily', 'liam'];
const WORD_VOICES = ['liam'];

export async function startSegmentingPeer(t: TestContextLike, o: SegmentingPeerOptions): Promise<{ url: string }> {
  const http = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${o.apiKey ?? 'peer-key'}`) return void res.writeHead(401).end('{"message":"Unauthorized"}');
    if (!/get_voices$/.test(req.url ?? '')) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ voices: VOICES.map((voiceId) => ({ voiceId, displayName: voiceId, tags: { language: ['english'] } })) }));
  });
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    if (req.headers.authorization !== `Bearer ${o.apiKey ?? 'peer-key'}`) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const timeout = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('timeout')) || 60;
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, timeout));
  });
  let active = 0;
  let lateSent = false;
  let task = 0;

  function serve(ws: WebSocket, timeoutSeconds: number): void {
    const contexts = new Map<string, string>();
    let idle: NodeJS.Timeout | undefined;
    const resetIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        ws.send(JSON.stringify({ status: 'error', message: `Connection timed out after ${timeoutSeconds} seconds of inactivity` }));
        ws.close(1000);
      }, timeoutSeconds * 1000);
    };
    resetIdle();
    ws.on('close', () => clearTimeout(idle));
    const send = (frame: object) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(frame));
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    /** One release: its own request_id, word times, audio of WORD_SECONDS per word, then complete. */
    const release = (text: string, body: Record<string, unknown>, offset: number): number => {
      const ids = { session_id: 'ws_peer', request_id: `task_${++task}`, ...(typeof body.request_id === 'string' ? { external_request_id: body.request_id } : {}) };
      const rate = typeof body.sample_rate === 'number' ? body.sample_rate : RATE_DEFAULT;
      const words = text.split(/\s+/).filter(Boolean);
      if (body.word_timestamps === true && WORD_VOICES.includes(String(body.voice_id))) {
        words.forEach((word, id) => send({ ...ids, status: 'word_timestamp', data: { id, word, start: offset + id * WORD_SECONDS, end: offset + (id + 0.8) * WORD_SECONDS } }));
      }
      const bytes = Math.round(words.length * WORD_SECONDS * rate) * 2;
      for (let at = 0; at < bytes; at += 4800) send({ ...ids, status: 'chunk', data: { audio: Buffer.alloc(Math.min(4800, bytes - at), 7).toString('base64') } });
      if (!o.neverComplete) send({ ...ids, status: 'complete' });
      return words.length * WORD_SECONDS;
    };

    const speak = async (text: string, body: Record<string, unknown>) => {
      if (o.maxActive !== undefined && active >= o.maxActive) {
        send({ status: 'error', error: { message: 'Concurrency limit reached (1 active request per account)', code: 'concurrency_limit_exceeded' } });
        return;
      }
      active++;
      try {
        await wait(30);
        const pieces = o.split ? (text.match(/[^.!?]+[.!?]+/g) ?? [text]) : [text];
        let offset = 0;
        for (const piece of pieces) {
          const seconds = release(piece.trim(), body, o.wordTimes === 'context' ? offset : 0);
          offset += seconds;
          await wait(40);
        }
        if (o.lateAudioMs !== undefined && !lateSent) {
          lateSent = true; // once is enough to break the rule; every step would only slow the test
          await wait(o.lateAudioMs);
          release('late', body, 0);
        }
      } finally {
        active--;
      }
    };

    ws.on('message', (data) => {
      resetIdle();
      const body = JSON.parse(data.toString()) as Record<string, unknown>;
      if (!VOICES.includes(String(body.voice_id))) return send({ status: 'error', message: 'Invalid voice id' });
      if (body.language !== undefined && body.language !== 'en') return send({ status: 'error', error: { message: `Unsupported language ${String(body.language)}`, code: 'invalid_language' } });
      const text = String(body.text ?? '');
      if (typeof body.context_id !== 'string') return void speak(text, body);
      const buffered = (contexts.get(body.context_id) ?? '') + text;
      if (body.continue === true) return void contexts.set(body.context_id, buffered);
      contexts.delete(body.context_id);
      void speak(buffered, body);
    });
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    for (const c of wss.clients) c.terminate();
    http.closeAllConnections();
    http.close(() => resolve());
  }));
  return { url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}` };
}
