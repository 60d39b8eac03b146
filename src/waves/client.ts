// WavesClient: one job in flight on one socket (a SocketSlot), a queue, reconnects for recoverable drops, cancellation per job.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import { ApiError, ConnectionError, SmallestTtsError, UsageError } from '../core/errors.js';
import { DEFAULT_SETTINGS, assertValidSettings, mergeSettings, type Settings } from '../core/settings.js';
import { textFragments, type TextInput } from '../text/fragments.js';
import { INPUT_PAUSE_CLOSE_MS, Job, type JobMode } from './utterance/job.js';
import { decodeFrame } from '../protocol/messages.js';
import { backoffDelay, describeClose, isRecoverableClose } from './reconnect-policy.js';
import { SocketSlot, SupersededError } from './socket-slot.js';
import { sentFrame } from './trace.js';
import type { SpeechStream } from './utterance/speech-stream.js';
import type { SynthesizeOptions, WavesClientEvents, WavesClientOptions } from './client-options.js';
import { DEFAULT_BASE_URL, routeFor, streamUrl, type Route } from '../protocol/routes.js';

export type { SynthesizeOptions, WavesClientEvents, WavesClientOptions };

const IDLE_TIMEOUT_MESSAGE = /timed out after .* inactivity/i;

export class WavesClient extends EventEmitter<WavesClientEvents> {
  readonly baseUrl: string;
  readonly route: Route;
  private readonly apiKey: string;
  private readonly options: WavesClientOptions;
  private currentSettings: Settings;
  private readonly slot: SocketSlot;
  private queue: Job[] = [];
  private inFlight: Job | null = null;
  private pumping = false;
  /** The last socket dropped: the next open retries with backoff. */
  private reconnecting = false;
  private readonly idPrefix = randomBytes(4).toString('hex');
  private sequence = 0;
  /** Server request ids of finished segments: a late frame carrying one is dropped. */
  private endedIds: string[] = [];
  private idleNotice = false;
  /** A continuation between texts whose socket the server closed; it asks for one when text comes. */
  private parked: Job | null = null;
  /** Jobs refused for the account's limit, waiting to retry. */
  private readonly waiting = new Set<Job>();

  constructor(options: WavesClientOptions) {
    super();
    if (!options.apiKey) throw new UsageError('An API key is required.', { code: 'missing_api_key', data: { setting: 'apiKey' } });
    if (/[\u0000-\u001f\u007f]/.test(options.apiKey)) throw new UsageError('The API key contains a line break or another control character.', { code: 'bad_api_key', data: { setting: 'apiKey' }, hint: 'Check the key for a stray newline.' });
    this.apiKey = options.apiKey;
    this.options = options;
    this.baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
    this.route = options.route ?? 'live';
    streamUrl(this.baseUrl, DEFAULT_SETTINGS.model); // a malformed base URL is a UsageError now
    this.currentSettings = mergeSettings({ ...DEFAULT_SETTINGS }, options.settings ?? {});
    assertValidSettings(this.currentSettings);
    this.slot = new SocketSlot({
      apiKey: this.apiKey,
      connectTimeoutMs: options.connectTimeoutMs,
      agent: options.agent,
      reconnectDelaysMs: options.reconnectDelaysMs,
      currentModel: () => this.currentSettings.model,
      onConnected: (info) => {
        this.reconnecting = false;
        this.emit('connected', info);
      },
      onReconnecting: (info) => this.emit('reconnecting', info),
      onConnectionError: (error) => this.emit('connection_error', error),
      onMessage: (data) => this.onMessage(data),
      onGone: (code, reason) => this.socketGone(code, reason),
      trace: options.trace,
    });
  }

  get settings(): Readonly<Settings> {
    return this.currentSettings;
  }

  get isConnected(): boolean {
    return this.slot.isOpen;
  }

  /** Whether text for these settings goes out as one continuation (live route, current model). */
  supportsContinuations(settings: Readonly<Settings> = this.currentSettings): boolean {
    return routeFor(settings.model, this.route) === 'live';
  }

