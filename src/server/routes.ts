// The server's HTTP surface: which route a path names, the key check, retired models' 410, refused upgrades.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { canonicalModel, modelSpec } from '../core/models.js';

export const LIVE_ROUTE = '/waves/v1/tts/live';
/** The body the API sends with HTTP 410 for a retired model's routes, verbatim. */
export const RETIRED_BODY = {
  status: 'error',
  error_code: 'MODEL_DEPRECATED',
  message: 'This model is retired. Please migrate to lightning-v3.1 via /waves/v1/lightning-v3.1/get_speech.',
  recommended_endpoint: '/waves/v1/lightning-v3.1/get_speech',
} as const;

/** `live`: the model comes in each request body. `per-model`: the model (its id) comes from the path. */
export type Route = { kind: 'live' } | { kind: 'per-model'; model: string };

export type Resolved =
  | { ok: true; route: Route; timeoutMs?: number }
  | { ok: false; status: number; body: object };

const MODEL_ROUTE = /^\/(?:api|waves)\/v1\/([^/]+)\/(get_speech\/stream|get_voices)$/;
const MAX_TIMEOUT_SECONDS = 24 * 3600;

/** Whether `model` (any spelling) is among `retired` (any spelling). */
export function isRetired(model: string, retired: readonly string[]): boolean {
  const id = canonicalModel(model);
  return retired.some((r) => canonicalModel(r) === id);
}

/**
 * Resolves a request for a speech socket (`kind` 'stream') or the voice list ('voices'). Order: an
 * unknown path is 404, then a wrong key 401, then a retired model 410, then an unknown model 404.
 */
export function resolveRoute(req: IncomingMessage, kind: 'stream' | 'voices', options: { apiKey?: string; retiredModels: readonly string[] }): Resolved {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = MODEL_ROUTE.exec(url.pathname);
  const live = kind === 'stream' && url.pathname === LIVE_ROUTE;
  const wanted = kind === 'stream' ? 'get_speech/stream' : 'get_voices';
  if (!live && (!match || match[2] !== wanted)) return { ok: false, status: 404, body: { status: 'error', message: `No route ${url.pathname}` } };
  if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
    return { ok: false, status: 401, body: { status: 'error', message: 'Invalid or missing API key' } };
  }
  let route: Route = { kind: 'live' };
  if (!live) {
    let segment: string;
    try {
      segment = decodeURIComponent(match![1]);
    } catch {
      segment = match![1];
    }
    if (isRetired(segment, options.retiredModels)) return { ok: false, status: 410, body: RETIRED_BODY };
    const spec = modelSpec(segment);
    if (!spec) return { ok: false, status: 404, body: { status: 'error', message: `Unknown model ${segment}` } };
    route = { kind: 'per-model', model: spec.id };
  }
  const timeout = Number(url.searchParams.get('timeout'));
  const timeoutMs = timeout > 0 && timeout <= MAX_TIMEOUT_SECONDS ? timeout * 1000 : undefined;
  return { ok: true, route, timeoutMs };
}

const REASONS: Record<number, string> = { 401: 'Unauthorized', 404: 'Not Found', 410: 'Gone', 429: 'Too Many Requests', 503: 'Service Unavailable' };

/** Answers an upgrade with an HTTP error and a JSON body, then closes the socket. */
export function refuseUpgrade(socket: Socket, status: number, body: object): void {
  const text = JSON.stringify(body);
  socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
  socket.once('finish', () => socket.destroy());
}
