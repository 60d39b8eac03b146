// The doctor's probe: a few seconds of audio that show how a Waves service segments, completes,
// times words, refuses and closes, spoken directly on the protocol (not through WavesClient).
import { randomBytes } from 'node:crypto';
import { AuthError, SmallestTtsError } from '../../core/errors.js';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings.js';
import { DRAIN_CAP_MS } from '../utterance/drain-limits.js';
import { buildRequest } from '../../protocol/messages.js';
import type { Tracer } from '../trace.js';
import { streamUrl } from '../../protocol/routes.js';
import { fetchVoices } from '../voices.js';
import { errorShape, exchange, exchangeFacts, type ErrorSeen, type ExchangeFacts, type ExchangeTimes } from './exchange.js';
import { ProbeSocket } from './probe-socket.js';

interface ProbeOptions {
  apiKey: string;
  baseUrl: string;
  model?: string;
  voice?: string;
  trace?: Tracer;
  /** `?timeout=` asked for in the idle check, in seconds. Default 1. */
  idleTimeoutSeconds?: number;
  /** Called as each step starts (for a status line). */
  onStep?: (name: StepName) => void;
  /** How long to watch for more audio after a step's last `complete` (twice that for an answer at all). Default: the drain cap and 500 ms. */
  watchMs?: number;
}

export type StepName = 'key' | 'voices' | 'oneShot' | 'threeSentences' | 'threeFragments' | 'words' | 'language' | 'unknownVoice' | 'overLimit' | 'idle';

/** A request step: what was sent, and the facts of what came back (or why it could not run). */
export interface RequestStep {
  texts: string[];
  voice: string;
  facts?: ExchangeFacts;
  failed?: string;
}

/** A step that expects a refusal. */
export interface RefusalStep {
  asked: string;
  /** How it was refused: an error frame, an HTTP status; or what happened instead. */
  refusedBy?: 'error frame' | 'HTTP status';
  status?: number;
  error?: ErrorSeen;
  /** When not refused: what came instead. */
  instead?: string;
  /** The socket closed after the refusal. */
  closedAfter?: boolean;
  facts?: ExchangeFacts;
}

export interface ProbeReport {
  baseUrl: string;
  model: string;
  voice: string;
  wordVoice: string;
  sampleRate: number;
  key: { accepted: boolean; status?: number; message?: string };
  voices: { ok: boolean; count?: number; status?: number; message?: string };
  oneShot?: RequestStep;
  threeSentences?: RequestStep;
  threeFragments?: RequestStep;
  words?: RequestStep;
  language?: RefusalStep;
  unknownVoice?: RefusalStep;
  overLimit?: { served: number; refused?: ErrorSeen; status?: number; note?: string };
  idle?: { askedSeconds: number; closedAfterMs?: number; code?: number; error?: ErrorSeen; note?: string };
}

/** The voices that send word timings, per the API's docs. */
const WORD_VOICES = ['meher', 'devansh', 'kartik', 'maithili', 'liam', 'avery'];
const REFUSED_LANGUAGE = 'he';
const UNKNOWN_VOICE = 'smallest-tts-doctor-no-such-voice';
const SAMPLE_RATE = 24_000;

const PROBE_TEXTS = {
  oneShot: ['This is a quick check.'],
  threeSentences: ['The first sentence is here. The second one follows it. And the third one ends it.'],
  threeFragments: ['Three fragments ', 'make up this ', 'one sentence.'],
  words: ['Word times for Liam. A second sentence follows.'],
  language: ['Shalom.'],
  unknownVoice: ['Hello.'],
  overLimit: ['Hi.'],
};

/** Long enough after a `complete` to see audio the client would still wait for (its drain cap) and a margin. */
const TIMES: ExchangeTimes = { quietMs: DRAIN_CAP_MS + 500, noAnswerMs: 2 * DRAIN_CAP_MS, afterErrorMs: 1000, maxMs: 45_000 };

