// One exchange of the probe: frames sent on a ProbeSocket, then everything that came back until the
// service went quiet, refused, closed or said nothing; and the facts read from it (pure).
import type { WordTimestamp } from '../../protocol/messages.js';
import type { ProbeSocket, Seen, SocketEnd } from './probe-socket.js';

type ExchangeOutcome = 'quiet' | 'error' | 'closed' | 'no-answer' | 'too-long';

interface Exchange {
  /** When each frame left (performance.now()). */
  sentAt: number[];
  seen: Seen[];
  /** The socket closed during the exchange or its observation window. */
  end?: SocketEnd;
  outcome: ExchangeOutcome;
}

export interface ExchangeTimes {
  /** After a `complete`, how long nothing must arrive before the exchange counts as over. */
  quietMs: number;
  /** Without any `complete` or error, how long after the last frame before giving up. */
  noAnswerMs: number;
  /** After an error frame, how long to watch for a close or more frames. */
  afterErrorMs: number;
  /** The longest an exchange may take in all. */
  maxMs: number;
}

/** Sends `frames` back to back, then watches until the exchange is over. */
export async function exchange(socket: ProbeSocket, frames: unknown[], times: ExchangeTimes): Promise<Exchange> {
  const first = socket.seen.length;
  const sentAt = frames.map((f) => socket.send(f));
  const startedAt = sentAt[0] ?? performance.now();
  let outcome: ExchangeOutcome;
  for (;;) {
    const seen = socket.seen.slice(first);
    if (socket.end) {
      outcome = 'closed';
      break;
    }
    const now = performance.now();
    if (now - startedAt > times.maxMs) {
      outcome = 'too-long';
      break;
    }
    const lastAt = seen.at(-1)?.at ?? sentAt.at(-1) ?? startedAt;
    const error = seen.some((s) => s.frame.type === 'error');
    const complete = seen.some((s) => s.frame.type === 'complete');
    const limit = error ? times.afterErrorMs : complete ? times.quietMs : times.noAnswerMs;
    const more = await socket.waitBeyond(socket.seen.length, Math.min(limit - (now - lastAt), times.maxMs - (now - startedAt)));
    if (!more && performance.now() - startedAt <= times.maxMs) {
      outcome = error ? 'error' : complete ? 'quiet' : 'no-answer';
      break;
    }
  }
  return { sentAt, seen: socket.seen.slice(first), end: socket.end, outcome };
}

/** Audio and words between one `complete` and the next (or the end). */
export interface Release {
  requestIds: string[];
  bytes: number;
  words: WordTimestamp[];
  firstAudioAt?: number;
  /** When its `complete` came; absent when the audio was not followed by one. */
  completeAt?: number;
}

export interface ErrorSeen {
  message: string;
  code?: string;
  shape: 'nested' | 'flat' | 'nested+flat' | 'other';
}

export interface ExchangeFacts {
  outcome: ExchangeOutcome;
  /** Releases as cut by `complete` frames (a trailing one without a complete included). */
  releases: Release[];
  completes: number;
  /** Distinct server request_ids on chunk, word and complete frames. */
  requestIds: number;
  /** `complete` frames per server request_id, in order of first sight. */
  completesPerRequestId: number[];
  audioBytes: number;
  chunks: number;
  /** First chunk after the first frame sent, in ms. */
  firstAudioMs?: number;
  /** Every `complete` → next chunk gap, in ms. */
  gapsMs: number[];
  /** The last audio or word frame was followed by a `complete`. */
  endsWithComplete: boolean;
  errors: ErrorSeen[];
  /** Unknown statuses and undecodable frames, as short notes. */
  oddities: string[];
  /** The socket closed after the last `complete`: how long after, and with which code. */
  closedAfterComplete?: { afterMs: number; code: number; reason: string };
  closed?: SocketEnd;
}

export function errorShape(raw: unknown): ErrorSeen['shape'] {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const nested = typeof r.error === 'object' && r.error !== null && typeof (r.error as Record<string, unknown>).message === 'string';
  const flat = typeof r.message === 'string';
  return nested && flat ? 'nested+flat' : nested ? 'nested' : flat ? 'flat' : 'other';
}

const ms = (n: number) => Math.round(n);

/** What the frames of an exchange say, in one pass: releases, completes per request id, errors, gaps. */
interface FrameTally {
  releases: Release[];
  completesById: Map<string, number>;
  errors: ErrorSeen[];
  oddities: string[];
  gapsMs: number[];
  lastCompleteAt?: number;
  chunks: number;
  firstAudioAt?: number;
}

