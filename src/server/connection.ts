// One socket of the local server: ids, idle timeout, frame dispatch (one-shot, contexts, flush buffer), serial runs, slots.
import type { WebSocket } from 'ws';
import type { SpeechEngine } from './engine.js';
import { clientIds, errorFrame, frameIds, newSessionId, newTaskId } from './frames.js';
import { Outbox, type BackpressureStats } from './outbox.js';
import { MAX_TEXT_CHARS, checkRequest, type RequestFrame } from './request-check.js';
import type { Route } from './routes.js';
import type { RequestRecord, WavesServerOptions } from './server-options.js';
import { runSynthesis, type RunHost } from './synthesis-run.js';
import { ContextBuffer, FlushBuffer } from './text-buffers.js';

/** Account-wide concurrency: each one-shot, open context and non-empty flush buffer holds one slot. */
export class Slots {
  active = 0;
  constructor(private readonly max = Infinity) {}
  /** A release function (safe to call twice), or undefined when every slot is taken. */
  acquire(): (() => void) | undefined {
    if (this.active >= this.max) return undefined;
    this.active++;
    let held = true;
    return () => {
      if (held) this.active--;
      held = false;
    };
  }
}

export interface ServerShared {
  options: WavesServerOptions;
  engine: SpeechEngine;
  hasVoice: (voice: string) => boolean;
  /** Whether the voice emits word timings. */
  wordVoice: (voice: string) => boolean;
  slots: Slots;
  stats: BackpressureStats;
  retiredModels: readonly string[];
  addRecord: (record: RequestRecord) => void;
  log: (line: string) => void;
}

const MAX_CONTEXTS = 64;
const LIVE_DEFAULT_MODEL = 'lightning_v3.1';

interface Context {
  buffer: ContextBuffer;
  release: () => void;
  /** Runs released but not yet started; cancel_request and context_close drop them. */
  generation: number;
}

