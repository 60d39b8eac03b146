// One socket of the local server: ids, idle clock, frame dispatch (one-shot, contexts, flush buffer), serial runs, slots.
import type { WebSocket } from 'ws';
import type { SpeechEngine } from './engines/engine.js';
import { CLOSE_CODES } from '../protocol/close-codes.js';
import { clientIds, errorFrame, frameIds, newSessionId, newTaskId } from '../protocol/frames.js';
import { idleTimeoutMessage } from '../protocol/idle-timeout.js';
import { decodeRequest } from '../protocol/request-fields.js';
import { IdleClock } from './idle-clock.js';
import { Outbox, type BackpressureStats } from './outbox.js';
import { MAX_TEXT_CHARS, checkRequest, type RequestFrame } from './request-check.js';
import type { Route } from './routes.js';
import { RunQueue } from './run-queue.js';
import type { RequestRecord, WavesServerOptions } from './server-options.js';
import { HeldSlots, type Slots } from './slots.js';
import { runSynthesis, type RunHost } from './synthesis-run.js';
import { ContextBuffer, FlushBuffer } from './text-buffers.js';

export { Slots } from './slots.js';

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
const OVER_LIMIT = 'concurrency limit reached: too many active requests on this account';

interface Context {
  buffer: ContextBuffer;
  release: () => void;
  /** Bumped by cancel_request and context_close: runs released before it and not yet started are dropped. */
  generation: number;
}

export function serveConnection(ws: WebSocket, id: number, route: Route, idleTimeoutMs: number, shared: ServerShared): void {
  new Connection(ws, id, route, idleTimeoutMs, shared).start();
}

