// What the client relies on, checked against what the probe saw (pure): a summary of the service's
// behaviour and one verdict per rule, each with the evidence that decided it.
import { DRAIN_CAP_MS } from '../utterance/drain-limits.js';
import { wordConvention, type ErrorSeen, type ExchangeFacts, type WordConvention } from './exchange.js';
import type { ProbeReport, RequestStep } from './probe.js';

interface RuleResult {
  id: number;
  /** A few words, for the table. */
  name: string;
  /** The rule in full. */
  rule: string;
  ok: boolean;
  /** What was seen: the evidence, or what broke the rule. */
  detail: string;
}

interface ServiceSummary {
  /** Releases (completes) for the one fragment of three sentences, and distinct server request_ids. */
  releasesPerFragment?: { completes: number; requestIds: number };
  /** Releases for the continuation of three fragments. */
  releasesForThreeFragments?: { completes: number; requestIds: number };
  /** `complete` frames per server request_id, over every request step. */
  completesPerRequestId: number[];
  /** The longest `complete` → next audio gap seen, in ms. */
  longestGapMs?: number;
  /** The longest first-audio latency of a continuation, in ms. */
  longestFirstAudioMs?: number;
  /** After a request's last `complete`: the socket closed, stayed open, or both were seen. */
  closeAfterComplete: 'closes' | 'stays open' | 'mixed' | 'unknown';
  wordTimes: WordConvention;
  errorShapes: ErrorSeen['shape'][];
  errors: { language?: ErrorSeen; unknownVoice?: ErrorSeen; overLimit?: ErrorSeen; idle?: ErrorSeen };
  oddities: string[];
}

export interface Verdict {
  ok: boolean;
  summary: ServiceSummary;
  rules: RuleResult[];
  /** Steps that could not run (each makes the verdict not ok). */
  incomplete: string[];
}

/** The client's drain waits at most this long; gaps and first audio must stay within half of it. */
export const GAP_LIMIT_MS = DRAIN_CAP_MS / 2;

export const STEP_LABELS: Record<string, string> = {
  oneShot: 'one-shot',
  threeSentences: 'one fragment, three sentences',
  threeFragments: 'three fragments',
  words: 'word timestamps',
};

type Named = [name: string, step: RequestStep];

/** How an exchange ended, in words. */
const OUTCOMES: Record<ExchangeFacts['outcome'], (f: ExchangeFacts) => string> = {
  quiet: () => 'then quiet',
  error: () => 'then an error',
  closed: (f) => `then the socket closed, code ${f.closed?.code}`,
  'no-answer': () => `then nothing for ${2 * DRAIN_CAP_MS / 1000} s`,
  'too-long': () => 'the exchange went on for 45 s',
};

function requestSteps(report: ProbeReport): Named[] {
  return (['oneShot', 'threeSentences', 'threeFragments', 'words'] as const).flatMap((name): Named[] => (report[name] ? [[name, report[name]!]] : []));
}

function ran(steps: Named[]): [string, ExchangeFacts][] {
  return steps.flatMap(([name, step]): [string, ExchangeFacts][] => (step.facts ? [[name, step.facts]] : []));
}

function audioRule(report: ProbeReport, facts: [string, ExchangeFacts][]): RuleResult {
  const rule = 'audio arrives in chunk frames: base64 of 16-bit PCM at the requested rate';
  const problems: string[] = [];
  const oneShot = report.oneShot?.facts;
  if (oneShot && oneShot.chunks === 0) problems.push('the one-shot request brought no audio');
  for (const [name, f] of facts) {
    const odd = f.releases.filter((r) => r.bytes % 2 !== 0).length;
    if (odd > 0) problems.push(`${STEP_LABELS[name]}: ${odd} release(s) with an odd byte count (not 16-bit samples)`);
    const invalid = f.oddities.filter((o) => o.includes('chunk'));
    if (invalid.length > 0) problems.push(`${STEP_LABELS[name]}: ${invalid.join(', ')}`);
  }
  // The rate, where word times say how long the speech is: words may not run past the audio.
  const words = report.words?.facts;
  let rate = 'rate not checked (no word times)';
  if (words && words.releases.some((r) => r.words.length > 0)) {
    const { convention } = wordConvention(words.releases);
    let before = 0;
    const over: string[] = [];
    for (const r of words.releases) {
      const seconds = r.bytes / (2 * report.sampleRate);
      const offset = convention === 'per context' ? before : 0;
      const lastEnd = Math.max(0, ...r.words.map((w) => w.end)) - offset;
      if (r.words.length > 0 && lastEnd > seconds * 1.1 + 0.25) over.push(`words end at ${lastEnd.toFixed(2)} s in ${seconds.toFixed(2)} s of audio`);
      before += seconds;
    }
    if (over.length > 0) problems.push(`the audio is shorter than its word times at ${report.sampleRate} Hz (${over.join('; ')}): another rate or sample format?`);
    else rate = `word times fit the audio at ${report.sampleRate} Hz`;
  }
  const bytes = facts.reduce((sum, [, f]) => sum + f.audioBytes, 0);
  const chunks = facts.reduce((sum, [, f]) => sum + f.chunks, 0);
  return { id: 1, name: 'audio in chunk frames, 16-bit PCM at the asked rate', rule, ok: problems.length === 0, detail: problems.length > 0 ? problems.join('; ') : `${chunks} chunks, ${bytes} bytes, every release whole samples; ${rate}` };
}

