// The server's HTTP surface: which route a request names, the key check, retired models' 410, refused upgrades.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { canonicalModel, modelSpec } from '../core/models.js';
import { RETIRED_MODEL_BODY, parseServicePath, type Resource } from '../protocol/routes.js';

/** `live`: the model comes in each request body. `per-model`: the model (its id) comes from the path. */
export type Route = { kind: 'live' } | { kind: 'per-model'; model: string };

type Resolved =
  | { ok: true; route: Route; timeoutMs?: number }
  | { ok: false; status: number; body: object };

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
export function resolveRoute(req: IncomingMessage, kind: Resource, options: { apiKey?: string; retiredModels: readonly string[] }): Resolved {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = parseServicePath(url.pathname);
  // The live route serves speech only; a model's route serves what its path names.
  const served = path?.kind === 'live' ? kind === 'stream' : path?.resource === kind;
  if (!path || !served) return { ok: false, status: 404, body: { status: 'error', message: `No route ${url.pathname}` } };
  if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
    return { ok: false, status: 401, body: { status: 'error', message: 'Invalid or missing API key' } };
  }
  let route: Route = { kind: 'live' };
  if (path.kind === 'per-model') {
    if (isRetired(path.segment, options.retiredModels)) return { ok: false, status: 410, body: RETIRED_MODEL_BODY };
    const spec = modelSpec(path.segment);
    if (!spec) return { ok: false, status: 404, body: { status: 'error', message: `Unknown model ${path.segment}` } };
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
