// WavesSocketClient: one utterance in flight on one socket (a SocketSlot), a queue, reconnects for recoverable drops, cancellation per utterance.
// Text comes in already cut into fragments (src/text cuts it; src/pipeline/client.ts joins the two).
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { ApiError, ConnectionError, SmallestTtsError, UsageError } from '../core/errors.js';
import { DEFAULT_SETTINGS, assertValidSettings, mergeSettings, type Settings } from '../core/settings.js';
import { INPUT_PAUSE_CLOSE_MS, Utterance, type UtteranceMode } from './utterance/utterance.js';
import { decodeFrame } from '../protocol/messages.js';
import { CLOSE_CODES } from '../protocol/close-codes.js';
import { isIdleTimeoutNotice } from '../protocol/idle-timeout.js';
import { describeClose, isRecoverableClose } from './reconnect-policy.js';
import { resendDelayMs } from './retry.js';
import { SocketSlot, SupersededError } from './socket-slot.js';
import { sentFrame } from './trace.js';
import type { TransportSocket } from './transport.js';
import type { SpeechStream } from './utterance/speech-stream.js';
import type { SynthesizeOptions, WavesClientEvents, WavesClientOptions } from './client-options.js';
import { DEFAULT_BASE_URL, routeFor, streamUrl, type Route } from '../protocol/routes.js';

export type { SynthesizeOptions, WavesClientEvents };

/**
 * Fragments of text to speak, each short enough for one request: a list when the whole text is
 * known (one fragment goes as a single request), or fragments as they are cut from text still
 * arriving (an LLM's tokens, a pipe).
 */
export type FragmentSource = readonly string[] | AsyncIterable<string>;

async function* fromList(fragments: readonly string[]): AsyncGenerator<string> {
  yield* fragments;
}

export class WavesSocketClient extends EventEmitter<WavesClientEvents> {
  readonly baseUrl: string;
  readonly route: Route;
  private readonly apiKey: string;
  private readonly options: WavesClientOptions;
  private currentSettings: Settings;
  private readonly slot: SocketSlot;
  private queue: Utterance[] = [];
  private inFlight: Utterance | null = null;
  private pumping = false;
  /** The last socket dropped: the next open retries with backoff. */
  private reconnecting = false;
  private readonly idPrefix = randomBytes(4).toString('hex');
  private sequence = 0;
  /** Server request ids of finished segments: a late frame carrying one is dropped. */
  private endedIds: string[] = [];
  private idleNotice = false;
  /** A continuation between texts whose socket the server closed; it asks for one when text comes. */
  private parked: Utterance | null = null;
  /** Jobs refused for the account's limit, waiting to retry. */
  private readonly waiting = new Set<Utterance>();

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
      transport: options.transport,
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
   * Speaks fragments of text. A continuation on the live route, requests back to back elsewhere; a
   * list of one fragment is a single request. The audio streams as it arrives.
   */
  synthesizeFragments(fragments: FragmentSource, opts: SynthesizeOptions = {}): SpeechStream {
    const settings = { ...(opts.settings ?? this.currentSettings) };
    const oneShot = Array.isArray(fragments) && fragments.length <= 1;
    const mode: UtteranceMode = oneShot ? 'one-shot' : this.supportsContinuations(settings) ? 'context' : 'sequence';
    const source = Array.isArray(fragments) ? fromList(fragments) : (fragments as AsyncIterable<string>)[Symbol.asyncIterator]();
    const utterance = new Utterance(source, settings, {
      mode,
      maxBufferedBytes: settings.sampleRate * 2 * 20,
      inactivityTimeoutMs: this.options.requestTimeoutMs ?? 20_000,
      completeBackoffMs: this.options.completeBackoffMs ?? 0,
      pauseCloseMs: Math.min(INPUT_PAUSE_CLOSE_MS, (this.options.idleTimeoutSeconds ?? Number.POSITIVE_INFINITY) * 500),
    });
    if (this.slot.isClosed) {
      utterance.end(new SmallestTtsError('The client is closed.'));
      return utterance.stream;
    }
    const { signal } = opts;
    if (signal?.aborted) {
      utterance.end();
      return utterance.stream;
    }
    if (signal) {
      const onAbort = () => this.cancel(utterance);
      signal.addEventListener('abort', onAbort, { once: true });
      utterance.whenDone(() => signal.removeEventListener('abort', onAbort)); // one signal may serve many utterances
    }
    this.queue.push(utterance);
    void this.pump();
    return utterance.stream;
  }

