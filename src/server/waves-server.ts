// A local Waves-compatible server: the real routes, auth, message shapes and idle timeout, plus fault injection.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { MODELS } from '../settings.js';
import { ToneEngine, type SpeechEngine } from './engine.js';
import { checkRequest } from './request-check.js';

export interface Faults {
  /** Delay before the first chunk of every request. */
  firstChunkDelayMs?: number;
  /** Pace chunks so audio is produced this many times faster than real time; 0 = unpaced. */
  realtimeFactor?: number;
  /** Drop (terminate) the connection after this many chunks sent on it ... */
  dropAfterChunks?: number;
  /** ... on this many connections, counted from the first. Default 1. */
  dropConnections?: number;
  /** Voice ids answered with an error frame. */
  refuseVoices?: string[];
  /** Models whose routes answer HTTP 410, as retired models do. */
  retiredModels?: string[];
  /** Close the socket after each `complete`, as the specs (not live use) describe. */
  closeAfterComplete?: boolean;
  /** Send a `word_timestamp` frame before each chunk, as newer routes do when asked. */
  wordTimestamps?: boolean;
}

export interface WavesServerOptions extends Faults {
  host?: string;
  port?: number;
  /** When set, upgrades and REST calls without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
  engine?: SpeechEngine;
  /** Close a connection that sent nothing for this long, after an error frame. Default 60 000. */
  idleTimeoutMs?: number;
  /** Bytes of PCM per chunk frame; odd sizes exercise sample realignment. Default 4800. */
  chunkBytes?: number;
  /** Keep each request's PCM in `requests` (tests). */
  record?: boolean;
  /** Called as each chunk frame is handed to the socket (benchmarks measure latency from here). */
  onChunkSent?: (info: { connection: number; bytes: number; at: number }) => void;
  /** Answer get_voices with this list instead of the engine's (to test clients against odd shapes). */
  voiceCatalog?: unknown[];
  log?: (line: string) => void;
}

export interface RequestRecord {
  connection: number;
  model: string;
  body: Record<string, unknown>;
  outcome: 'complete' | 'error' | 'dropped' | 'pending';
  bytes: number;
  pcm?: Buffer;
}

export interface WavesServer {
  readonly url: string;
  readonly port: number;
  readonly requests: RequestRecord[];
  /** Authorization headers of every upgrade, in order (tests check the Bearer form). */
  readonly upgrades: { path: string; authorization?: string }[];
  /** Plain HTTP requests (get_voices), in order. */
  readonly httpRequests: { path: string; authorization?: string }[];
  readonly connections: () => number;
  close(): Promise<void>;
}

const ROUTE = /^\/(?:api|waves)\/v1\/([^/]+)\/(get_speech\/stream|get_voices)$/;

