// WavesClient: one socket, one request in flight, a queue, keepalive, reconnects, interrupt and close.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { ApiError, ConnectionError, SmallestTtsError, UsageError } from '../errors.js';
import { DEFAULT_SETTINGS, assertValidSettings, mergeSettings, type Settings } from '../settings.js';
import { openSocket } from './connection.js';
import { buildRequest, decodeFrame } from './protocol.js';
import { PendingRequest } from './pending-request.js';
import type { SpeechStream } from './speech-stream.js';
import { DEFAULT_BASE_URL, streamUrl, type Route } from './url.js';

export interface WavesClientOptions {
  apiKey: string;
  baseUrl?: string;
  /** 'live' (default): one socket for every current model; 'per-model': the seed's routes. */
  route?: Route;
  settings?: Partial<Settings>;
  /** Keepalive while idle; 0 turns it off. Default 30 000 ms. */
  keepaliveIntervalMs?: number;
  /** Sent as complete_backoff_ms; default 0 so a request ends when its audio does. */
  completeBackoffMs?: number;
  connectTimeoutMs?: number;
  /** Delays between reconnect attempts after a drop; its length is the attempt count. */
  reconnectDelaysMs?: number[];
  /** How often one request may be cut by a drop before it fails. */
  maxRequestRetries?: number;
}

export interface WavesClientEvents {
  connected: [{ url: string; model: string }];
  disconnected: [{ code: number; reason: string }];
  connection_error: [Error];
  /** Another attempt follows a failed one; `reason` is why the last one failed, if it did. */
  reconnecting: [{ attempt: number; delayMs: number; reason?: string }];
  /** `queuedAt`: when synthesize() was called; `at`: when the request left (performance.now()). */
  request_sent: [{ text: string; at: number; queuedAt: number; keepalive: boolean }];
  request_complete: [{ text: string; at: number; keepalive: boolean }];
}

interface Connecting {
  model: string;
  promise?: Promise<WebSocket>;
  /** Cancels the attempt in progress when it is superseded. */
  cancel: AbortController;
}

/** A connection attempt overtaken by interrupt(), a model change or close(). */
class SupersededError extends SmallestTtsError {}

type Pending = PendingRequest & { settle?: () => void };

export class WavesClient extends EventEmitter<WavesClientEvents> {
  private readonly apiKey: string;
  readonly baseUrl: string;
  readonly route: Route;
  private currentSettings: Settings;
  private readonly keepaliveIntervalMs: number;
  private readonly completeBackoffMs: number;
  private readonly connectTimeoutMs: number;
  private readonly reconnectDelaysMs: number[];
  private readonly maxRequestRetries: number;
  private queue: Pending[] = [];
  private inFlight: Pending | null = null;
  private socket: WebSocket | null = null;
  private socketModel: string | null = null;
  private connecting: Connecting | null = null;
  private pumping = false;
  private closed = false;
  private everConnected = false;
  private keepaliveTimer: NodeJS.Timeout | null = null;
  /** Ids of requests that have ended: a late frame carrying one is ignored. */
  private endedIds: string[] = [];

  constructor(options: WavesClientOptions) {
    super();
    if (!options.apiKey) throw new UsageError('An API key is required.', 'Set SMALLEST_API_KEY.');
    this.apiKey = options.apiKey;
    this.baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
    this.route = options.route ?? 'live';
    streamUrl(this.baseUrl, 'probe'); // throws a UsageError now for a malformed base URL
    this.currentSettings = mergeSettings({ ...DEFAULT_SETTINGS }, options.settings ?? {});
    assertValidSettings(this.currentSettings);
    this.keepaliveIntervalMs = options.keepaliveIntervalMs ?? 30_000;
    this.completeBackoffMs = options.completeBackoffMs ?? 0;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.reconnectDelaysMs = options.reconnectDelaysMs ?? [0, 250, 1000, 2000];
    this.maxRequestRetries = options.maxRequestRetries ?? 3;
  }

  get settings(): Readonly<Settings> {
    return this.currentSettings;
  }

  get isConnected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Opens the socket now (otherwise the first request opens it). */
  async connect(): Promise<void> {
    await this.ensureSocket(this.currentSettings.model);
  }

  /**
   * Queues `text` with the current settings (or a snapshot of them taken earlier); its audio
   * streams as it arrives.
   */
  synthesize(text: string, settings: Readonly<Settings> = this.currentSettings): SpeechStream {
    return this.enqueue(text, false, settings).stream;
  }