  /**
   * Applies a settings change to every utterance queued from now on. Throws a UsageError, and changes
   * nothing, when the result is invalid. A model that needs another route reopens an idle socket.
   */
  updateSettings(update: Partial<Settings>): Settings {
    const next = mergeSettings(this.currentSettings, update);
    assertValidSettings(next);
    const urlChanged = this.socketUrl(next.model) !== this.socketUrl(this.currentSettings.model);
    this.currentSettings = next;
    if (urlChanged && this.slot.isOpen && !this.inFlight && this.queue.length === 0) {
      this.dropSocket(CLOSE_CODES.NORMAL, 'model change');
      void this.connect().catch(() => {});
    }
    return next;
  }

  /** Ends the utterance in flight and everything queued; drops the socket so no more of their audio arrives. Reconnects when next needed. */
  interrupt(): void {
    this.endAll();
    this.dropSocket(CLOSE_CODES.CLIENT_DROPPED, 'interrupted');
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
    const utterances = [...(this.inFlight ? [this.inFlight] : []), ...(this.parked ? [this.parked] : []), ...this.waiting, ...this.queue];
    this.inFlight = null;
    this.parked = null;
    this.queue = [];
    for (const utterance of utterances) utterance.end(error);
  }

  /** One utterance's abort: queued, it is dropped; in flight, the socket goes with it (nothing else stops its audio). */
  private cancel(utterance: Utterance): void {
    if (utterance.isDone) return;
    utterance.end(); // a parked utterance leaves `parked` through its done hook (see park)
    if (this.inFlight === utterance) {
      this.inFlight = null;
      this.dropSocket(CLOSE_CODES.CLIENT_DROPPED, 'request cancelled');
      void this.pump();
    } else {
      this.queue = this.queue.filter((j) => j !== utterance);
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.slot.isClosed && !this.inFlight && this.queue.length > 0) {
        const utterance = this.queue[0];
        if (utterance.isDone) {
          this.queue.shift();
          continue;
        }
        const url = this.socketUrl(utterance.settings.model);
        let ws: TransportSocket;
        try {
          ws = await this.socketFor(url, this.reconnecting);
        } catch (error) {
          if (error instanceof SupersededError || this.queue[0] !== utterance) continue;
          if (error instanceof ApiError && this.retryOverLimit(utterance, error)) {
            this.queue.shift();
            continue;
          }
          // A connection that cannot be made fails everything queued: each would fail alike.
          for (const j of this.queue.splice(0)) j.end(error as Error);
          break;
        }
        if (this.queue[0] !== utterance || !this.slot.holds(ws) || this.inFlight) continue;
        this.queue.shift();
        this.run(utterance, ws);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Puts an utterance on the socket. */
  private run(utterance: Utterance, ws: TransportSocket): void {
    this.inFlight = utterance;
    const id = `${this.idPrefix}-${++this.sequence}`;
    utterance.start({
      route: routeFor(utterance.settings.model, this.route),
      requestId: `st-${id}`,
      contextId: `ctx-${id}`,
      send: (request, text) => {
        ws.send(JSON.stringify(request));
        this.options.trace?.(sentFrame(ws, request));
        if (text) this.emit('request_sent', { text, at: performance.now(), queuedAt: utterance.stream.timings.queuedAt });
      },
      settled: () => this.settle(utterance),
      stuck: (reason) => {
        if (this.inFlight !== utterance) return;
        const seconds = Math.round((this.options.requestTimeoutMs ?? 20_000) / 100) / 10;
        if (reason === 'timeout') utterance.end(new ConnectionError(`No answer from the server for ${seconds} s (request timeout).`));
        else utterance.end();
        this.inFlight = null;
        this.dropSocket(CLOSE_CODES.CLIENT_DROPPED, reason === 'timeout' ? 'request timed out' : 'request abandoned');
        void this.pump();
      },
      fail: (error) => {
        utterance.end(error);
        if (this.inFlight === utterance) this.settle(utterance);
      },
    });
  }

  private settle(utterance: Utterance): void {
    if (this.inFlight !== utterance) return;
    this.inFlight = null;
    this.emit('request_complete', { text: utterance.stream.text, at: performance.now() });
    void this.pump();
  }

  private onMessage(data: Buffer): void {
    const frame = decodeFrame(data);
    if (frame.type === 'other' || frame.type === 'invalid') return; // unknown statuses may appear: ignore them
    const utterance = this.inFlight;
    if (isIdleTimeoutNotice(frame)) {
      this.idleNotice = true; // the server is about to close an idle socket: a normal end, not an error
      return;
    }
    // Frames for another request (or a finished segment) never reach the output.
    if (frame.externalRequestId !== undefined && frame.externalRequestId !== utterance?.attemptRequestId) return;
    if (frame.externalRequestId === undefined && frame.requestId !== undefined && this.endedIds.includes(frame.requestId)) return;
    if (!utterance) {
      if (frame.type === 'error') this.emit('connection_error', new ApiError(frame.message, { code: frame.code }));
      return;
    }
    switch (frame.type) {
      case 'chunk':
        return utterance.onChunk(frame.audio);
      case 'word':
        return utterance.onWord(frame.word);
      case 'complete':
        if (frame.requestId) this.endedIds = [...this.endedIds.slice(-31), frame.requestId];
        return utterance.onComplete();
      case 'error': {
        const error = new ApiError(frame.message, { code: frame.code });
        this.inFlight = null;
        if (!this.retryOverLimit(utterance, error)) utterance.end(error);
        // The server's state of a continuation after an error is unknown: start clean.
        if (utterance.mode === 'context') this.dropSocket(CLOSE_CODES.CLIENT_DROPPED, 'request failed');
        void this.pump();
      }
    }
  }

  /** Every loss of a socket comes here: the utterance on it is resent, or failed with the server's reason. */
  private socketGone(code: number, reason: string): void {
    const idle = this.idleNotice;
    this.idleNotice = false;
    this.emit('disconnected', { code, reason: idle && !reason ? 'idle timeout' : reason });
    const utterance = this.inFlight;
    this.inFlight = null;
    const recoverable = isRecoverableClose(code);
    if (utterance) {
      // Only a drop that cut audio counts against the utterance: a continuation waiting for more text
      // (tail -f) may see the server close its idle socket any number of times.
      const cut = utterance.detach({ code });
      if (!recoverable) {
        const error = new ConnectionError(`The server closed the connection (${describeClose(code, reason)}).`, undefined, 'The server refused on purpose (a policy or authorisation close): check the key, the account and the request, not the network.');
        utterance.end(error);
        for (const j of this.queue.splice(0)) j.end(error);
      } else if (cut && utterance.drops > (this.options.maxRequestRetries ?? 3)) {
        const idleClose = idle || /idle|inactiv/i.test(reason);
        utterance.end(
          idleClose
            ? new ConnectionError(`The server closed the socket for inactivity ${utterance.drops} times while audio was still due: its idle timeout is shorter than its answers take.`, undefined, 'Ask for a longer idle timeout, or leave it at the server\'s default.')
            : new ConnectionError(`The connection dropped ${utterance.drops} times during one request (last ${describeClose(code, reason)}).`),
        );
      } else if (!cut && utterance.idleBetweenTexts && this.queue.length === 0) {
        this.park(utterance); // no reconnect until the input has more to say
      } else {
        this.queue.unshift(utterance);
      }
    }
    this.reconnecting = recoverable;
    // The first resend goes at once; an utterance cut again waits longer each time (250 ms, 1 s, …).
    const delay = utterance ? resendDelayMs(utterance.drops) : 0;
    if (this.queue.length > 0) setTimeout(() => void this.pump(), delay);
  }

  /**
   * A refusal for the account's concurrency limit, before any audio of the utterance arrived: the utterance waits
   * (backoff with jitter) and goes back to the head of the queue, for as long as the client allows.
   */
  private retryOverLimit(utterance: Utterance, error: ApiError): boolean {
    if (error.kind !== 'over-limit') return false;
    const retry = utterance.overLimitRetry(this.options.overLimitRetryMs ?? 0);
    if (!retry) return false;
    utterance.detach();
    this.waiting.add(utterance);
    this.emit('over_limit', { attempt: retry.attempt, delayMs: retry.delayMs, message: error.message });
    const timer = setTimeout(() => {
      this.waiting.delete(utterance);
      if (utterance.isDone || this.slot.isClosed) return;
      this.queue.unshift(utterance);
      void this.pump();
    }, retry.delayMs);
    utterance.whenDone(() => {
      clearTimeout(timer);
      this.waiting.delete(utterance);
    });
    return true;
  }

  /** A continuation whose socket closed while it waited for text: it takes the socket again when text comes. */
  private park(utterance: Utterance): void {
    this.parked = utterance;
    utterance.park(() => {
      if (this.parked !== utterance) return;
      this.parked = null;
      if (this.slot.isClosed) return;
      this.queue.unshift(utterance);
      void this.pump();
    });
    utterance.whenDone(() => {
      if (this.parked === utterance) this.parked = null;
    });
  }

  /** The open socket for `url`; one open for another URL (another route) is dropped first. */
  private socketFor(url: string, retry: boolean): Promise<TransportSocket> {
    const open = this.slot.openUrl;
    if (open !== undefined && open !== url) this.dropSocket(CLOSE_CODES.NORMAL, 'model change');
    return this.slot.socketFor(url, retry);
  }

  /** Closes the socket on purpose. A utterance still on it (callers end cancelled ones first) goes back to the head of the queue. */
  private dropSocket(code: number, reason: string): void {
    if (!this.slot.drop(code, reason)) return;
    this.emit('disconnected', { code, reason });
    const utterance = this.inFlight;
    if (utterance) {
      this.inFlight = null;
      utterance.detach();
      this.queue.unshift(utterance);
      void this.pump();
    }
  }
}
