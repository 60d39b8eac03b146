// The local server's options (faults and limits), its request log entries, and its public handle.
import type { SpeechEngine } from './engines/engine.js';
import type { ReleaseMode } from './text-buffers.js';

/** The longest delay a Node timer holds (2^31 − 1 ms, about 24.8 days); longer ones fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface Faults {
  /** Delay before the first chunk of every request. */
  firstChunkDelayMs?: number;
  /** Pace chunks so audio is produced this many times faster than real time; 0 = unpaced. */
  realtimeFactor?: number;
  /** Drop (terminate) the connection after this many chunks sent on it ... */
  dropAfterChunks?: number;
  /** ... on this many connections, counted from the first. Default 1. */
  dropConnections?: number;
  /** Voice ids answered with a VOICE_NOT_FOUND error frame, as if the engine lacked them. */
  refuseVoices?: string[];
  /** Models (any spelling) whose routes answer HTTP 410, as retired models do. Default ['lightning-v2']; [] serves it. */
  retiredModels?: string[];
  /** Close the socket after each `complete`, as the specs (not live use) describe. */
  closeAfterComplete?: boolean;
  /** Fault: send word_timestamp frames for every request and every voice (when the engine gives timings), asked or not. */
  wordTimestamps?: boolean;
  /** Accept a request, send this many chunks (0: none), then go silent forever without closing. */
  stallAfterChunks?: number;
  /** Close the socket with this code and reason after `afterChunks` chunks of a request (default 0). */
  closeWith?: { code: number; reason?: string; afterChunks?: number };
  /** Never answer a request whose text is blank or whitespace (keepalives). */
  ignoreBlank?: boolean;
  /** Before each real chunk, send a chunk of junk audio with another request_id, which a client must drop. */
  foreignFrames?: boolean;
  /** Continuations and flushes: wait this long before releasing each segment. */
  segmentDelayMs?: number;
  /**
   * How a context releases its text: `sentence` (default), one sentence at a time as the service is
   * described, so one fragment may give several `complete`; `fragment`, one release per fragment
   * received (a server that does not split).
   */
  releaseMode?: ReleaseMode;
}

export interface WavesServerOptions extends Faults {
  host?: string;
  port?: number;
  /** When set, upgrades and REST calls without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
  engine?: SpeechEngine;
  /** Close a connection that sent nothing for this long, after an error frame. Default 60 000; `?timeout=` overrides. */
  idleTimeoutMs?: number;
  /** Bytes of PCM per chunk frame; odd sizes exercise sample realignment. Default 4800. */
  chunkBytes?: number;
  /** Keep each request's PCM in `requests`, and every request (else only the last 1000). */
  record?: boolean;
  /** Account-wide limit on active requests (one-shots running, contexts and buffers open); default unlimited. */
  maxActiveRequests?: number;
  /** Open sockets at most; an upgrade over it gets HTTP 429. Default unlimited. */
  maxConnections?: number;
  /** Answer each WebSocket upgrade this much later (a slow handshake, as over a long distance). */
  upgradeDelayMs?: number;
  /** A raw socket must finish its HTTP headers (or upgrade) within this long. Default 10 000. */
  handshakeTimeoutMs?: number;
  /** Stop producing audio for a connection while this many bytes wait unsent to it. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Called as each chunk frame is handed to the socket (benchmarks measure latency from here). */
  onChunkSent?: (info: { connection: number; bytes: number; at: number }) => void;
  /** Answer get_voices with this list instead of the engine's (to test clients against odd shapes). */
  voiceCatalog?: unknown[];
  log?: (line: string) => void;
}

/** One run of audio: a one-shot request or a released segment, or a refused frame. */
export interface RequestRecord {
  connection: number;
  /** The model's id it was served with (lightning_v3.1, …). */
  model: string;
  /** The parsed JSON of the frame (for a segment: the frame that released it). */
  body: Record<string, unknown>;
  /** The text synthesised (a segment's text for continuations). */
  text: string;
  /** The request_id its frames carry. */
  requestId: string;
  contextId?: string;
  outcome: 'complete' | 'error' | 'dropped' | 'pending';
  /** PCM bytes sent. */
  bytes: number;
  pcm?: Buffer;
}

export interface ServerStats {
  /** Connections whose audio production is paused because the client does not read. */
  pausedConnections: number;
  /** How often production paused for backpressure, over the server's life. */
  backpressurePauses: number;
  /** The most bytes ever waiting unsent on one connection. */
  maxBufferedBytes: number;
  /** Raw sockets closed for not finishing a handshake in time. */
  handshakeTimeouts: number;
  /** Requests, contexts and buffers holding a concurrency slot now. */
  activeRequests: number;
}

export interface WavesServer {
  readonly url: string;
  readonly port: number;
  readonly requests: RequestRecord[];
  /** Authorization headers of every upgrade, in order (tests check the Bearer form). */
  readonly upgrades: { path: string; authorization?: string }[];
  /** Plain HTTP requests (get_voices), in order. */
  readonly httpRequests: { path: string; authorization?: string }[];
  /** Connections accepted so far. */
  readonly connections: () => number;
  readonly stats: () => ServerStats;
  close(): Promise<void>;
}