  /** Opens the socket now (otherwise the first request opens it). With work pending, the queue owns the socket: nothing to do. */
  async connect(): Promise<void> {
    if (this.inFlight || this.queue.length > 0) return;
    await this.socketFor(this.socketUrl(this.currentSettings.model), false);
  }

  /**
   * Speaks `input`: a string, or pieces of text as they arrive (an LLM's tokens, lines from a pipe).
   * Long or streamed text goes out as fragments of one continuation on the live route, as requests
   * back to back elsewhere. The audio streams as it arrives. A Settings object as the second
   * argument is read as `{ settings }`.
   */
  synthesize(input: TextInput, options: SynthesizeOptions | Readonly<Settings> = {}): SpeechStream {
    const opts: SynthesizeOptions = 'voice' in options && 'model' in options ? { settings: options as Settings } : (options as SynthesizeOptions);
    const settings = { ...(opts.settings ?? this.currentSettings) };
    const maxChars = this.options.maxChars ?? 250;
    const oneShot = typeof input === 'string' && input.replace(/\s+/g, ' ').trim().length <= maxChars;
    const mode: JobMode = oneShot ? 'one-shot' : this.supportsContinuations(settings) ? 'context' : 'sequence';
    const job = new Job(textFragments(input, { maxChars, language: settings.language }), settings, {
      mode,
      maxBufferedBytes: settings.sampleRate * 2 * 20,
      inactivityTimeoutMs: this.options.requestTimeoutMs ?? 20_000,
      completeBackoffMs: this.options.completeBackoffMs ?? 0,
      pauseCloseMs: Math.min(INPUT_PAUSE_CLOSE_MS, (this.options.idleTimeoutSeconds ?? Number.POSITIVE_INFINITY) * 500),
    });
    if (this.slot.isClosed) {
      job.end(new SmallestTtsError('The client is closed.'));
      return job.stream;
    }
    const { signal } = opts;
    if (signal?.aborted) {
      job.end();
      return job.stream;
    }
    if (signal) {
      const onAbort = () => this.cancel(job);
      signal.addEventListener('abort', onAbort, { once: true });
      job.whenDone(() => signal.removeEventListener('abort', onAbort)); // one signal may serve many jobs
    }
    this.queue.push(job);
    void this.pump();
    return job.stream;
  }

  /**
   * Applies a settings change to every job queued from now on. Throws a UsageError, and changes
   * nothing, when the result is invalid. A model that needs another route reopens an idle socket.
   */
  updateSettings(update: Partial<Settings>): Settings {
    const next = mergeSettings(this.currentSettings, update);
    assertValidSettings(next);
    const urlChanged = this.socketUrl(next.model) !== this.socketUrl(this.currentSettings.model);
    this.currentSettings = next;
    if (urlChanged && this.slot.isOpen && !this.inFlight && this.queue.length === 0) {
      this.dropSocket(1000, 'model change');
      void this.connect().catch(() => {});
    }
    return next;
  }

  /** Ends the job in flight and everything queued; drops the socket so no more of their audio arrives. Reconnects when next needed. */
  interrupt(): void {
    this.endAll();
    this.dropSocket(4000, 'interrupted');
  }

  async close(): Promise<void> {
    if (this.slot.isClosed) return;
    const closing = this.slot.close();
    this.endAll();
    await closing;
  }

  /** The socket URL a model is served on (equal URLs share a socket). */
  socketUrl(model: string): string {
    return streamUrl(this.baseUrl, model, { route: this.route, timeoutSeconds: this.options.idleTimeoutSeconds });
  }

  private endAll(error?: Error): void {
    const jobs = [...(this.inFlight ? [this.inFlight] : []), ...(this.parked ? [this.parked] : []), ...this.waiting, ...this.queue];
    this.inFlight = null;
    this.parked = null;
    this.queue = [];
    for (const job of jobs) job.end(error);
  }

