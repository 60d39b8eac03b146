// What the client needs from a socket, whatever carries it: the `ws` package today (ws-transport.ts),
// the browser's WebSocket or an SSE fallback later. Nothing above a transport imports `ws`.
import type { Agent } from 'node:http';
import type { Tracer } from './trace.js';

export interface TransportOpenOptions {
  url: string;
  /** Sent with the opening request: the Authorization header. */
  headers: Record<string, string>;
  /** The model asked for, named in the error when the service says it is retired. */
  model: string;
  /** How long the opening may take. */
  connectTimeoutMs: number;
  /** Aborting ends the attempt at once, with a ConnectionError. */
  signal?: AbortSignal;
  /** Told of the attempt, a refused upgrade's status, a failure and the open. */
  trace?: Tracer;
  /** The HTTP agent that opens the connection: a proxy agent, or none for a direct one. */
  agent?: Agent;
}

/** What an open socket tells; each `listen` adds its listeners beside the ones before. */
export interface SocketListeners {
  /** A frame's bytes (text frames as UTF-8). */
  message?(data: Buffer): void;
  /** The socket is gone, by either side or the network, with the close code and reason. */
  close?(code: number, reason: string): void;
  /** A failure on the open socket; the close follows. */
  error?(error: Error): void;
}

export interface TransportSocket {
  /** Sends one text frame. */
  send(text: string): void;
  /** Closes with a code and reason; the close listeners hear when it is done. */
  close(code: number, reason: string): void;
  /** Drops the socket at once, without a closing handshake. */
  terminate(): void;
  listen(listeners: SocketListeners): void;
}

export interface Transport {
  /**
   * Opens a socket. A refused upgrade rejects with the status map's typed error (AuthError,
   * ModelRetiredError, ApiError: see http/status-errors.ts); a network failure, a timeout or an abort
   * with a ConnectionError.
   */
  open(options: TransportOpenOptions): Promise<TransportSocket>;
}