const timesFor = (o: ProbeOptions): ExchangeTimes => (o.watchMs === undefined ? TIMES : { ...TIMES, quietMs: o.watchMs, noAnswerMs: 2 * o.watchMs });

/** What every step needs: a way to open a socket on the live route, fresh ids, the caller's options. */
interface Probe {
  o: ProbeOptions;
  model: string;
  open(timeoutSeconds?: number): Promise<ProbeSocket>;
  id(): string;
}

export async function runProbe(o: ProbeOptions): Promise<ProbeReport> {
  const model = o.model ?? DEFAULT_SETTINGS.model;
  const voice = o.voice ?? DEFAULT_SETTINGS.voice;
  const wordVoice = WORD_VOICES.includes(voice) ? voice : model.endsWith('_pro') ? 'meher' : 'liam';
  const settings: Settings = { ...DEFAULT_SETTINGS, model, voice, sampleRate: SAMPLE_RATE };
  const tag = randomBytes(3).toString('hex');
  let n = 0;
  const p: Probe = {
    o, model,
    open: (timeoutSeconds) => ProbeSocket.open({ url: streamUrl(o.baseUrl, model, { route: 'live', timeoutSeconds }), apiKey: o.apiKey, model, trace: o.trace, connectTimeoutMs: 10_000 }),
    id: () => `doctor-${tag}-${++n}`,
  };
  const report: ProbeReport = { baseUrl: o.baseUrl, model, voice, wordVoice, sampleRate: SAMPLE_RATE, key: await checkKey(p), voices: { ok: false } };
  if (!report.key.accepted) return report;
  report.voices = await checkVoices(p);
  report.oneShot = await requestStep(p, 'oneShot', settings, false);
  report.threeSentences = await requestStep(p, 'threeSentences', settings, true);
  report.threeFragments = await requestStep(p, 'threeFragments', settings, true);
  report.words = await requestStep(p, 'words', { ...settings, voice: wordVoice, wordTimestamps: true }, true);
  report.language = await refusalStep(p, 'language', REFUSED_LANGUAGE, { ...settings, language: REFUSED_LANGUAGE });
  report.unknownVoice = await refusalStep(p, 'unknownVoice', UNKNOWN_VOICE, { ...settings, voice: UNKNOWN_VOICE });
  o.onStep?.('overLimit');
  report.overLimit = await overLimit(p, settings);
  o.onStep?.('idle');
  report.idle = await idleClose(p, o.idleTimeoutSeconds ?? 1);
  return report;
}

/** The upgrade accepted, or refused with 401/403 (anything else is not about the key: thrown). */
async function checkKey(p: Probe): Promise<ProbeReport['key']> {
  p.o.onStep?.('key');
  try {
    await (await p.open()).close();
    return { accepted: true };
  } catch (error) {
    if (error instanceof AuthError) return { accepted: false, status: error.status, message: error.message };
    throw error;
  }
}

async function checkVoices(p: Probe): Promise<ProbeReport['voices']> {
  p.o.onStep?.('voices');
  try {
    const list = await fetchVoices({ apiKey: p.o.apiKey, baseUrl: p.o.baseUrl, model: p.model, trace: p.o.trace, timeoutMs: 10_000 });
    return { ok: true, count: list.length };
  } catch (error) {
    return { ok: false, status: (error as { status?: number }).status, message: (error as Error).message };
  }
}

/** One request step on its own socket: one-shot (one text) or a continuation (fragments, then a closing frame, as the client sends them). */
async function requestStep(p: Probe, name: keyof typeof PROBE_TEXTS, settings: Settings, context: boolean): Promise<RequestStep> {
  p.o.onStep?.(name);
  const texts = PROBE_TEXTS[name];
  const step: RequestStep = { texts, voice: settings.voice };
  let socket: ProbeSocket;
  try {
    socket = await p.open();
  } catch (error) {
    return { ...step, failed: (error as Error).message };
  }
  const contextId = p.id();
  const fragment = (text: string, more: boolean) => buildRequest(text, settings, { requestId: p.id(), context: { id: contextId, more } });
  const frames = context ? [...texts.map((t) => fragment(t, true)), fragment('', false)] : [buildRequest(texts[0], settings, { requestId: p.id() })];
  try {
    step.facts = exchangeFacts(await exchange(socket, frames, timesFor(p.o)));
  } finally {
    await socket.close();
  }
  return step;
}

