// A local Waves-compatible server: HTTP routes, auth, upgrades, connection and handshake limits, start and stop.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { SmallestTtsError } from '../core/errors.js';
import type { SpeechEngine, VoiceInfo } from './engines/engine.js';
import { ToneEngine } from './engines/tone-engine.js';
import { Slots, serveConnection, type ServerShared } from './connection.js';
import { refuseUpgrade, resolveRoute, type Route } from './routes.js';
import type { RequestRecord, ServerStats, WavesServer, WavesServerOptions } from './server-options.js';

export type { Faults, RequestRecord, ServerStats, WavesServer, WavesServerOptions } from './server-options.js';
export type { ReleaseMode } from './text-buffers.js';

/** Entries kept in `requests`, `upgrades` and `httpRequests` unless `record` is set. */
const LOG_LIMIT = 1000;
/** The largest frame a client may send (a request's text is capped at 100 000 characters). */
const MAX_PAYLOAD = 1 << 20;

function bounded<T>(list: T[], keepAll: boolean): (item: T) => void {
  return (item) => {
    list.push(item);
    if (!keepAll && list.length > LOG_LIMIT) list.splice(0, list.length - LOG_LIMIT);
  };
}

/** Listen errors as typed errors with one line to show. */
function startError(error: NodeJS.ErrnoException, host: string, port: number): SmallestTtsError {
  if (error.code === 'EADDRINUSE') return new SmallestTtsError(`Port ${port} on ${host} is in use.`, { cause: error });
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return new SmallestTtsError(`Host ${host} could not be resolved.`, { cause: error });
  if (error.code === 'EADDRNOTAVAIL') return new SmallestTtsError(`Address ${host} is not an address of this machine.`, { cause: error });
  if (error.code === 'EACCES') return new SmallestTtsError(`Not allowed to listen on port ${port}.`, { cause: error });
  return new SmallestTtsError(`Could not listen on ${host}:${port}: ${error.message}`, { cause: error });
}

/** The logs a server keeps, readable from its handle. */
interface ServerLogs {
  requests: RequestRecord[];
  upgrades: { path: string; authorization?: string }[];
  httpRequests: { path: string; authorization?: string }[];
}

/** What every connection shares: the engine, its voices, the slots, the stats and the request log. */
function sharedState(options: WavesServerOptions, engine: SpeechEngine, voices: VoiceInfo[], stats: ServerStats, logs: ServerLogs): ServerShared {
  const refused = new Set(options.refuseVoices ?? []);
  return {
    options, engine, stats,
    slots: new Slots(options.maxActiveRequests ?? Infinity),
    retiredModels: options.retiredModels ?? ['lightning-v2'],
    log: options.log ?? (() => {}),
    hasVoice: (voice) => !refused.has(voice) && voices.some((v) => v.voiceId === voice),
    wordVoice: (voice) => voices.some((v) => v.voiceId === voice && v.wordTimestamps === true),
    addRecord: bounded(logs.requests, options.record === true),
  };
}

/** The HTTP routes: the voice list, or the route's refusal. */
function answerHttp(shared: ServerShared, voices: VoiceInfo[], addHttp: (entry: ServerLogs['httpRequests'][number]) => void) {
  const { options, retiredModels, log } = shared;
  return (req: IncomingMessage, res: ServerResponse): void => {
    addHttp({ path: req.url ?? '', authorization: req.headers.authorization });
    const route = resolveRoute(req, 'voices', { apiKey: options.apiKey, retiredModels });
    if (!route.ok) res.writeHead(route.status, { 'content-type': 'application/json' }).end(JSON.stringify(route.body));
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ voices: options.voiceCatalog ?? voices }));
    log(`GET ${req.url} ${res.statusCode}`);
  };
}