function tallyFrames(seen: readonly Seen[]): FrameTally {
  const releases: Release[] = [];
  let current: Release | undefined;
  const completesById = new Map<string, number>();
  const errors: ErrorSeen[] = [];
  const oddities: string[] = [];
  const gapsMs: number[] = [];
  let lastCompleteAt: number | undefined;
  let awaitingAudioAfter: number | undefined;
  let chunks = 0;
  let firstAudioAt: number | undefined;
  for (const { at, frame, raw } of seen) {
    if (frame.type === 'chunk' || frame.type === 'word') {
      current ??= { requestIds: [], bytes: 0, words: [] };
      if (frame.requestId !== undefined && !current.requestIds.includes(frame.requestId)) current.requestIds.push(frame.requestId);
      if (frame.requestId !== undefined && !completesById.has(frame.requestId)) completesById.set(frame.requestId, 0);
      if (frame.type === 'chunk') {
        chunks++;
        current.bytes += frame.audio.length;
        current.firstAudioAt ??= at;
        firstAudioAt ??= at;
        if (awaitingAudioAfter !== undefined) gapsMs.push(ms(at - awaitingAudioAfter));
        awaitingAudioAfter = undefined;
      } else {
        current.words.push(frame.word);
      }
    } else if (frame.type === 'complete') {
      current ??= { requestIds: [], bytes: 0, words: [] };
      if (frame.requestId !== undefined) {
        if (!current.requestIds.includes(frame.requestId)) current.requestIds.push(frame.requestId);
        completesById.set(frame.requestId, (completesById.get(frame.requestId) ?? 0) + 1);
      }
      current.completeAt = at;
      releases.push(current);
      current = undefined;
      lastCompleteAt = at;
      awaitingAudioAfter = at;
    } else if (frame.type === 'error') {
      errors.push({ message: frame.message, code: frame.code, shape: errorShape(raw) });
    } else if (frame.type === 'other') {
      oddities.push(`unknown status ${JSON.stringify(frame.status).slice(0, 60)}`);
    } else {
      oddities.push(`invalid frame (${frame.reason})`);
    }
  }
  if (current) releases.push(current);
  return { releases, completesById, errors, oddities, gapsMs, lastCompleteAt, chunks, firstAudioAt };
}

export function exchangeFacts(x: Exchange): ExchangeFacts {
  const { releases, completesById, errors, oddities, gapsMs, lastCompleteAt, chunks, firstAudioAt } = tallyFrames(x.seen);
  const completes = releases.filter((r) => r.completeAt !== undefined).length;
  const last = releases.at(-1);
  const closedAfterComplete = x.end && lastCompleteAt !== undefined && x.end.at >= lastCompleteAt && last?.completeAt !== undefined
    ? { afterMs: ms(x.end.at - lastCompleteAt), code: x.end.code, reason: x.end.reason }
    : undefined;
  return {
    outcome: x.outcome,
    releases,
    completes,
    requestIds: completesById.size,
    completesPerRequestId: [...completesById.values()],
    audioBytes: releases.reduce((sum, r) => sum + r.bytes, 0),
    chunks,
    firstAudioMs: firstAudioAt === undefined || x.sentAt.length === 0 ? undefined : ms(firstAudioAt - x.sentAt[0]),
    gapsMs,
    endsWithComplete: last !== undefined && last.completeAt !== undefined,
    errors,
    oddities,
    closedAfterComplete,
    closed: x.end,
  };
}

export type WordConvention = 'per release' | 'per context' | 'mixed' | 'one release' | 'none';

/** How word times count within a context: restarting each release, or running on from the first audio. */
export function wordConvention(releases: Release[]): { convention: WordConvention; problems: string[] } {
  const withWords = releases.filter((r) => r.words.length > 0);
  const problems: string[] = [];
  for (const [i, r] of withWords.entries()) {
    for (const [j, w] of r.words.entries()) {
      if (w.end < w.start) problems.push(`release ${i + 1}: "${w.word}" ends (${w.end}) before it starts (${w.start})`);
      if (j > 0 && w.start < r.words[j - 1].start - 0.001) problems.push(`release ${i + 1}: "${w.word}" starts (${w.start}) before the word before it (${r.words[j - 1].start})`);
    }
  }
  if (withWords.length === 0) return { convention: 'none', problems };
  if (withWords.length === 1) return { convention: 'one release', problems };
  const kinds = new Set<WordConvention>();
  for (let i = 1; i < withWords.length; i++) {
    const previousEnd = Math.max(...withWords[i - 1].words.map((w) => w.end));
    kinds.add(withWords[i].words[0].start < previousEnd - 0.01 ? 'per release' : 'per context');
  }
  return { convention: kinds.size === 1 ? [...kinds][0] : 'mixed', problems };
}
