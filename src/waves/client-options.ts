// What a WavesClient takes (options, per-job options) and the events it emits.
import type { Agent } from 'node:http';
import type { Settings } from '../core/settings.js';
import type { Tracer } from './trace.js';
import type { Transport } from './transport.js';
import type { Route } from '../protocol/routes.js';

export interface WavesClientOptions {
  apiKey: string;
  baseUrl?: string;
  /** 'live' (default): one socket for every current model; 'per-model': the older routes, model in the URL. */
  route?: Route;
  settings?: Partial<Settings>;
  /** Sent as complete_backoff_ms; default 0 so a request ends when its audio does. */
  completeBackoffMs?: number;
  connectTimeoutMs?: number;
  /**
   * Connects through this HTTP agent, e.g. a proxy agent (`new HttpsProxyAgent(proxyUrl)`); default: a
   * direct connection. The client reads no proxy variables itself: the caller decides (the CLI honours
   * HTTPS_PROXY, HTTP_PROXY and NO_PROXY).
   */
  agent?: Agent;
  /** How sockets are opened: the `ws` transport unless told otherwise (a seam for another transport). */
  transport?: Transport;
  /** Delays between reconnect attempts after a drop; its length is the attempt count. */
  reconnectDelaysMs?: number[];
  /** How often one job may be cut by a drop before it fails. */
  maxRequestRetries?: number;
  /** A job waiting for audio fails when no frame arrives for this long. Default 20 000 ms. */
  requestTimeoutMs?: number;
  /** Sent as `?timeout=`: how long the server keeps an idle socket. The client reopens a closed one when next needed. */
  idleTimeoutSeconds?: number;
  /**
   * A request refused because the account is over its concurrency limit, before any of its audio
   * arrived, is retried with backoff for up to this long (the `over_limit` event tells each wait).
   * Default 0: fail at once.
   */
  overLimitRetryMs?: number;
  /** Told of every connect attempt, open, frame sent or received (audio as a byte count) and close. */
  trace?: Tracer;
}

export interface SynthesizeOptions {
  /** Settings for this job (a snapshot); default: the client's current settings. */
  settings?: Readonly<Settings>;
  /** Aborting ends this job alone: its audio stops, other jobs go on. */
  signal?: AbortSignal;
}

export interface WavesClientEvents {
  connected: [{ url: string; model: string }];
  disconnected: [{ code: number; reason: string }];
  connection_error: [Error];
  /** Another attempt follows a failed one; `reason` is why the last one failed, if it did. */
  reconnecting: [{ attempt: number; delayMs: number; reason?: string }];
  /** `queuedAt`: when synthesize() was called; `at`: when the text left (performance.now()). */
  request_sent: [{ text: string; at: number; queuedAt: number }];
  request_complete: [{ text: string; at: number }];
  /** A request was refused for the account's concurrency limit and waits `delayMs` before retry number `attempt`. */
  over_limit: [{ attempt: number; delayMs: number; message: string }];
}
