// The transport over the `ws` package: the key in the Authorization header only, a refused upgrade
// mapped by the one status map, a failed connection described in words.
import WebSocket from 'ws';
import { ConnectionError, type SmallestTtsError } from '../core/errors.js';
import { bearer } from './http/request.js';
import { errorForStatus, readRefusalBody } from './http/status-errors.js';
import { describeNetworkFailure, networkFailure } from './network-failure.js';
import { sameSocket, socketId } from './trace.js';
import type { SocketListeners, Transport, TransportOpenOptions, TransportSocket } from './transport.js';

/** Settles an opening attempt once: on failure the socket is torn down and its listeners removed. */
function settleOnce(ws: WebSocket, options: TransportOpenOptions, resolve: (ws: WebSocket) => void, reject: (error: Error) => void) {
  let settled = false;
  const onAbort = () => fail(new ConnectionError(`The connection to ${new URL(options.url).host} was cancelled.`));
  const fail = (error: SmallestTtsError) => {
    if (settled) return;
    settled = true;
    options.trace?.({ dir: 'in', kind: 'error', socket: socketId(ws), message: error.message });
    options.signal?.removeEventListener('abort', onAbort);
    ws.removeAllListeners();
    ws.on('error', () => {});
    ws.terminate();
    reject(error);
  };
  const succeed = () => {
    settled = true;
    options.signal?.removeEventListener('abort', onAbort);
    resolve(ws);
  };
  return { fail, succeed, onAbort };
}

/** Opens one `ws` socket: resolves when it is open, rejects with a typed error when it cannot be. */
function openWebSocket(options: TransportOpenOptions): Promise<WebSocket> {
  const { url, signal, trace } = options;
  const host = new URL(url).host;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: options.headers,
      handshakeTimeout: options.connectTimeoutMs,
      perMessageDeflate: false,
      ...(options.agent && { agent: options.agent }),
    });
    const socket = socketId(ws);
    trace?.({ dir: 'out', kind: 'connect', socket, url });
    const { fail, succeed, onAbort } = settleOnce(ws, options, resolve, reject);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    ws.once('unexpected-response', (req, res) => {
      trace?.({ dir: 'in', kind: 'http', socket, url, status: res.statusCode ?? 0 });
      void readRefusalBody(res).then((body) => {
        req.destroy();
        fail(errorForStatus(res.statusCode ?? 0, body, { model: options.model, failed: 'the upgrade was refused' }));
      });
    });
    ws.once('error', (err: NodeJS.ErrnoException) => {
      const failure = networkFailure(err);
      const reason = failure ? describeNetworkFailure(failure, host) : (err.code ?? err.message);
      fail(new ConnectionError(`Could not connect to ${host}: ${reason}.`, err));
    });
    ws.once('open', () => {
      trace?.({ dir: 'in', kind: 'open', socket });
      ws.removeAllListeners('unexpected-response');
      ws.removeAllListeners('error');
      succeed();
    });
  });
}

/** What openSocket takes: the key rather than headers, and a default timeout. */
type OpenOptions = Omit<TransportOpenOptions, 'headers' | 'connectTimeoutMs'> & { apiKey: string; connectTimeoutMs?: number };

/** A raw `ws` socket with the key in the Authorization header (the doctor's probe reads it directly). */
export function openSocket(options: OpenOptions): Promise<WebSocket> {
  const { apiKey, connectTimeoutMs = 10_000, ...rest } = options;
  return openWebSocket({ ...rest, headers: bearer(apiKey), connectTimeoutMs });
}

function asBuffer(data: WebSocket.RawData): Buffer {
  return Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** A `ws` socket behind the transport interface, traced under the same number. */
class WsSocket implements TransportSocket {
  constructor(private readonly ws: WebSocket) {
    sameSocket(this, ws);
  }

  send(text: string): void {
    this.ws.send(text);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  listen({ message, close, error }: SocketListeners): void {
    if (message) this.ws.on('message', (data) => message(asBuffer(data)));
    if (close) this.ws.on('close', (code, reason) => close(code, reason.toString()));
    if (error) this.ws.on('error', error);
  }
}

export const wsTransport: Transport = {
  async open(options) {
    return new WsSocket(await openWebSocket(options));
  },
};