  /** One job's abort: queued, it is dropped; in flight, the socket goes with it (nothing else stops its audio). */
  private cancel(job: Job): void {
    if (job.isDone) return;
    job.end(); // a parked job leaves `parked` through its done hook (see park)
    if (this.inFlight === job) {
      this.inFlight = null;
      this.dropSocket(4000, 'request cancelled');
      void this.pump();
    } else {
      this.queue = this.queue.filter((j) => j !== job);
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.slot.isClosed && !this.inFlight && this.queue.length > 0) {
        const job = this.queue[0];
        if (job.isDone) {
          this.queue.shift();
          continue;
        }
        const url = this.socketUrl(job.settings.model);
        let ws: WebSocket;
        try {
          ws = await this.socketFor(url, this.reconnecting);
        } catch (error) {
          if (error instanceof SupersededError || this.queue[0] !== job) continue;
          if (error instanceof ApiError && this.retryOverLimit(job, error)) {
            this.queue.shift();
            continue;
          }
          // A connection that cannot be made fails everything queued: each would fail alike.
          for (const j of this.queue.splice(0)) j.end(error as Error);
          break;
        }
        if (this.queue[0] !== job || !this.slot.holds(ws) || this.inFlight) continue;
        this.queue.shift();
        this.run(job, ws);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Puts a job on the socket. */
  private run(job: Job, ws: WebSocket): void {
    this.inFlight = job;
    const id = `${this.idPrefix}-${++this.sequence}`;
    job.start({
      route: routeFor(job.settings.model, this.route),
      requestId: `st-${id}`,
      contextId: `ctx-${id}`,
      send: (request, text) => {
        ws.send(JSON.stringify(request));
        this.options.trace?.(sentFrame(ws, request));
        if (text) this.emit('request_sent', { text, at: performance.now(), queuedAt: job.stream.timings.queuedAt });
      },
      settled: () => this.settle(job),
      stuck: (reason) => {
        if (this.inFlight !== job) return;
        const seconds = Math.round((this.options.requestTimeoutMs ?? 20_000) / 100) / 10;
        if (reason === 'timeout') job.end(new ConnectionError(`No answer from the server for ${seconds} s (request timeout).`));
        else job.end();
        this.inFlight = null;
        this.dropSocket(4000, reason === 'timeout' ? 'request timed out' : 'request abandoned');
        void this.pump();
      },
      fail: (error) => {
        job.end(error);
        if (this.inFlight === job) this.settle(job);
      },
    });
  }

  private settle(job: Job): void {
    if (this.inFlight !== job) return;
    this.inFlight = null;
    this.emit('request_complete', { text: job.stream.text, at: performance.now() });
    void this.pump();
  }

  private onMessage(data: WebSocket.RawData): void {
    const frame = decodeFrame(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));
    if (frame.type === 'other' || frame.type === 'invalid') return; // unknown statuses may appear: ignore them
    const job = this.inFlight;
    if (frame.type === 'error' && IDLE_TIMEOUT_MESSAGE.test(frame.message)) {
      this.idleNotice = true; // the server is about to close an idle socket: a normal end, not an error
      return;
    }
    // Frames for another request (or a finished segment) never reach the output.
    if (frame.externalRequestId !== undefined && frame.externalRequestId !== job?.attemptRequestId) return;
    if (frame.externalRequestId === undefined && frame.requestId !== undefined && this.endedIds.includes(frame.requestId)) return;
    if (!job) {
      if (frame.type === 'error') this.emit('connection_error', new ApiError(frame.message, { code: frame.code }));
      return;
    }
    switch (frame.type) {
      case 'chunk':
        return job.onChunk(frame.audio);
      case 'word':
        return job.onWord(frame.word);
      case 'complete':
        if (frame.requestId) this.endedIds = [...this.endedIds.slice(-31), frame.requestId];
        return job.onComplete();
      case 'error': {
        const error = new ApiError(frame.message, { code: frame.code });
        this.inFlight = null;
        if (!this.retryOverLimit(job, error)) job.end(error);
        // The server's state of a continuation after an error is unknown: start clean.
        if (job.mode === 'context') this.dropSocket(4000, 'request failed');
        void this.pump();
      }
    }
  }

  /** Every loss of a socket comes here: the job on it is resent, or failed with the server's reason. */
  private socketGone(code: number, reason: string): void {
    const idle = this.idleNotice;
    this.idleNotice = false;
    this.emit('disconnected', { code, reason: idle && !reason ? 'idle timeout' : reason });
    const job = this.inFlight;
    this.inFlight = null;
    const recoverable = isRecoverableClose(code);
    if (job) {
      // Only a drop that cut audio counts against the job: a continuation waiting for more text
      // (tail -f) may see the server close its idle socket any number of times.
      const cut = job.detach({ code });
      if (!recoverable) {
        const error = new ConnectionError(`The server closed the connection (${describeClose(code, reason)}).`, undefined, 'The server refused on purpose (a policy or authorisation close): check the key, the account and the request, not the network.');
        job.end(error);
        for (const j of this.queue.splice(0)) j.end(error);
      } else if (cut && job.drops > (this.options.maxRequestRetries ?? 3)) {
        const idleClose = idle || /idle|inactiv/i.test(reason);
        job.end(
          idleClose
            ? new ConnectionError(`The server closed the socket for inactivity ${job.drops} times while audio was still due: its idle timeout is shorter than its answers take.`, undefined, 'Ask for a longer idle timeout, or leave it at the server\'s default.')
            : new ConnectionError(`The connection dropped ${job.drops} times during one request (last ${describeClose(code, reason)}).`),
        );
      } else if (!cut && job.idleBetweenTexts && this.queue.length === 0) {
        this.park(job); // no reconnect until the input has more to say
      } else {
        this.queue.unshift(job);
      }
    }
    this.reconnecting = recoverable;
    // The first resend goes at once; a job cut again waits longer each time (250 ms, 1 s, …).
    const delay = job && job.drops > 1 ? 250 * 4 ** (job.drops - 2) : 0;
    if (this.queue.length > 0) setTimeout(() => void this.pump(), delay);
  }

  /**
   * A refusal for the account's concurrency limit, before any audio of the job arrived: the job waits
   * (backoff with jitter) and goes back to the head of the queue, for as long as the client allows.
   */
  private retryOverLimit(job: Job, error: ApiError): boolean {
    const budget = this.options.overLimitRetryMs ?? 0;
    if (error.kind !== 'over-limit' || budget <= 0 || !job.deliveredNothing || job.isDone) return false;
    const now = performance.now();
    const state = (job.overLimit ??= { since: now, retries: 0 });
    const left = state.since + budget - now;
    if (left <= 0) return false;
    const delayMs = Math.min(left, backoffDelay(state.retries++, { baseMs: 500, maxMs: 5000 }));
    job.detach();
    this.waiting.add(job);
    this.emit('over_limit', { attempt: state.retries, delayMs, message: error.message });
    const timer = setTimeout(() => {
      this.waiting.delete(job);
      if (job.isDone || this.slot.isClosed) return;
      this.queue.unshift(job);
      void this.pump();
    }, delayMs);
    job.whenDone(() => {
      clearTimeout(timer);
      this.waiting.delete(job);
    });
    return true;
  }

  /** A continuation whose socket closed while it waited for text: it takes the socket again when text comes. */
  private park(job: Job): void {
    this.parked = job;
    job.onNeedsSocket = () => {
      job.onNeedsSocket = null;
      if (this.parked !== job) return;
      this.parked = null;
      if (job.isDone || this.slot.isClosed) return;
      this.queue.unshift(job);
      void this.pump();
    };
    job.whenDone(() => {
      if (this.parked === job) this.parked = null;
    });
  }

  /** The open socket for `url`; one open for another URL (another route) is dropped first. */
  private socketFor(url: string, retry: boolean): Promise<WebSocket> {
    const open = this.slot.openUrl;
    if (open !== undefined && open !== url) this.dropSocket(1000, 'model change');
    return this.slot.socketFor(url, retry);
  }

  /** Closes the socket on purpose. A job still on it (callers end cancelled ones first) goes back to the head of the queue. */
  private dropSocket(code: number, reason: string): void {
    if (!this.slot.drop(code, reason)) return;
    this.emit('disconnected', { code, reason });
    const job = this.inFlight;
    if (job) {
      this.inFlight = null;
      job.detach();
      this.queue.unshift(job);
      void this.pump();
    }
  }
}
