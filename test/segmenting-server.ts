// A hostile segmenting Waves server for tests (not `serve`): it speaks the live route as the service is
// described (requests, responses and continuations in waves-protocol.md) and varies every plausible segmentation, seeded.
//
// The audio is a pure function of the words of a context's text (each character gives samples from its
// code and its place in its word, each word is followed by a short gap), so however the text is re-cut,
// joined or resent in a new context after a close, the same words give the same bytes. Tests compute
// the expected output with `speechOf` from the input alone.
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { random } from './prose.js';

export const LIVE_PATH = '/waves/v1/tts/live';

export interface SegmentingOptions {
  seed?: number;
  /** When set, the upgrade must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** Chance that a sentence end inside released text becomes a cut between releases. Default 0. */
  cutAtSentence?: number;
  /** Chance that any other space inside released text becomes a cut. Default 0. */
  cutAtSpace?: number;
  /**
   * Joins fragments: text waits until this many text frames have arrived since the last release (or the
   * close). A pair picks a number per release, uniformly. Default 1 (release at once).
   */
  joinFragments?: number | [number, number];
  /** Text after the last sentence end waits for more text or for the close. Default false (every whole word goes at once). */
  holdPartial?: boolean;
  /** Wait before each release starts, ms, uniformly in [min, max]. Default none. */
  delayMs?: [number, number];
  /** Audio frame sizes in bytes, uniformly in [min, max] (odd sizes too). Default [700, 3000]. */
  chunkBytes?: [number, number];
  /** Wait between two audio frames of a release, ms. Default none. */
  chunkGapMs?: [number, number];
  /** Chance of closing the socket (code 1000) right after a `complete`. Default 0. */
  closeAfterComplete?: number;
  /** Word times from each release's first audio (`release`, default) or from the context's first audio (`context`). */
  wordTimes?: 'release' | 'context';
}

// ---------------------------------------------------------------------------------------------
// The audio: a pure function of the words.

/** Samples per millisecond-ish unit at a rate (integer, so times at 8/16/24 kHz are whole milliseconds). */
function unit(sampleRate: number): number {
  return Math.max(1, Math.round(sampleRate / 1000));
}

/** Samples of one word: its characters (1–3 units each, by code) and then a gap of 4 units. */
function wordSamples(word: string, sampleRate: number): { samples: Int16Array; voiced: number } {
  const u = unit(sampleRate);
  const lengths = [...word].map((_, j) => u * (1 + (word.charCodeAt(j) % 3)));
  const voiced = lengths.reduce((a, b) => a + b, 0);
  const samples = new Int16Array(voiced + 4 * u);
  let at = 0;
  for (let j = 0; j < word.length; j++) {
    const code = word.charCodeAt(j);
    for (let s = 0; s < lengths[j]; s++) samples[at++] = (((code * 37 + j * 101 + s * 13) % 4001) - 2000) * 8;
  }
  for (let s = 0; at < samples.length; s++) samples[at++] = ((word.length + s) % 7) - 3;
  return { samples, voiced };
}

/** A word and where it is in the audio, in samples. */
export interface SampleWord {
  word: string;
  start: number;
  end: number;
}