/** A one-shot request the service should refuse: how it did, or what came instead. */
async function refusalStep(p: Probe, name: 'language' | 'unknownVoice', asked: string, settings: Settings): Promise<RefusalStep> {
  p.o.onStep?.(name);
  const step: RefusalStep = { asked };
  let socket: ProbeSocket;
  try {
    socket = await p.open();
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== undefined) return { ...step, refusedBy: 'HTTP status', status };
    return { ...step, instead: `no connection: ${(error as Error).message}` };
  }
  try {
    const facts = exchangeFacts(await exchange(socket, [buildRequest(PROBE_TEXTS[name][0], settings, { requestId: p.id() })], timesFor(p.o)));
    step.facts = facts;
    const error = facts.errors[0];
    if (error && facts.chunks === 0) Object.assign(step, { refusedBy: 'error frame', error, closedAfter: facts.closed !== undefined });
    else if (facts.chunks > 0) step.instead = `${facts.chunks} chunk(s) of audio${error ? ' and an error' : ''}`;
    else if (facts.closed) step.instead = `the socket closed (code ${facts.closed.code}) without an error frame`;
    else step.instead = facts.completes > 0 ? 'a complete without audio or error' : 'no answer';
  } finally {
    await socket.close();
  }
  return step;
}

/** Two one-shot requests at once on two sockets: does the account's limit refuse one, and how. */
async function overLimit(p: Probe, settings: Settings): Promise<NonNullable<ProbeReport['overLimit']>> {
  const sockets: ProbeSocket[] = [];
  try {
    for (let i = 0; i < 2; i++) sockets.push(await p.open());
  } catch (error) {
    await Promise.all(sockets.map((s) => s.close()));
    const status = (error as { status?: number }).status;
    return status !== undefined ? { served: 0, status, note: `the second socket was refused with HTTP ${status}` } : { served: 0, note: `no second socket: ${(error as Error).message}` };
  }
  try {
    const results = await Promise.all(sockets.map((s) => exchange(s, [buildRequest(PROBE_TEXTS.overLimit[0], settings, { requestId: p.id() })], timesFor(p.o))));
    const facts = results.map(exchangeFacts);
    const refused = facts.flatMap((f) => f.errors)[0];
    const served = facts.filter((f) => f.chunks > 0).length;
    return { served, ...(refused ? { refused } : { note: 'not reached: both requests were served' }) };
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
  }
}

/** A socket opened with `?timeout=` and left idle: does the service close it, and with what. */
async function idleClose(p: Probe, seconds: number): Promise<NonNullable<ProbeReport['idle']>> {
  let socket: ProbeSocket;
  try {
    socket = await p.open(seconds);
  } catch (error) {
    if (error instanceof SmallestTtsError) return { askedSeconds: seconds, note: `not checked: ?timeout= was refused (${error.message})` };
    throw error;
  }
  const waitMs = seconds * 1000 + 3000;
  const deadline = socket.openedAt + waitMs;
  while (socket.isOpen && performance.now() < deadline) await socket.waitBeyond(socket.seen.length, deadline - performance.now());
  const frame = socket.seen.find((s) => s.frame.type === 'error');
  const error = frame && frame.frame.type === 'error' ? { message: frame.frame.message, code: frame.frame.code, shape: errorShape(frame.raw) } : undefined;
  if (!socket.end) {
    await socket.close();
    return { askedSeconds: seconds, ...(error && { error }), note: `not checked: still open after ${waitMs / 1000} s (the service may not honour ?timeout=${seconds})` };
  }
  return { askedSeconds: seconds, closedAfterMs: Math.round(socket.end.at - socket.openedAt), code: socket.end.code, ...(error && { error }) };
}