function completeRule(facts: [string, ExchangeFacts][]): RuleResult {
  const rule = `every release ends with a complete; after a context's closing frame its last frame is a complete; gaps and first audio within ${GAP_LIMIT_MS} ms`;
  const problems: string[] = [];
  for (const [name, f] of facts) {
    const label = STEP_LABELS[name];
    if (f.releases.length === 0) problems.push(`${label}: no audio and no complete (${OUTCOMES[f.outcome](f)})`);
    else if (!f.endsWithComplete) problems.push(`${label}: the last audio was not followed by a complete (${OUTCOMES[f.outcome](f)})`);
    const missing = f.releases.slice(0, -1).filter((r) => r.completeAt === undefined).length;
    if (missing > 0) problems.push(`${label}: ${missing} release(s) without a complete`);
    const longest = Math.max(...f.gapsMs, -Infinity);
    if (longest > GAP_LIMIT_MS) problems.push(`${label}: audio came ${longest} ms after a complete (more than ${GAP_LIMIT_MS} ms, half the client's longest drain wait)`);
    if (name !== 'oneShot' && f.firstAudioMs !== undefined && f.firstAudioMs > GAP_LIMIT_MS) problems.push(`${label}: first audio ${f.firstAudioMs} ms after the first fragment (more than ${GAP_LIMIT_MS} ms)`);
  }
  const gaps = facts.flatMap(([, f]) => f.gapsMs);
  const completes = facts.reduce((sum, [, f]) => sum + f.completes, 0);
  return {
    id: 2, name: 'every release ends with a complete, in time', rule, ok: problems.length === 0,
    detail: problems.length > 0 ? problems.join('; ') : `${completes} completes, each ending its release; longest complete→audio gap ${gaps.length > 0 ? `${Math.max(...gaps)} ms` : 'none seen'}`,
  };
}

function allErrors(report: ProbeReport, facts: [string, ExchangeFacts][]): ErrorSeen[] {
  return [
    ...facts.flatMap(([, f]) => f.errors),
    ...(report.language?.facts?.errors ?? []),
    ...(report.unknownVoice?.facts?.errors ?? []),
    ...(report.overLimit?.refused ? [report.overLimit.refused] : []),
    ...(report.idle?.error ? [report.idle.error] : []),
  ];
}

function errorRule(errors: ErrorSeen[]): RuleResult {
  const rule = 'errors are status "error" frames, nested or flat, with a readable message';
  const unreadable = errors.filter((e) => e.shape === 'other' || e.message.trim() === '' || e.message === 'unknown error');
  if (errors.length === 0) return { id: 3, name: 'errors are readable error frames', rule, ok: true, detail: 'no error frames seen' };
  return {
    id: 3, name: 'errors are readable error frames', rule, ok: unreadable.length === 0,
    detail: unreadable.length > 0 ? `${unreadable.length} error frame(s) without a readable message (neither error.message nor message)` : `${errors.length} error frame(s), shapes: ${[...new Set(errors.map((e) => e.shape))].join(', ')}`,
  };
}

function wordRule(report: ProbeReport): RuleResult {
  const rule = 'word times count per release or per context';
  const facts = report.words?.facts;
  if (!facts) return { id: 4, name: 'word times per release or per context', rule, ok: true, detail: 'not checked (the step did not run)' };
  const { convention, problems } = wordConvention(facts.releases);
  const count = facts.releases.reduce((sum, r) => sum + r.words.length, 0);
  if (problems.length > 0 || convention === 'mixed') {
    return { id: 4, name: 'word times per release or per context', rule, ok: false, detail: [...problems, ...(convention === 'mixed' ? ['some releases restart their times and some run on'] : [])].join('; ') };
  }
  const detail = convention === 'none' ? `no word times from ${report.wordVoice} (subtitles and karaoke need them)`
    : convention === 'one release' ? `${count} words in one release (the convention shows only across releases)`
    : `${count} words, counted ${convention}`;
  return { id: 4, name: 'word times per release or per context', rule, ok: true, detail };
}

