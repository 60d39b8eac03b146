// The client's one socket as one state value — idle, connecting, open or closed — with cancellable,
// backed-off opening over a transport (the `ws` one unless told otherwise).
import type { Agent } from 'node:http';
import { ConnectionError, SmallestTtsError } from '../core/errors.js';
import { modelSpec } from '../core/models.js';
import { modelSegmentOf } from '../protocol/routes.js';
import { bearer } from './http/request.js';
import { RECONNECT_DELAYS_MS, cancellableDelay, withJitter } from './retry.js';
import { receivedFrame, socketId, type Tracer } from './trace.js';
import type { Transport, TransportSocket } from './transport.js';
import { wsTransport } from './ws-transport.js';

type SocketState =
  | { kind: 'idle' }
  | { kind: 'connecting'; url: string; abort: AbortController; promise: Promise<TransportSocket> }
  | { kind: 'open'; url: string; ws: TransportSocket }
  | { kind: 'closed' };

/** A connection attempt overtaken by a drop, close() or a newer attempt. */
export class SupersededError extends SmallestTtsError {}

interface SocketSlotOptions {
  apiKey: string;
  /** What carries the socket. Default: the `ws` package. */
  transport?: Transport;
  connectTimeoutMs?: number;
  /** Opens the socket through this agent (a proxy). */
  agent?: Agent;
  /** Delays between attempts when reopening after a drop; its length is the attempt count. Default RECONNECT_DELAYS_MS. */
  reconnectDelaysMs?: number[];
  /** The model named in messages for a live-route URL (which names none). */
  currentModel: () => string;
  onConnected(info: { url: string; model: string }): void;
  onReconnecting(info: { attempt: number; delayMs: number; reason?: string }): void;
  onConnectionError(error: Error): void;
  onMessage(data: Buffer): void;
  /** The open socket went by itself (the server closed it, the network dropped it). */
  onGone(code: number, reason: string): void;
  /** Told of connect attempts, opens, frames received and closes. */
  trace?: Tracer;
}

export class SocketSlot {
  private state: SocketState = { kind: 'idle' };

  constructor(private readonly o: SocketSlotOptions) {}

  get isOpen(): boolean {
    return this.state.kind === 'open';
  }

  get isClosed(): boolean {
    return this.state.kind === 'closed';
  }

  /** Whether `ws` is the open socket (frames from any other are stale). */
  holds(ws: TransportSocket): boolean {
    return this.state.kind === 'open' && this.state.ws === ws;
  }

  /** The open socket for `url`: the current one, the attempt under way, or a new attempt (dropping a socket for another URL). */
  socketFor(url: string, retry: boolean): Promise<TransportSocket> {
    const state = this.state;
    if (state.kind === 'closed') return Promise.reject(new SupersededError('The client is closed.'));
    if (state.kind === 'open' && state.url === url) return Promise.resolve(state.ws);
    if (state.kind === 'connecting' && state.url === url) return state.promise;
    if (state.kind === 'connecting') state.abort.abort();
    const abort = new AbortController();
    const promise = this.openWithRetry(url, retry, abort.signal);
    this.state = { kind: 'connecting', url, abort, promise };
    promise.catch(() => {
      if (this.state.kind === 'connecting' && this.state.promise === promise) this.state = { kind: 'idle' };
    });
    return promise;
  }

  /** The URL of the open socket, if any. */
  get openUrl(): string | undefined {
    return this.state.kind === 'open' ? this.state.url : undefined;
  }

  /** Closes the socket (or cancels the attempt) on purpose; true when an open socket went. */
  drop(code: number, reason: string): boolean {
    const state = this.state;
    if (state.kind === 'connecting') {
      state.abort.abort();
      this.state = { kind: 'idle' };
      return false;
    }
    if (state.kind !== 'open') return false;
    this.state = { kind: 'idle' };
    if (code === 1000) state.ws.close(code, reason);
    else state.ws.terminate();
    return true;
  }

  /** For good: cancels an attempt, closes an open socket gracefully (terminating it after a second). */
  async close(): Promise<void> {
    const previous = this.state;
    this.state = { kind: 'closed' };
    if (previous.kind === 'connecting') previous.abort.abort();
    if (previous.kind !== 'open') return;
    const ws = previous.ws;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => ws.terminate(), 1000);
      ws.listen({
        close: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      ws.close(1000, 'client closed');
    });
  }

  private async openWithRetry(url: string, retry: boolean, signal: AbortSignal): Promise<TransportSocket> {
    const delays = retry ? withJitter(this.o.reconnectDelaysMs ?? RECONNECT_DELAYS_MS) : [0];
    const superseded = () => new SupersededError('The connection attempt was superseded.');
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < delays.length; attempt++) {
      if (delays[attempt] > 0) {
        this.o.onReconnecting({ attempt: attempt + 1, delayMs: delays[attempt], reason: lastError?.message });
        if (!(await cancellableDelay(delays[attempt], signal))) throw superseded();
      }
      if (signal.aborted) throw superseded();
      let ws: TransportSocket;
      try {
        ws = await this.open(url, signal);
      } catch (error) {
        if (signal.aborted) throw superseded();
        lastError = error as Error;
        if (error instanceof ConnectionError) continue;
        this.o.onConnectionError(lastError); // refused key, retired model: retrying cannot help
        throw error;
      }
      if (signal.aborted) {
        ws.terminate();
        throw superseded();
      }
      this.attach(ws, url);
      return ws;
    }
    const failure = lastError ?? new ConnectionError('No connection attempt was made.');
    this.o.onConnectionError(failure);
    throw failure;
  }

  private open(url: string, signal: AbortSignal): Promise<TransportSocket> {
    const { transport = wsTransport, apiKey, connectTimeoutMs = 10_000, trace, agent } = this.o;
    return transport.open({ url, headers: bearer(apiKey), model: this.modelOf(url), connectTimeoutMs, signal, trace, agent });
  }

  /** The model a socket URL serves, for messages: the path's model, or the live route's current model. */
  private modelOf(url: string): string {
    const segment = modelSegmentOf(url);
    return segment ? (modelSpec(segment)?.id ?? segment) : this.o.currentModel();
  }

  private attach(ws: TransportSocket, url: string): void {
    this.state = { kind: 'open', url, ws };
    const trace = this.o.trace;
    if (trace) {
      ws.listen({
        message: (data) => trace(receivedFrame(ws, data)),
        close: (code, reason) => trace({ dir: 'in', kind: 'close', socket: socketId(ws), code, reason }),
      });
    }
    ws.listen({
      message: (data) => {
        if (this.holds(ws)) this.o.onMessage(data);
      },
      close: (code, reason) => {
        if (!this.holds(ws)) return;
        this.state = { kind: 'idle' };
        this.o.onGone(code, reason);
      },
      error: (error) => {
        if (this.holds(ws)) this.o.onConnectionError(new ConnectionError(`Connection error: ${error.message}`, error));
      },
    });
    this.o.onConnected({ url, model: this.modelOf(url) });
  }
}
