// Opens one Waves socket: the key in the Authorization header only, a refused upgrade mapped to a typed error.
import type { Agent, IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { ApiError, AuthError, ConnectionError, ModelRetiredError, SmallestTtsError } from '../core/errors.js';
import { describeNetworkFailure, networkFailure } from './network-failure.js';
import { socketId, type Tracer } from './trace.js';

export interface OpenOptions {
  url: string;
  apiKey: string;
  model: string;
  connectTimeoutMs?: number;
  /** Aborting ends the attempt at once. */
  signal?: AbortSignal;
  /** Told of the attempt, a refused upgrade's status, a failure and the open. */
  trace?: Tracer;
  /** The HTTP agent that opens the connection: a proxy agent, or none for a direct one. */
  agent?: Agent;
}

function readBody(res: IncomingMessage, limit = 8192): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (part: string) => {
      if (body.length < limit) body += part;
    });
    res.on('end', () => resolve(body.slice(0, limit)));
    res.on('error', () => resolve(body));
    res.on('close', () => resolve(body));
  });
}

function bodyMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const nested = parsed.error as Record<string, unknown> | undefined;
    const message = (typeof nested === 'object' && nested?.message) || parsed.message || parsed.detail;
    return typeof message === 'string' ? message : undefined;
  } catch {
    const text = body.trim();
    return text && text.length < 300 ? text : undefined;
  }
}

/** Maps an HTTP status on the upgrade to what the user must do about it. */
function errorForStatus(status: number, body: string, model: string): SmallestTtsError {
  const message = bodyMessage(body);
  if (status === 401 || status === 403) return new AuthError(status);
  if (status === 410) return new ModelRetiredError(model, message);
  if (status === 429) return new ApiError(message ?? 'too many requests: the account concurrency limit was reached (HTTP 429)', { status });
  return new ApiError(`${message ?? 'the upgrade was refused'} (HTTP ${status})`, { status });
}

export function openSocket(options: OpenOptions): Promise<WebSocket> {
  const { url, apiKey, model, connectTimeoutMs = 10_000, signal, trace, agent } = options;
  const host = new URL(url).host;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { Authorization: `Bearer ${apiKey}` },
      handshakeTimeout: connectTimeoutMs,
      perMessageDeflate: false,
      ...(agent && { agent }),
    });
    const socket = socketId(ws);
    trace?.({ dir: 'out', kind: 'connect', socket, url });
    let settled = false;
    const onAbort = () => fail(new ConnectionError(`The connection to ${host} was cancelled.`));
    const fail = (error: SmallestTtsError) => {
      if (settled) return;
      settled = true;
      trace?.({ dir: 'in', kind: 'error', socket, message: error.message });
      signal?.removeEventListener('abort', onAbort);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      reject(error);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    ws.once('unexpected-response', (req, res) => {
      trace?.({ dir: 'in', kind: 'http', socket, url, status: res.statusCode ?? 0 });
      void readBody(res).then((body) => {
        req.destroy();
        fail(errorForStatus(res.statusCode ?? 0, body, model));
      });
    });
    ws.once('error', (err: NodeJS.ErrnoException) => {
      const failure = networkFailure(err);
      const reason = failure ? describeNetworkFailure(failure, host) : (err.code ?? err.message);
      fail(new ConnectionError(`Could not connect to ${host}: ${reason}.`, err));
    });
    ws.once('open', () => {
      settled = true;
      trace?.({ dir: 'in', kind: 'open', socket });
      signal?.removeEventListener('abort', onAbort);
      ws.removeAllListeners('unexpected-response');
      ws.removeAllListeners('error');
      resolve(ws);
    });
  });
}