/** A raw socket must send a whole request (or upgrade) in time: slow-loris sockets are closed. */
function guardHandshakes(http: Server, handshakeMs: number, stats: ServerStats): { handshakes: Map<Socket, NodeJS.Timeout>; settled: (socket: Socket) => void } {
  const handshakes = new Map<Socket, NodeJS.Timeout>();
  const settled = (socket: Socket) => {
    clearTimeout(handshakes.get(socket));
    handshakes.delete(socket);
  };
  http.on('connection', (socket: Socket) => {
    handshakes.set(socket, setTimeout(() => {
      handshakes.delete(socket);
      stats.handshakeTimeouts++;
      socket.destroy();
    }, handshakeMs));
    socket.once('close', () => settled(socket));
  });
  http.on('request', (req: IncomingMessage) => settled(req.socket));
  return { handshakes, settled };
}

/** Upgrades to a speech socket: the route's refusal, the open-socket limit, else a served connection. */
function acceptUpgrades(http: Server, wss: WebSocketServer, shared: ServerShared, hooks: { settled: (socket: Socket) => void; addUpgrade: (entry: ServerLogs['upgrades'][number]) => void }): () => number {
  const { options, retiredModels, log } = shared;
  let connectionCount = 0;
  let open = 0;
  const serve = (ws: WebSocket, route: Route, timeoutMs: number | undefined) => {
    open++;
    ws.once('close', () => open--);
    serveConnection(ws, ++connectionCount, route, timeoutMs ?? options.idleTimeoutMs ?? 60_000, shared);
  };
  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    hooks.settled(socket);
    hooks.addUpgrade({ path: req.url ?? '', authorization: req.headers.authorization });
    socket.on('error', () => {});
    const resolved = resolveRoute(req, 'stream', { apiKey: options.apiKey, retiredModels });
    if (!resolved.ok) {
      log(`upgrade ${req.url} refused ${resolved.status}`);
      return refuseUpgrade(socket, resolved.status, resolved.body);
    }
    if (options.maxConnections !== undefined && open >= options.maxConnections) {
      log(`upgrade ${req.url} refused 429: ${open} connections open`);
      return refuseUpgrade(socket, 429, { status: 'error', error_code: 'TOO_MANY_CONNECTIONS', message: `Too many open connections: at most ${options.maxConnections} per account` });
    }
    const accept = () => wss.handleUpgrade(req, socket, head, (ws) => serve(ws, resolved.route, resolved.timeoutMs));
    // A slow handshake (a distant service, TLS): the upgrade is answered this much later.
    if (options.upgradeDelayMs) setTimeout(() => socket.destroyed || accept(), options.upgradeDelayMs);
    else accept();
  });
  return () => connectionCount;
}

async function listen(http: Server, host: string, port: number): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) => reject(startError(error, host, port)));
    http.listen(port, host, () => resolve());
  });
  return http.address() as AddressInfo;
}

export async function startWavesServer(options: WavesServerOptions = {}): Promise<WavesServer> {
  const keepAll = options.record === true;
  const logs: ServerLogs = { requests: [], upgrades: [], httpRequests: [] };
  const engine = options.engine ?? new ToneEngine();
  const voices = engine.voices();
  const stats: ServerStats = { pausedConnections: 0, backpressurePauses: 0, maxBufferedBytes: 0, handshakeTimeouts: 0, activeRequests: 0 };
  const shared = sharedState(options, engine, voices, stats, logs);
  const handshakeMs = options.handshakeTimeoutMs ?? 10_000;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_PAYLOAD });
  const http = createServer({ headersTimeout: handshakeMs, requestTimeout: handshakeMs * 3 }, answerHttp(shared, voices, bounded(logs.httpRequests, keepAll)));
  http.keepAliveTimeout = Math.min(5000, handshakeMs);
  const { handshakes, settled } = guardHandshakes(http, handshakeMs, stats);
  const connections = acceptUpgrades(http, wss, shared, { settled, addUpgrade: bounded(logs.upgrades, keepAll) });
  const { port, address } = await listen(http, options.host ?? '127.0.0.1', options.port ?? 0);
  const shown = address.includes(':') ? `[${address}]` : address;
  return {
    url: `ws://${shown}:${port}`,
    port,
    ...logs,
    connections,
    stats: () => ({ ...stats, activeRequests: shared.slots.active }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        for (const [socket, timer] of handshakes) {
          clearTimeout(timer);
          socket.destroy();
        }
        wss.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
