// The doctor's probe: a few seconds of audio that show how a Waves service segments, completes,
// times words, refuses and closes, spoken directly on the protocol (not through WavesClient).
import { randomBytes } from 'node:crypto';
import { AuthError, SmallestTtsError } from '../../errors.js';
import { DEFAULT_SETTINGS, type Settings } from '../../settings.js';
import { DRAIN_CAP_MS } from '../drain-limits.js';
import { buildRequest } from '../protocol.js';
import type { Tracer } from '../trace.js';
import { streamUrl } from '../url.js';
import { fetchVoices } from '../voices.js';
import { errorShape, exchange, exchangeFacts, type ErrorSeen, type ExchangeFacts, type ExchangeTimes } from './exchange.js';
import { ProbeSocket } from './probe-socket.js';

export interface ProbeOptions {
  apiKey: string;
  baseUrl: string;
  model?: string;
  voice?: string;
  trace?: Tracer;
  /** `?timeout=` asked for in the idle check, in seconds. Default 1. */
  idleTimeoutSeconds?: number;
  /** Called as each step starts (for a status line). */
  onStep?: (name: StepName) => void;
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

export const PROBE_TEXTS = {
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

export async function runProbe(o: ProbeOptions): Promise<ProbeReport> {
  const model = o.model ?? DEFAULT_SETTINGS.model;
  const voice = o.voice ?? DEFAULT_SETTINGS.voice;
  const wordVoice = WORD_VOICES.includes(voice) ? voice : model.endsWith('_pro') ? 'meher' : 'liam';
  const settings: Settings = { ...DEFAULT_SETTINGS, model, voice, sampleRate: SAMPLE_RATE };
  const url = streamUrl(o.baseUrl, model, { route: 'live' });
  const tag = randomBytes(3).toString('hex');
  let n = 0;
  const ids = () => `doctor-${tag}-${++n}`;
  const open = () => ProbeSocket.open({ url, apiKey: o.apiKey, model, trace: o.trace, connectTimeoutMs: 10_000 });
  const report: ProbeReport = {
    baseUrl: o.baseUrl, model, voice, wordVoice, sampleRate: SAMPLE_RATE,
    key: { accepted: false }, voices: { ok: false },
  };

  o.onStep?.('key');
  let first: ProbeSocket;
  try {
    first = await open();
    report.key = { accepted: true };
  } catch (error) {
    report.key = { accepted: false, status: (error as { status?: number }).status, message: (error as Error).message };
    if (error instanceof AuthError) return report;
    throw error;
  }
  await first.close();

  o.onStep?.('voices');
  try {
    const list = await fetchVoices({ apiKey: o.apiKey, baseUrl: o.baseUrl, model, trace: o.trace, timeoutMs: 10_000 });
    report.voices = { ok: true, count: list.length };
  } catch (error) {
    report.voices = { ok: false, status: (error as { status?: number }).status, message: (error as Error).message };
  }

  /** One request step on its own socket: one-shot (one text) or a continuation (fragments, then a closing frame). */
  const requestStep = async (name: StepName, texts: string[], stepSettings: Settings, context: boolean): Promise<RequestStep> => {
    o.onStep?.(name);
    const step: RequestStep = { texts, voice: stepSettings.voice };
    let socket: ProbeSocket;
    try {
      socket = await open();
    } catch (error) {
      return { ...step, failed: (error as Error).message };
    }
    const contextId = ids();
    const frames = context
      ? [...texts.map((t) => buildRequest(t, stepSettings, { requestId: ids(), context: { id: contextId, more: true } })), buildRequest('', stepSettings, { requestId: ids(), context: { id: contextId, more: false } })]
      : [buildRequest(texts[0], stepSettings, { requestId: ids() })];
    try {
      step.facts = exchangeFacts(await exchange(socket, frames, TIMES));
    } finally {
      await socket.close();
    }
    return step;
  };

  report.oneShot = await requestStep('oneShot', PROBE_TEXTS.oneShot, settings, false);
  report.threeSentences = await requestStep('threeSentences', PROBE_TEXTS.threeSentences, settings, true);
  report.threeFragments = await requestStep('threeFragments', PROBE_TEXTS.threeFragments, settings, true);
  report.words = await requestStep('words', PROBE_TEXTS.words, { ...settings, voice: wordVoice, wordTimestamps: true }, true);

  const refusalStep = async (name: StepName, asked: string, text: string, stepSettings: Settings): Promise<RefusalStep> => {
    o.onStep?.(name);
    const step: RefusalStep = { asked };
    let socket: ProbeSocket;
    try {
      socket = await open();
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status !== undefined) return { ...step, refusedBy: 'HTTP status', status };
      return { ...step, instead: `no connection: ${(error as Error).message}` };
    }
    try {
      const facts = exchangeFacts(await exchange(socket, [buildRequest(text, stepSettings, { requestId: ids() })], TIMES));
      step.facts = facts;
      const error = facts.errors[0];
      if (error && facts.chunks === 0) {
        step.refusedBy = 'error frame';
        step.error = error;
        step.closedAfter = facts.closed !== undefined;
      } else if (facts.chunks > 0) step.instead = `${facts.chunks} chunk(s) of audio${error ? ' and an error' : ''}`;
      else if (facts.closed) step.instead = `the socket closed (code ${facts.closed.code}) without an error frame`;
      else step.instead = facts.completes > 0 ? 'a complete without audio or error' : 'no answer';
    } finally {
      await socket.close();
    }
    return step;
  };

  report.language = await refusalStep('language', REFUSED_LANGUAGE, PROBE_TEXTS.language[0], { ...settings, language: REFUSED_LANGUAGE });
  report.unknownVoice = await refusalStep('unknownVoice', UNKNOWN_VOICE, PROBE_TEXTS.unknownVoice[0], { ...settings, voice: UNKNOWN_VOICE });
  o.onStep?.('overLimit');
  report.overLimit = await overLimit(open, settings, ids);
  o.onStep?.('idle');
  report.idle = await idleClose({ ...o, url: streamUrl(o.baseUrl, model, { route: 'live', timeoutSeconds: o.idleTimeoutSeconds ?? 1 }), model }, o.idleTimeoutSeconds ?? 1);
  return report;
}

/** Two one-shot requests at once on two sockets: does the account's limit refuse one, and how. */
async function overLimit(open: () => Promise<ProbeSocket>, settings: Settings, ids: () => string): Promise<NonNullable<ProbeReport['overLimit']>> {
  const sockets: ProbeSocket[] = [];
  try {
    for (let i = 0; i < 2; i++) sockets.push(await open());
  } catch (error) {
    await Promise.all(sockets.map((s) => s.close()));
    const status = (error as { status?: number }).status;
    return status !== undefined ? { served: 0, status, note: `the second socket was refused with HTTP ${status}` } : { served: 0, note: `no second socket: ${(error as Error).message}` };
  }
  try {
    const results = await Promise.all(sockets.map((s) => exchange(s, [buildRequest(PROBE_TEXTS.overLimit[0], settings, { requestId: ids() })], TIMES)));
    const facts = results.map(exchangeFacts);
    const refused = facts.flatMap((f) => f.errors)[0];
    const served = facts.filter((f) => f.chunks > 0).length;
    return { served, ...(refused ? { refused } : { note: 'not reached: both requests were served' }) };
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
  }
}

/** A socket opened with `?timeout=` and left idle: does the service close it, and with what. */
async function idleClose(o: { url: string; apiKey: string; model: string; trace?: Tracer }, seconds: number): Promise<NonNullable<ProbeReport['idle']>> {
  let socket: ProbeSocket;
  try {
    socket = await ProbeSocket.open({ url: o.url, apiKey: o.apiKey, model: o.model, trace: o.trace, connectTimeoutMs: 10_000 });
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