  /**
   * Applies a settings change to every request queued from now on. Throws a UsageError, and
   * changes nothing, when the result is invalid. A model change reopens an idle socket at once.
   */
  updateSettings(update: Partial<Settings>): Settings {
    const next = mergeSettings(this.currentSettings, update);
    assertValidSettings(next);
    const modelChanged = this.urlFor(next.model) !== this.urlFor(this.currentSettings.model);
    this.currentSettings = next;
    if (modelChanged && this.socket && !this.inFlight && this.queue.length === 0) {
      this.dropSocket(1000, 'model change');
      void this.connect().catch(() => {});
    }
    return next;
  }

  /** Ends the request in flight and everything queued; drops the socket so no more of their audio arrives, then reconnects. */
  interrupt(): void {
    this.endAll();
    const hadSocket = this.socket !== null || this.connecting !== null;
    this.dropSocket(4000, 'interrupted');
    if (hadSocket && !this.closed) void this.connect().catch(() => {});
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopKeepalive();
    this.connecting?.cancel.abort();
    this.endAll();
    const ws = this.socket;
    if (!ws) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => ws.terminate(), 1000);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.close(1000, 'client closed');
    });
  }

  /** Ends the request in flight and everything queued, as interrupted. */
  private endAll(): void {
    for (const p of [...(this.inFlight ? [this.inFlight] : []), ...this.queue]) p.stream.end({ interrupted: true });
    this.queue = [];
    this.settleInFlight();
  }

  private enqueue(text: string, keepalive: boolean, settings: Readonly<Settings> = this.currentSettings): Pending {
    const pending: Pending = new PendingRequest(text, { ...settings }, keepalive);
    if (this.closed) {
      pending.stream.fail(new SmallestTtsError('The client is closed.'));
      return pending;
    }
    this.queue.push(pending);
    this.stopKeepalive();
    void this.pump();
    return pending;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        const head = this.queue[0];
        if (head.stream.isAbandoned || head.stream.isFinished) {
          this.queue.shift();
          continue;
        }
        let ws: WebSocket;
        try {
          ws = await this.ensureSocket(head.settings.model, this.everConnected);
        } catch (error) {
          if (error instanceof SupersededError || this.queue[0] !== head) continue;
          // A connection that cannot be made fails everything queued: each would fail alike.
          const failed = this.queue.splice(0);
          for (const p of failed) p.stream.fail(error as Error);
          break;
        }
        if (this.queue[0] !== head || ws !== this.socket) continue;
        this.queue.shift();
        await this.send(ws, head);
      }
    } finally {
      this.pumping = false;
      if (this.queue.length > 0 && !this.closed) void this.pump();
      else this.armKeepalive();
    }
  }

  private send(ws: WebSocket, pending: Pending): Promise<void> {
    return new Promise<void>((resolve) => {
      this.inFlight = pending;
      pending.settle = resolve;
      const request = buildRequest(pending.stream.text, pending.settings, { completeBackoffMs: this.completeBackoffMs, route: this.route });
      const at = performance.now();
      pending.stream.timings.sentAt ??= at;
      ws.send(JSON.stringify(request));
      this.emit('request_sent', { text: pending.stream.text, at, queuedAt: pending.stream.timings.queuedAt, keepalive: pending.keepalive });
    });
  }

  private settleInFlight(): void {
    const pending = this.inFlight;
    this.inFlight = null;
    if (pending?.requestId) this.endedIds = [...this.endedIds.slice(-15), pending.requestId];
    pending?.settle?.();
  }

  private onMessage(ws: WebSocket, data: WebSocket.RawData): void {
    if (ws !== this.socket) return;
    const frame = decodeFrame(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));
    if ('requestId' in frame && frame.requestId !== undefined && this.endedIds.includes(frame.requestId)) return;
    const pending = this.inFlight;
    if (pending && 'requestId' in frame) pending.requestId ??= frame.requestId;
    if (frame.type === 'chunk' && pending) {
      pending.deliver(frame.audio);
    } else if (frame.type === 'complete' && pending) {
      pending.stream.end();
      this.emit('request_complete', { text: pending.stream.text, at: performance.now(), keepalive: pending.keepalive });
      this.settleInFlight();
    } else if (frame.type === 'error') {
      const error = new ApiError(frame.message, { code: frame.code });
      if (pending && !pending.keepalive) {
        pending.stream.fail(error);
      } else if (!pending) {
        this.emit('connection_error', error);
      }
      this.settleInFlight();
    }
    // `other` (e.g. word_timestamp) and `invalid` frames carry nothing we use.
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.socket) return;
    this.socket = null;
    this.socketModel = null;
    this.stopKeepalive();
    this.emit('disconnected', { code, reason });
    const pending = this.inFlight;
    if (!pending) return;
    if (pending.keepalive || this.closed) {
      pending.stream.end({ interrupted: true });
    } else if (++pending.drops > this.maxRequestRetries) {
      pending.stream.fail(new ConnectionError(`The connection dropped ${pending.drops} times during one request (last close code ${code}).`));
    } else {
      pending.rewind();
      this.queue.unshift(pending);
    }
    this.settleInFlight();
  }

  private urlFor(model: string): string {
    return streamUrl(this.baseUrl, model, { route: this.route });
  }

  private ensureSocket(requestModel: string, retry = false): Promise<WebSocket> {
    const model = this.urlFor(requestModel);
    if (this.socket && this.socketModel === model && this.socket.readyState === WebSocket.OPEN) {
      return Promise.resolve(this.socket);
    }
    if (this.socket && this.socketModel !== model) this.dropSocket(1000, 'model change');
    if (this.connecting?.model === model && this.connecting.promise) return this.connecting.promise;
    const entry: Connecting = { model, cancel: new AbortController() };
    this.connecting = entry;
    const promise = this.openWithRetry(entry, retry).finally(() => {
      if (this.connecting === entry) this.connecting = null;
    });
    entry.promise = promise;
    return promise;
  }

  private async openWithRetry(entry: Connecting, retry: boolean): Promise<WebSocket> {
    const url = entry.model;
    const model = new URL(url).pathname;
    const delays = retry ? this.reconnectDelaysMs : [0];
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < delays.length; attempt++) {
      if (delays[attempt] > 0) {
        this.emit('reconnecting', { attempt: attempt + 1, delayMs: delays[attempt], reason: lastError?.message });
        await sleep(delays[attempt]);
      }
      if (this.closed || this.connecting !== entry) throw new SupersededError('The connection attempt was superseded.');
      let ws: WebSocket;
      try {
        ws = await openSocket({ url, apiKey: this.apiKey, model, connectTimeoutMs: this.connectTimeoutMs, signal: entry.cancel.signal });
      } catch (error) {
        lastError = error as Error;
        if (this.closed || this.connecting !== entry) throw new SupersededError('The connection attempt was superseded.');
        if (error instanceof ConnectionError) continue;
        this.emit('connection_error', lastError); // refused key, retired model: retrying cannot help
        throw error;
      }
      if (this.closed || this.connecting !== entry) {
        ws.terminate();
        throw new SupersededError('The connection attempt was superseded.');
      }
      this.attach(ws, url, url);
      return ws;
    }
    const failure = lastError ?? new ConnectionError('No connection attempt was made.');
    this.emit('connection_error', failure);
    throw failure;
  }

  private attach(ws: WebSocket, model: string, url: string): void {
    this.socket = ws;
    this.socketModel = model;
    this.everConnected = true;
    ws.on('message', (data) => this.onMessage(ws, data));
    ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString()));
    ws.on('error', (error) => {
      if (ws === this.socket) this.emit('connection_error', new ConnectionError(`Connection error: ${error.message}`, error));
    });
    this.emit('connected', { url, model });
    this.armKeepalive();
  }

  private dropSocket(code: number, reason: string): void {
    const ws = this.socket;
    this.connecting?.cancel.abort();
    this.connecting = null;
    if (!ws) return;
    this.socket = null;
    this.socketModel = null;
    this.stopKeepalive();
    if (code === 1000) ws.close(code, reason);
    else ws.terminate();
    this.emit('disconnected', { code, reason });
  }

  private armKeepalive(): void {
    this.stopKeepalive();
    if (this.keepaliveIntervalMs <= 0 || this.closed || !this.socket || this.inFlight || this.queue.length > 0) return;
    this.keepaliveTimer = setTimeout(() => {
      this.keepaliveTimer = null;
      if (this.socket && !this.inFlight && this.queue.length === 0) this.enqueue(' ', true);
    }, this.keepaliveIntervalMs);
    this.keepaliveTimer.unref();
  }

  private stopKeepalive(): void {
    if (this.keepaliveTimer) clearTimeout(this.keepaliveTimer);
    this.keepaliveTimer = null;
  }
}