class Connection {
  private readonly sessionId = newSessionId();
  private readonly outbox: Outbox;
  private readonly abort = new AbortController();
  private readonly host: RunHost;
  private readonly runs = new RunQueue(this.abort.signal);
  private readonly idle: IdleClock;
  private readonly slots: HeldSlots;
  private readonly contexts = new Map<string, Context>();
  private flushBuffer?: { buffer: FlushBuffer; release: () => void };
  private oneShotBusy = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly id: number,
    private readonly route: Route,
    idleTimeoutMs: number,
    private readonly shared: ServerShared,
  ) {
    const { options, log } = shared;
    this.outbox = new Outbox(ws, options.maxBufferedBytes ?? 1 << 20, shared.stats);
    this.slots = new HeldSlots(shared.slots);
    this.idle = new IdleClock(idleTimeoutMs, (seconds) => this.timedOut(seconds));
    this.host = {
      id, engine: shared.engine, outbox: this.outbox, options, signal: this.abort.signal, chunksSent: 0,
      dropAfterChunks: id <= (options.dropConnections ?? 1) ? options.dropAfterChunks : undefined,
      terminate: () => ws.terminate(),
      closeSocket: (code, reason) => ws.close(code, reason),
      log,
    };
  }

  start(): void {
    this.shared.log(`#${this.id} connected ${this.route.kind === 'live' ? 'live' : this.route.model}`);
    this.idle.restart();
    this.ws.on('close', (code) => this.closed(code));
    this.ws.on('error', () => {}); // a protocol violation closes the socket; 'close' cleans up
    this.ws.on('message', (data, isBinary) => this.onMessage(isBinary ? undefined : data.toString()));
  }

  private timedOut(seconds: number): void {
    this.outbox.send(errorFrame({}, 'IDLE_TIMEOUT', idleTimeoutMessage(seconds)));
    this.ws.close(CLOSE_CODES.NORMAL, 'idle timeout');
    this.shared.log(`#${this.id} idle timeout after ${seconds}s`);
  }

  private closed(code: number): void {
    this.idle.stop();
    this.abort.abort();
    this.runs.clear();
    for (const context of this.contexts.values()) context.buffer.drop();
    this.contexts.clear();
    this.flushBuffer?.buffer.drop();
    this.slots.releaseAll();
    this.shared.log(`#${this.id} closed ${code}`);
  }

  /** Every client message restarts the idle clock, whatever it holds; nothing the server sends does. */
  private onMessage(text: string | undefined): void {
    this.idle.restart();
    const body = decodeRequest(text);
    if (body === undefined) return this.refuse({}, 'INVALID_REQUEST', 'the message is not JSON text');
    const checked = checkRequest(body, this.route, { retiredModels: this.shared.retiredModels, hasVoice: this.shared.hasVoice });
    if (!checked.ok) return this.refuse(body, checked.code, checked.message);
    const frame = checked.frame;
    if (frame.contextId !== undefined) this.onContextFrame(frame);
    else if (frame.continue || frame.flush || frame.cancel || frame.close) this.onFlushFrame(frame);
    else this.onOneShot(frame);
  }

  private record(frame: Pick<RequestFrame, 'body' | 'model'>, text: string, requestId: string, contextId?: string): RequestRecord {
    const r: RequestRecord = { connection: this.id, model: frame.model, body: frame.body, text, requestId, contextId, outcome: 'pending', bytes: 0 };
    this.shared.addRecord(r);
    return r;
  }

  private refuse(body: unknown, code: string, message: string): void {
    const requestId = newTaskId();
    const fields = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : { value: body }) as Record<string, unknown>;
    const routeModel = this.route.kind === 'per-model' ? this.route.model : LIVE_DEFAULT_MODEL;
    const model = this.route.kind === 'live' && typeof fields.model === 'string' ? fields.model : routeModel;
    this.record({ body: fields, model }, '', requestId).outcome = 'error';
    this.outbox.send(errorFrame(frameIds(this.sessionId, requestId, clientIds(body)), code, message));
    this.shared.log(`#${this.id} request refused: ${code} ${message.length > 200 ? `${message.slice(0, 200)}…` : message}`);
  }

  /** Queues one run per released text, each with its own request_id; `isCurrent` lets a cancel drop runs that have not started. */
  private enqueueRuns(segments: string[], frame: RequestFrame, segment: boolean, isCurrent: () => boolean, onDone?: () => void): void {
    const { options, wordVoice } = this.shared;
    segments.forEach((text, i) => {
      this.runs.push(async () => {
        if (isCurrent()) {
          const requestId = newTaskId();
          const ids = frameIds(this.sessionId, requestId, { requestId: frame.requestId, sessionId: frame.sessionId });
          const record = this.record(frame, text, requestId, frame.contextId);
          const words = options.wordTimestamps === true || (frame.wordTimestamps && wordVoice(frame.params!.voice));
          const params = { ...frame.params!, text };
          await runSynthesis({ ids, record, params, words, completeBackoffMs: frame.completeBackoffMs, format: frame.outputFormat, segment }, this.host);
        }
        if (i === segments.length - 1) onDone?.();
      });
    });
  }

  private openContext(frame: RequestFrame): Context | undefined {
    if (this.contexts.size >= MAX_CONTEXTS) return void this.refuse(frame.body, 'TOO_MANY_CONTEXTS', `at most ${MAX_CONTEXTS} open contexts per connection`);
    const release = this.slots.acquire();
    if (!release) return void this.refuse(frame.body, 'concurrency_limit_exceeded', OVER_LIMIT);
    const context: Context = {
      release,
      generation: 0,
      buffer: new ContextBuffer((segments, latest) => {
        const generation = context.generation;
        this.enqueueRuns(segments, latest, true, () => context.generation === generation);
      }, this.shared.options.releaseMode),
    };
    this.contexts.set(frame.contextId!, context);
    return context;
  }

  private onContextFrame(frame: RequestFrame): void {
    const key = frame.contextId!;
    const open = this.contexts.get(key);
    if (frame.close || frame.cancel) {
      if (!open) return; // nothing open: nothing to answer
      open.buffer.drop();
      open.generation++;
      if (frame.close) {
        this.contexts.delete(key);
        open.release();
      }
      return;
    }
    if (!open && frame.text.trim() === '' && !frame.continue) return; // a closing frame with nothing buffered: no answer
    const context = open ?? this.openContext(frame);
    if (!context) return;
    if (context.buffer.length + frame.text.length > MAX_TEXT_CHARS) return this.refuse(frame.body, 'TEXT_TOO_LONG', `a context may buffer at most ${MAX_TEXT_CHARS} characters`);
    if (context.buffer.add(frame)) {
      this.contexts.delete(key);
      const done = context.release;
      this.runs.push(async () => done()); // the slot is free once the context's last run is spoken
    }
  }

  private onFlushFrame(frame: RequestFrame): void {
    if (frame.cancel || frame.close) {
      this.flushBuffer?.buffer.drop();
      this.flushBuffer?.release();
      this.flushBuffer = undefined;
      return;
    }
    if (!this.flushBuffer) {
      if (frame.text.trim() === '') return; // a flush (or keepalive) with nothing buffered: no answer
      const release = this.slots.acquire();
      if (!release) return this.refuse(frame.body, 'concurrency_limit_exceeded', OVER_LIMIT);
      const holder = {
        release,
        buffer: new FlushBuffer((segments, latest) => {
          if (this.flushBuffer === holder) this.flushBuffer = undefined;
          this.enqueueRuns(segments, latest, true, () => true, release);
        }),
      };
      this.flushBuffer = holder;
    }
    if (this.flushBuffer.buffer.length + frame.text.length > MAX_TEXT_CHARS) return this.refuse(frame.body, 'TEXT_TOO_LONG', `the buffer may hold at most ${MAX_TEXT_CHARS} characters`);
    const holder = this.flushBuffer;
    holder.buffer.add(frame);
    if (this.flushBuffer === holder && frame.flush && holder.buffer.empty) {
      holder.release(); // flushed with nothing buffered (a keepalive after a cancel)
      this.flushBuffer = undefined;
    }
  }

  private onOneShot(frame: RequestFrame): void {
    if (this.shared.options.ignoreBlank && frame.text.trim() === '') {
      this.record(frame, frame.text, newTaskId()).outcome = 'dropped';
      return this.shared.log(`#${this.id} blank request ignored (fault)`);
    }
    if (this.oneShotBusy) return this.refuse(frame.body, 'concurrency_limit_exceeded', 'concurrency limit reached: one request at a time on a connection');
    const release = this.slots.acquire();
    if (!release) return this.refuse(frame.body, 'concurrency_limit_exceeded', OVER_LIMIT);
    this.oneShotBusy = true;
    this.enqueueRuns([frame.text], frame, false, () => true, () => {
      this.oneShotBusy = false;
      release();
    });
  }
}