export function serveConnection(ws: WebSocket, id: number, route: Route, idleTimeoutMs: number, shared: ServerShared): void {
  const { options, log } = shared;
  const sessionId = newSessionId();
  const outbox = new Outbox(ws, options.maxBufferedBytes ?? 1 << 20, shared.stats);
  const abort = new AbortController();
  const host: RunHost = {
    id, engine: shared.engine, outbox, options, signal: abort.signal, chunksSent: 0,
    dropAfterChunks: id <= (options.dropConnections ?? 1) ? options.dropAfterChunks : undefined,
    terminate: () => ws.terminate(),
    closeSocket: (code, reason) => ws.close(code, reason),
    log,
  };
  const contexts = new Map<string, Context>();
  let flushBuffer: { buffer: FlushBuffer; release: () => void } | undefined;
  let oneShotBusy = false;
  const queue: (() => Promise<void>)[] = [];
  let running = false;
  let idleTimer: NodeJS.Timeout | undefined;
  const routeModel = route.kind === 'per-model' ? route.model : LIVE_DEFAULT_MODEL;
  /** Slots this connection holds; all are given back when it closes. */
  const held = new Set<() => void>();
  const acquire = (): (() => void) | undefined => {
    const release = shared.slots.acquire();
    if (!release) return undefined;
    const once = () => {
      held.delete(once);
      release();
    };
    held.add(once);
    return once;
  };

  /** The idle clock runs only while nothing is being spoken. */
  const resetIdle = () => {
    clearTimeout(idleTimer);
    if (running || ws.readyState !== ws.OPEN) return;
    idleTimer = setTimeout(() => {
      const seconds = Math.round(idleTimeoutMs / 100) / 10;
      outbox.send({ status: 'error', message: `Connection timed out after ${seconds} seconds of inactivity` });
      ws.close(1000, 'idle timeout');
      log(`#${id} idle timeout after ${seconds}s`);
    }, idleTimeoutMs);
  };

  const pump = async () => {
    if (running) return;
    running = true;
    clearTimeout(idleTimer);
    while (queue.length > 0 && !abort.signal.aborted) await queue.shift()!();
    running = false;
    resetIdle();
  };

  const record = (frame: Pick<RequestFrame, 'body' | 'model'>, text: string, requestId: string, contextId?: string): RequestRecord => {
    const r: RequestRecord = { connection: id, model: frame.model, body: frame.body, text, requestId, contextId, outcome: 'pending', bytes: 0 };
    shared.addRecord(r);
    return r;
  };

  const refuse = (body: unknown, code: string, message: string) => {
    const requestId = newTaskId();
    const fields = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : { value: body }) as Record<string, unknown>;
    const model = route.kind === 'live' && typeof fields.model === 'string' ? fields.model : routeModel;
    const r = record({ body: fields, model }, '', requestId);
    r.outcome = 'error';
    outbox.send(errorFrame(frameIds(sessionId, requestId, clientIds(body)), code, message));
    log(`#${id} request refused: ${code} ${message.length > 200 ? `${message.slice(0, 200)}…` : message}`);
  };

  /** Queues runs for released text; `isCurrent` lets a cancel drop runs that have not started. */
  const enqueueRuns = (segments: string[], frame: RequestFrame, segment: boolean, isCurrent: () => boolean, onDone?: () => void) => {
    segments.forEach((text, i) => {
      const last = i === segments.length - 1;
      queue.push(async () => {
        if (isCurrent()) {
          const requestId = newTaskId();
          const ids = frameIds(sessionId, requestId, { requestId: frame.requestId, sessionId: frame.sessionId });
          const rec = record(frame, text, requestId, frame.contextId);
          const words = options.wordTimestamps === true || (frame.wordTimestamps && shared.wordVoice(frame.params!.voice));
          await runSynthesis({ ids, record: rec, params: { ...frame.params!, text }, words, completeBackoffMs: frame.completeBackoffMs, segment }, host);
        }
        if (last) onDone?.();
      });
    });
    void pump();
  };

  const onContextFrame = (frame: RequestFrame) => {
    const key = frame.contextId!;
    let context = contexts.get(key);
    if (frame.close || frame.cancel) {
      if (!context) return; // nothing open: nothing to answer
      context.buffer.drop();
      context.generation++;
      if (frame.close) {
        contexts.delete(key);
        context.release();
      }
      return;
    }
    if (!context) {
      if (frame.text.trim() === '' && !frame.continue) return; // a closing frame with nothing buffered: no answer
      if (contexts.size >= MAX_CONTEXTS) return refuse(frame.body, 'TOO_MANY_CONTEXTS', `at most ${MAX_CONTEXTS} open contexts per connection`);
      const release = acquire();
      if (!release) return refuse(frame.body, 'CONCURRENCY_LIMIT', 'concurrency limit reached: too many active requests on this account');
      const created: Context = {
        release,
        generation: 0,
        buffer: new ContextBuffer((segments, latest) => {
          const generation = created.generation;
          enqueueRuns(segments, latest, true, () => created.generation === generation);
        }),
      };
      context = created;
      contexts.set(key, context);
    }
    if (context.buffer.length + frame.text.length > MAX_TEXT_CHARS) return refuse(frame.body, 'TEXT_TOO_LONG', `a context may buffer at most ${MAX_TEXT_CHARS} characters`);
    if (context.buffer.add(frame)) {
      contexts.delete(key);
      const done = context.release;
      queue.push(async () => done()); // the slot is free once the context's last run is spoken
      void pump();
    }
  };

  const onFlushFrame = (frame: RequestFrame) => {
    if (frame.cancel || frame.close) {
      flushBuffer?.buffer.drop();
      flushBuffer?.release();
      flushBuffer = undefined;
      return;
    }
    if (!flushBuffer) {
      if (frame.text.trim() === '') return; // a flush (or keepalive) with nothing buffered: no answer
      const release = acquire();
      if (!release) return refuse(frame.body, 'CONCURRENCY_LIMIT', 'concurrency limit reached: too many active requests on this account');
      const holder = {
        release,
        buffer: new FlushBuffer((segments, latest) => {
          if (flushBuffer === holder) flushBuffer = undefined;
          enqueueRuns(segments, latest, true, () => true, release);
        }),
      };
      flushBuffer = holder;
    }
    if (flushBuffer.buffer.length + frame.text.length > MAX_TEXT_CHARS) return refuse(frame.body, 'TEXT_TOO_LONG', `the buffer may hold at most ${MAX_TEXT_CHARS} characters`);
    const holder = flushBuffer;
    holder.buffer.add(frame);
    if (flushBuffer === holder && frame.flush && holder.buffer.empty) {
      holder.release(); // flushed with nothing buffered (a keepalive after a cancel)
      flushBuffer = undefined;
    }
  };

  const onOneShot = (frame: RequestFrame) => {
    if (options.ignoreBlank && frame.text.trim() === '') {
      record(frame, frame.text, newTaskId()).outcome = 'dropped';
      return log(`#${id} blank request ignored (fault)`);
    }
    if (oneShotBusy) return refuse(frame.body, 'CONCURRENCY_LIMIT', 'concurrency limit reached: one request at a time on a connection');
    const release = acquire();
    if (!release) return refuse(frame.body, 'CONCURRENCY_LIMIT', 'concurrency limit reached: too many active requests on this account');
    oneShotBusy = true;
    enqueueRuns([frame.text], frame, false, () => true, () => {
      oneShotBusy = false;
      release();
    });
  };

  log(`#${id} connected ${route.kind === 'live' ? 'live' : route.model}`);
  resetIdle();
  ws.on('close', (code) => {
    clearTimeout(idleTimer);
    abort.abort();
    queue.length = 0;
    for (const context of contexts.values()) context.buffer.drop();
    contexts.clear();
    flushBuffer?.buffer.drop();
    for (const release of [...held]) release();
    log(`#${id} closed ${code}`);
  });
  ws.on('error', () => {}); // a protocol violation closes the socket; 'close' cleans up
  ws.on('message', (data, isBinary) => {
    resetIdle();
    let body: unknown;
    try {
      body = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      body = undefined;
    }
    if (body === undefined) return refuse({}, 'INVALID_REQUEST', 'the message is not JSON text');
    const checked = checkRequest(body, route, { retiredModels: shared.retiredModels, hasVoice: shared.hasVoice });
    if (!checked.ok) return refuse(body, checked.code, checked.message);
    const frame = checked.frame;
    if (frame.contextId !== undefined) onContextFrame(frame);
    else if (frame.continue || frame.flush || frame.cancel || frame.close) onFlushFrame(frame);
    else onOneShot(frame);
  });
}