export function wordsOf(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

/** The audio of `text` (16-bit little-endian PCM) and each word's place in it. */
export function speechOf(text: string | string[], sampleRate: number): { pcm: Buffer; words: SampleWord[] } {
  const parts: Buffer[] = [];
  const words: SampleWord[] = [];
  let at = 0;
  for (const word of Array.isArray(text) ? text : wordsOf(text)) {
    const { samples, voiced } = wordSamples(word, sampleRate);
    words.push({ word, start: at, end: at + voiced });
    at += samples.length;
    parts.push(Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
  }
  const pcm = Buffer.concat(parts);
  if (pcm.length !== at * 2) throw new Error('speechOf: sample count mismatch');
  return { pcm, words };
}

// ---------------------------------------------------------------------------------------------
// Records.

export interface SentWord {
  id: number;
  word: string;
  start: number;
  end: number;
}

export interface Release {
  socket: number;
  /** Undefined for a one-shot request. */
  contextId?: string;
  /** The server's own id for this synthesis. */
  requestId: string;
  words: string[];
  pcm: Buffer;
  /** The word timings as sent (seconds, in this server's convention); empty without word_timestamps. */
  sentWords: SentWord[];
  startedAt: number;
  completedAt: number;
}

export interface ContextRecord {
  socket: number;
  /** Undefined for a one-shot request. */
  id?: string;
  /** Text frames received, in order. */
  frames: { text: string; more: boolean }[];
  /** Words released so far (their audio sent or queued). */
  released: string[];
  /** Audio sent for this context, all releases in order. */
  pcm: Buffer;
  /** The socket went while this context still held text or releases. */
  cut: boolean;
}

export interface SegmentingServer {
  url: string;
  options: SegmentingOptions;
  /** Every request body received, in order. */
  requests: Record<string, unknown>[];
  releases: Release[];
  contexts: ContextRecord[];
  /** Sockets opened so far. */
  connections(): number;
  /** performance.now() of the last audio frame sent, or 0. */
  lastAudioAt(): number;
  /** Sockets this server closed after a `complete`. */
  closesAfterComplete(): number;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Cutting text into releases.

/** Index just past a sentence end (after closing quotes or brackets), when the character at `i` is whitespace following one. */
function isSentenceEnd(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && /["'”’)\]]/.test(text[j])) j--;
  return j >= 0 && /[.!?]/.test(text[j]);
}

/** The end of the text that may be released now: whole words only, and with holdPartial only up to a sentence end. */
function releasableEnd(text: string, closed: boolean, holdPartial: boolean): number {
  if (closed) return text.length;
  for (let i = text.length - 1; i >= 0; i--) {
    if (!/\s/.test(text[i])) continue;
    if (!holdPartial || isSentenceEnd(text, i)) return i + 1;
  }
  return 0;
}

/** Splits `text` at random sentence ends and spaces into pieces that each hold at least one word. */
function cutPieces(text: string, next: () => number, options: SegmentingOptions): string[] {
  const pieces: string[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (!/\s/.test(text[i])) continue;
    const chance = isSentenceEnd(text, i) ? options.cutAtSentence ?? 0 : options.cutAtSpace ?? 0;
    if (chance > 0 && next() < chance && wordsOf(text.slice(from, i)).length > 0 && wordsOf(text.slice(i)).length > 0) {
      pieces.push(text.slice(from, i));
      from = i;
    }
  }
  if (wordsOf(text.slice(from)).length > 0) pieces.push(text.slice(from));
  return pieces;
}

const between = (next: () => number, range: [number, number] | undefined): number =>
  range ? range[0] + Math.floor(next() * (range[1] - range[0] + 1)) : 0;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// One socket.

interface Context {
  record: ContextRecord;
  /** Text received and not yet released. */
  pending: string;
  /** Text frames since the last release. */
  framesSinceRelease: number;
  joinTarget: number;
  closed: boolean;
  /** Samples sent (or queued) in this context so far: the origin of per-context word times. */
  samples: number;
  wordsSent: number;
  externalId?: string;
  settings: { sampleRate: number; wordTimestamps: boolean };
}

interface Queued {
  context: Context;
  words: string[];
}

class SocketSession {
  private readonly contexts = new Map<string, Context>();
  private readonly queue: Queued[] = [];
  private running = false;
  private gone = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly index: number,
    private readonly server: ServerState,
  ) {
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('close', () => this.onGone());
  }

  private get next(): () => number {
    return this.server.next;
  }

  private onMessage(raw: string): void {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      this.send({ status: 'error', error: { message: 'Invalid JSON', code: 'invalid_request' }, message: 'Invalid JSON' });
      return;
    }
    this.server.requests.push(body);
    const text = typeof body.text === 'string' ? body.text : '';
    const settings = {
      sampleRate: typeof body.sample_rate === 'number' ? body.sample_rate : 44100,
      wordTimestamps: body.word_timestamps === true,
    };
    const externalId = typeof body.request_id === 'string' ? body.request_id : undefined;
    const contextId = typeof body.context_id === 'string' ? body.context_id : undefined;
    if (contextId === undefined) {
      // One-shot: one release of the whole text, then `complete`.
      const context = this.newContext(undefined, settings, externalId);
      context.record.frames.push({ text, more: false });
      const words = wordsOf(text);
      if (words.length === 0) return;
      context.record.released.push(...words);
      this.enqueue({ context, words });
      return;
    }
    let context = this.contexts.get(contextId);
    if (!context) {
      context = this.newContext(contextId, settings, externalId);
      this.contexts.set(contextId, context);
    }
    if (externalId !== undefined) context.externalId = externalId;
    const more = body.continue === true;
    context.record.frames.push({ text, more });
    if (body.cancel_request === true) {
      context.pending = '';
      this.queue.splice(0, this.queue.length, ...this.queue.filter((q) => q.context !== context));
      return;
    }
    context.pending += text;
    if (text !== '') context.framesSinceRelease++;
    if (!more) context.closed = true;
    this.release(context);
  }

  private newContext(id: string | undefined, settings: Context['settings'], externalId?: string): Context {
    const record: ContextRecord = { socket: this.index, id, frames: [], released: [], pcm: Buffer.alloc(0), cut: false };
    this.server.contexts.push(record);
    return { record, pending: '', framesSinceRelease: 0, joinTarget: this.joinTarget(), closed: false, samples: 0, wordsSent: 0, externalId, settings };
  }

  private joinTarget(): number {
    const join = this.server.options.joinFragments ?? 1;
    return Array.isArray(join) ? between(this.next, join) : join;
  }

  /** Moves what may go now from the context's pending text to the send queue, cut into releases. */
  private release(context: Context): void {
    const options = this.server.options;
    if (!context.closed && context.framesSinceRelease < context.joinTarget) return;
    const end = releasableEnd(context.pending, context.closed, options.holdPartial === true);
    const text = context.pending.slice(0, end);
    if (wordsOf(text).length === 0) {
      if (context.closed) context.pending = ''; // an empty close with nothing left: no reply at all
      return;
    }
    context.pending = context.pending.slice(end);
    context.framesSinceRelease = wordsOf(context.pending).length > 0 ? 1 : 0;
    context.joinTarget = this.joinTarget();
    for (const piece of cutPieces(text, this.next, options)) {
      const words = wordsOf(piece);
      context.record.released.push(...words);
      this.enqueue({ context, words });
    }
  }

  private enqueue(item: Queued): void {
    this.queue.push(item);
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.gone) {
        const delay = between(this.next, this.server.options.delayMs);
        if (delay > 0) await sleep(delay);
        const item = this.queue.shift();
        if (!item || this.gone) return;
        await this.speak(item);
        if (this.gone) return;
        if (this.next() < (this.server.options.closeAfterComplete ?? 0)) {
          this.server.closedAfterComplete++;
          this.ws.close(1000);
          this.onGone();
          return;
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Sends one release: word timings interleaved with the audio in audio order, then `complete`. */
  private async speak({ context, words }: Queued): Promise<void> {
    const { sampleRate, wordTimestamps } = context.settings;
    const requestId = `task_${++this.server.releaseCount}`;
    const ids = { session_id: `ws_${this.index}`, request_id: requestId, ...(context.externalId !== undefined && { external_request_id: context.externalId }) };
    const speech = speechOf(words, sampleRate);
    const perContext = this.server.options.wordTimes === 'context';
    const origin = perContext ? context.samples : 0;
    const firstId = perContext ? context.wordsSent : 0;
    const release: Release = {
      socket: this.index,
      contextId: context.record.id,
      requestId,
      words,
      pcm: speech.pcm,
      sentWords: [],
      startedAt: performance.now(),
      completedAt: 0,
    };
    this.server.releases.push(release);
    context.samples += speech.pcm.length / 2;
    context.wordsSent += words.length;
    let nextWord = 0;
    for (let at = 0; at < speech.pcm.length; ) {
      const size = Math.max(1, between(this.next, this.server.options.chunkBytes ?? [700, 3000]));
      const end = Math.min(speech.pcm.length, at + size);
      // Each word's timing goes just before the frame that holds its first sample.
      while (wordTimestamps && nextWord < speech.words.length && speech.words[nextWord].start * 2 < end) {
        const w = speech.words[nextWord];
        const sent = { id: firstId + nextWord, word: w.word, start: (origin + w.start) / sampleRate, end: (origin + w.end) / sampleRate };
        release.sentWords.push(sent);
        this.send({ ...ids, status: 'word_timestamp', data: sent });
        nextWord++;
      }
      if (this.gone) return;
      const piece = speech.pcm.subarray(at, end);
      this.send({ ...ids, status: 'chunk', data: { audio: piece.toString('base64') } });
      context.record.pcm = Buffer.concat([context.record.pcm, piece]);
      this.server.lastAudioAt = performance.now();
      at = end;
      const gap = between(this.next, this.server.options.chunkGapMs);
      if (gap > 0 && at < speech.pcm.length) await sleep(gap);
      if (this.gone) return;
    }
    this.send({ ...ids, status: 'complete' });
    release.completedAt = performance.now();
  }

  private send(frame: unknown): void {
    if (!this.gone && this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private onGone(): void {
    if (this.gone) return;
    this.gone = true;
    const held = new Set(this.queue.map((q) => q.context));
    for (const context of this.contexts.values()) {
      if (wordsOf(context.pending).length > 0 || held.has(context)) context.record.cut = true;
    }
    this.queue.length = 0;
  }
}

interface ServerState {
  options: SegmentingOptions;
  next: () => number;
  requests: Record<string, unknown>[];
  releases: Release[];
  contexts: ContextRecord[];
  releaseCount: number;
  lastAudioAt: number;
  closedAfterComplete: number;
}

export async function startSegmentingServer(options: SegmentingOptions = {}): Promise<SegmentingServer> {
  const state: ServerState = {
    options,
    next: random(options.seed ?? 1),
    requests: [],
    releases: [],
    contexts: [],
    releaseCount: 0,
    lastAudioAt: 0,
    closedAfterComplete: 0,
  };
  let sockets = 0;
  const http = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":"error","message":"Not found"}');
  });
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const refuse = (status: number, message: string) => {
      socket.end(`HTTP/1.1 ${status} ${message}\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"status":"error","message":"${message}"}`);
    };
    if (path !== LIVE_PATH) return refuse(404, 'Not Found');
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => new SocketSession(ws, ++sockets, state));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    options,
    requests: state.requests,
    releases: state.releases,
    contexts: state.contexts,
    connections: () => sockets,
    lastAudioAt: () => state.lastAudioAt,
    closesAfterComplete: () => state.closedAfterComplete,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