function refusalRule(report: ProbeReport): RuleResult {
  const rule = 'an unknown voice and a refused language are refused (an error frame or an HTTP status)';
  const parts: string[] = [];
  const problems: string[] = [];
  for (const [label, step] of [[`language ${report.language?.asked}`, report.language], [`voice ${report.unknownVoice?.asked}`, report.unknownVoice]] as const) {
    if (!step) continue;
    if (step.refusedBy) parts.push(`${label}: ${step.refusedBy === 'HTTP status' ? `HTTP ${step.status}` : `${step.error?.code ?? 'no code'}`}`);
    else problems.push(`${label} was not refused: ${step.instead}`);
  }
  return { id: 5, name: 'unknown voice and language refused', rule, ok: problems.length === 0, detail: problems.length > 0 ? problems.join('; ') : parts.join('; ') };
}

function closeSummary(facts: [string, ExchangeFacts][]): ServiceSummary['closeAfterComplete'] {
  const seen = new Set(facts.filter(([, f]) => f.endsWithComplete).map(([, f]) => (f.closedAfterComplete ? 'closes' : 'stays open')));
  return seen.size === 0 ? 'unknown' : seen.size === 2 ? 'mixed' : ([...seen][0] as 'closes' | 'stays open');
}

function closeRule(summary: ServiceSummary, facts: [string, ExchangeFacts][]): RuleResult {
  const closes = facts.filter(([, f]) => f.closedAfterComplete).map(([name, f]) => `${STEP_LABELS[name]} after ${f.closedAfterComplete!.afterMs} ms (code ${f.closedAfterComplete!.code})`);
  return { id: 6, name: 'close after complete, or not', rule: 'a socket may close after a complete, or stay open', ok: true, detail: summary.closeAfterComplete === 'stays open' ? 'stays open' : `${summary.closeAfterComplete}${closes.length > 0 ? `: ${closes.join(', ')}` : ''}` };
}

export function judge(report: ProbeReport): Verdict {
  const steps = requestSteps(report);
  const all = ran(steps);
  // A request step the service answered with an error shows nothing about releases: it was not checked.
  const facts = all.filter(([, f]) => f.errors.length === 0);
  const incomplete = [
    ...steps.filter(([, s]) => s.failed !== undefined).map(([name, s]) => `${STEP_LABELS[name]}: ${s.failed}`),
    ...all.filter(([, f]) => f.errors.length > 0).map(([name, f]) => `${STEP_LABELS[name]}: the service answered with an error: ${f.errors[0].code ? `${f.errors[0].code} ` : ''}"${f.errors[0].message}"`),
  ];
  const errors = allErrors(report, all);
  const pair = (f?: ExchangeFacts) => (f ? { completes: f.completes, requestIds: f.requestIds } : undefined);
  const gaps = facts.flatMap(([, f]) => f.gapsMs);
  const firsts = facts.filter(([name]) => name !== 'oneShot').flatMap(([, f]) => (f.firstAudioMs === undefined ? [] : [f.firstAudioMs]));
  const summary: ServiceSummary = {
    releasesPerFragment: pair(report.threeSentences?.facts),
    releasesForThreeFragments: pair(report.threeFragments?.facts),
    completesPerRequestId: facts.flatMap(([, f]) => f.completesPerRequestId),
    longestGapMs: gaps.length > 0 ? Math.max(...gaps) : undefined,
    longestFirstAudioMs: firsts.length > 0 ? Math.max(...firsts) : undefined,
    closeAfterComplete: closeSummary(facts),
    wordTimes: report.words?.facts ? wordConvention(report.words.facts.releases).convention : 'none',
    errorShapes: [...new Set(errors.map((e) => e.shape))],
    errors: {
      language: report.language?.error,
      unknownVoice: report.unknownVoice?.error,
      overLimit: report.overLimit?.refused,
      idle: report.idle?.error,
    },
    oddities: [...new Set([...facts, ...(['language', 'unknownVoice'] as const).flatMap((k): [string, ExchangeFacts][] => (report[k]?.facts ? [[k, report[k]!.facts!]] : []))].flatMap(([, f]) => f.oddities))],
  };
  if (!report.key.accepted) {
    return { ok: false, summary, incomplete, rules: [] };
  }
  const rules = [audioRule(report, facts), completeRule(facts), errorRule(errors), wordRule(report), refusalRule(report), closeRule(summary, facts)];
  return { ok: incomplete.length === 0 && rules.every((r) => r.ok), summary, rules, incomplete };
}