function refuseUpgrade(socket: Socket, status: number, body: object): void {
  const text = JSON.stringify(body);
  const reason = { 401: 'Unauthorized', 404: 'Not Found', 410: 'Gone' }[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

function routeError(req: IncomingMessage, options: WavesServerOptions, kind: string): { status: number; body: object } | { model: string; timeoutMs?: number } {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = ROUTE.exec(url.pathname);
  if (!match || match[2] !== kind) return { status: 404, body: { status: 'error', message: `no route ${url.pathname}` } };
  const model = decodeURIComponent(match[1]);
  if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
    return { status: 401, body: { status: 'error', message: 'Invalid or missing API key' } };
  }
  if (options.retiredModels?.includes(model)) {
    return { status: 410, body: { status: 'error', error_code: 'MODEL_DEPRECATED', message: `This model is retired. Use lightning-v3.1.`, recommended_endpoint: url.pathname.replace(model, 'lightning-v3.1') } };
  }
  if (!(MODELS as readonly string[]).includes(model)) return { status: 404, body: { status: 'error', message: `unknown model ${model}` } };
  const timeout = Number(url.searchParams.get('timeout'));
  return { model, timeoutMs: timeout > 0 ? timeout * 1000 : undefined };
}

export async function startWavesServer(options: WavesServerOptions = {}): Promise<WavesServer> {
  const engine = options.engine ?? new ToneEngine();
  const log = options.log ?? (() => {});
  const chunkBytes = Math.max(1, options.chunkBytes ?? 4800);
  const requests: RequestRecord[] = [];
  const upgrades: { path: string; authorization?: string }[] = [];
  const httpRequests: { path: string; authorization?: string }[] = [];
  let connectionCount = 0;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    httpRequests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const route = routeError(req, options, 'get_voices');
    if ('status' in route) {
      res.writeHead(route.status, { 'content-type': 'application/json' }).end(JSON.stringify(route.body));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ voices: options.voiceCatalog ?? engine.voices() }));
    }
    log(`GET ${req.url} ${res.statusCode}`);
  });

  http.on('upgrade', (req, socket: Socket, head) => {
    upgrades.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const route = routeError(req, options, 'get_speech/stream');
    if ('status' in route) {
      log(`upgrade ${req.url} refused ${route.status}`);
      refuseUpgrade(socket, route.status, route.body);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws, route.model, route.timeoutMs ?? options.idleTimeoutMs ?? 60_000));
  });

  function serveConnection(ws: WebSocket, model: string, idleTimeoutMs: number): void {
    const id = ++connectionCount;
    const drops = id <= (options.dropConnections ?? 1) ? options.dropAfterChunks : undefined;
    let chunksSent = 0;
    let busy = false;
    let idleTimer: NodeJS.Timeout | undefined;
    const resetIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        const seconds = Math.round(idleTimeoutMs / 100) / 10;
        ws.send(JSON.stringify({ status: 'error', message: `Connection timed out after ${seconds} seconds of inactivity` }));
        ws.close(1000, 'idle timeout');
        log(`#${id} idle timeout after ${seconds}s`);
      }, idleTimeoutMs);
    };
    log(`#${id} connected ${model}`);
    resetIdle();
    const gone = new AbortController();
    ws.on('close', () => {
      gone.abort();
      clearTimeout(idleTimer);
      log(`#${id} closed`);
    });
    ws.on('message', (data) => {
      resetIdle();
      let body: unknown;
      try {
        body = JSON.parse(data.toString());
      } catch {
        ws.send(JSON.stringify({ status: 'error', error: { message: 'the message is not JSON', code: 'INVALID_REQUEST' } }));
        return;
      }
      if (busy) {
        ws.send(JSON.stringify({ status: 'error', error: { message: 'concurrency limit reached: one request at a time', code: 'CONCURRENCY_LIMIT' } }));
        return;
      }
      busy = true;
      void respond(body).finally(() => (busy = false));
    });

    async function respond(body: unknown): Promise<void> {
      const record: RequestRecord = { connection: id, model, body: body as Record<string, unknown>, outcome: 'pending', bytes: 0 };
      requests.push(record);
      const requestId = `req_${id}_${requests.length}`;
      const checked = checkRequest(body, model);
      const refused = checked.ok && (options.refuseVoices?.includes(checked.params.voice) || !engine.voices().some((v) => v.voiceId === checked.params.voice));
      if (!checked.ok || refused) {
        const error = checked.ok ? { message: `voice ${checked.params.voice} is not available`, code: 'VOICE_NOT_FOUND' } : { message: checked.message, code: checked.code };
        record.outcome = 'error';
        ws.send(JSON.stringify({ status: 'error', request_id: requestId, error }));
        log(`#${id} request refused: ${error.message}`);
        return;
      }
      const { params } = checked;
      const wordTimestamps = options.wordTimestamps || (body as Record<string, unknown>).word_timestamps === true;
      const started = performance.now();
      const pcmParts: Buffer[] = [];
      let pending = Buffer.alloc(0);
      let audioBytes = 0;
      const bytesPerSecond = params.sampleRate * 2;
      const sendChunk = async (chunk: Buffer): Promise<boolean> => {
        if (audioBytes === 0 && options.firstChunkDelayMs) await sleep(options.firstChunkDelayMs);
        const factor = options.realtimeFactor ?? 0;
        if (factor > 0) {
          const due = started + (options.firstChunkDelayMs ?? 0) + (audioBytes / bytesPerSecond / factor) * 1000;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
        }
        if (ws.readyState !== ws.OPEN) return false;
        if (wordTimestamps) {
          const start = audioBytes / bytesPerSecond;
          ws.send(JSON.stringify({ request_id: requestId, status: 'word_timestamp', data: { id: chunksSent, word: 'word', start, end: start + chunk.length / bytesPerSecond } }));
        }
        ws.send(JSON.stringify({ request_id: requestId, status: 'chunk', data: { audio: chunk.toString('base64') } }));
        options.onChunkSent?.({ connection: id, bytes: chunk.length, at: performance.now() });
        audioBytes += chunk.length;
        record.bytes += chunk.length;
        if (options.record) pcmParts.push(chunk);
        if (drops !== undefined && ++chunksSent >= drops) {
          ws.terminate();
          log(`#${id} dropped after ${chunksSent} chunks (fault)`);
          return false;
        }
        return true;
      };
      let alive = true;
      try {
        for await (const { samples } of engine.synthesize(params, gone.signal)) {
          if (ws.readyState !== ws.OPEN) {
            alive = false;
            break;
          }
          const bytes = Buffer.alloc(samples.length * 2);
          for (let i = 0; i < samples.length; i++) bytes.writeInt16LE(samples[i], i * 2);
          pending = pending.length ? Buffer.concat([pending, bytes]) : bytes;
          while (alive && pending.length >= chunkBytes) {
            alive = await sendChunk(pending.subarray(0, chunkBytes));
            pending = pending.subarray(chunkBytes);
          }
          if (!alive) break;
        }
      } catch (failure) {
        // The engine failed on this request only: the connection and later requests carry on.
        const message = failure instanceof Error ? failure.message : String(failure);
        const code = (failure as { code?: unknown }).code;
        record.outcome = 'error';
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ status: 'error', request_id: requestId, error: { message, code: typeof code === 'string' ? code : 'ENGINE_ERROR' } }));
        log(`#${id} engine ${engine.name} failed: ${message}`);
        return;
      }
      if (alive && pending.length > 0) alive = await sendChunk(pending);
      if (options.record) record.pcm = Buffer.concat(pcmParts);
      if (!alive) {
        record.outcome = 'dropped';
        return;
      }
      await sleep(checked.completeBackoffMs);
      if (ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify({ request_id: requestId, status: 'complete' }));
      record.outcome = 'complete';
      if (options.closeAfterComplete) ws.close(1000, 'request complete');
      const seconds = (audioBytes / bytesPerSecond).toFixed(2);
      log(`#${id} request ${params.voice} ${params.language} ${params.sampleRate}Hz ${params.text.length} chars -> ${seconds}s audio in ${Math.round(performance.now() - started)}ms`);
    }
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = http.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `ws://${host}:${port}`,
    port,
    requests,
    upgrades,
    httpRequests,
    connections: () => connectionCount,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
