// `smallest-tts doctor`: probes the service with a few seconds of audio and prints what it did
// against what the client relies on; exit 0 when every rule holds, 1 naming what to report.
import { UsageError } from '../../../core/errors.js';
import { DEFAULT_SETTINGS } from '../../../core/settings.js';
import { DRAIN_CAP_MS } from '../../../waves/utterance/drain-limits.js';
import type { ErrorSeen, ExchangeFacts } from '../../../waves/doctor/exchange.js';
import { runProbe, type ProbeReport, type RefusalStep, type RequestStep, type StepName } from '../../../waves/doctor/probe.js';
import { GAP_LIMIT_MS, STEP_LABELS, judge, type Verdict } from '../../../waves/doctor/rules.js';
import { openConnection } from '../../connection/connect.js';
import type { ConnectionFlags } from '../../options.js';
import { safeLine } from '../../terminal/sanitize.js';
import { Ui } from '../../terminal/ui.js';
import { table } from '../../terminal/table.js';

export interface DoctorFlags extends ConnectionFlags {
  model?: string;
  voice?: string;
  json?: boolean;
  /** Hidden, for tests against local servers: a shorter watch after each last `complete`. */
  watchMs?: number;
  quiet?: boolean;
  verbose?: boolean;
}

const STATUS: Record<StepName, string> = {
  key: 'the key', voices: 'the voices route', oneShot: 'a one-shot request', threeSentences: 'one fragment of three sentences',
  threeFragments: 'a continuation of three fragments', words: 'word timestamps', language: 'a refused language',
  unknownVoice: 'an unknown voice', overLimit: 'two requests at once', idle: 'the idle close',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const quoted = (text: string) => `"${safeLine(text, 90)}"`;

function describeError(e: ErrorSeen): string {
  return `${e.shape}${e.code ? ` ${safeLine(e.code, 60)}` : ''}: ${quoted(e.message)}`;
}

function describeRequest(step: RequestStep | undefined, sampleRate: number): string {
  if (!step) return 'not run';
  if (step.failed) return `not run: ${safeLine(step.failed)}`;
  const f = step.facts as ExchangeFacts;
  if (f.errors.length > 0) return `error ${describeError(f.errors[0])}`;
  const words = f.releases.reduce((sum, r) => sum + r.words.length, 0);
  const parts = [
    `${plural(f.releases.length, 'release')} (${plural(f.requestIds, 'request_id')}), ${plural(f.completes, 'complete')}`,
    `${(f.audioBytes / (2 * sampleRate)).toFixed(2)} s audio`,
    ...(words > 0 ? [plural(words, 'word')] : []),
    ...(f.firstAudioMs !== undefined ? [`first audio ${f.firstAudioMs} ms`] : []),
    ...(f.gapsMs.length > 0 ? [`longest complete→audio ${Math.max(...f.gapsMs)} ms`] : []),
    f.closedAfterComplete ? `closed ${f.closedAfterComplete.afterMs} ms after complete (code ${f.closedAfterComplete.code})` : f.closed ? `closed (code ${f.closed.code})` : 'socket stayed open',
  ];
  if (f.outcome === 'no-answer') parts.push(`then nothing for ${(2 * DRAIN_CAP_MS) / 1000} s`);
  return parts.join(', ');
}

function describeRefusal(step: RefusalStep | undefined): string {
  if (!step) return 'not run';
  if (step.refusedBy === 'HTTP status') return `refused: HTTP ${step.status}`;
  if (step.refusedBy) return `refused: error frame, ${describeError(step.error!)}${step.closedAfter ? '; the socket closed' : ''}`;
  return `NOT refused: ${safeLine(step.instead ?? '')}`;
}

function serviceRows(report: ProbeReport, verdict: Verdict): string[][] {
  const s = verdict.summary;
  const over = report.overLimit;
  const idle = report.idle;
  const releases = s.releasesPerFragment;
  return [
    ['key', report.key.accepted ? 'accepted' : `refused${report.key.status ? ` (HTTP ${report.key.status})` : ''}`],
    ['voices route', report.voices.ok ? plural(report.voices.count ?? 0, 'voice') : `failed: ${safeLine(report.voices.message ?? '')}`],
    [STEP_LABELS.oneShot, describeRequest(report.oneShot, report.sampleRate)],
    [STEP_LABELS.threeSentences, describeRequest(report.threeSentences, report.sampleRate)],
    [STEP_LABELS.threeFragments, describeRequest(report.threeFragments, report.sampleRate)],
    [`${STEP_LABELS.words} (${report.wordVoice})`, `${describeRequest(report.words, report.sampleRate)}; word times ${s.wordTimes === 'one release' ? 'cannot tell from one release' : s.wordTimes}`],
    [`refused language (${report.language?.asked ?? '-'})`, describeRefusal(report.language)],
    ['unknown voice', describeRefusal(report.unknownVoice)],
    ['two requests at once', over ? (over.refused ? `one refused: ${describeError(over.refused)}` : safeLine(over.note ?? `${over.served} served`)) : 'not run'],
    [`idle close (?timeout=${idle?.askedSeconds ?? '-'})`, idle ? (idle.closedAfterMs !== undefined ? `closed after ${idle.closedAfterMs} ms (code ${idle.code})${idle.error ? `, ${describeError(idle.error)}` : ''}` : safeLine(idle.note ?? '')) : 'not run'],
    ['releases per fragment', releases ? `${releases.completes} for one fragment of three sentences (${plural(releases.requestIds, 'request_id')})` : '-'],
    ['completes per release', s.completesPerRequestId.length === 0 ? '-' : s.completesPerRequestId.every((n) => n === 1) ? '1 per request_id' : `per request_id: ${s.completesPerRequestId.join(', ')}`],
    ['longest complete→audio', s.longestGapMs === undefined ? 'no audio after a complete' : `${s.longestGapMs} ms (the client allows ${GAP_LIMIT_MS})`],
    ['socket after complete', s.closeAfterComplete],
    ['word times', s.wordTimes],
    ['error shapes', s.errorShapes.length > 0 ? s.errorShapes.join(', ') : 'none seen'],
    ...(s.oddities.length > 0 ? [['also seen', safeLine(s.oddities.join('; '), 300)]] : []),
  ];
}

function render(report: ProbeReport, verdict: Verdict): string {
  const lines = [`smallest-tts doctor: ${safeLine(report.baseUrl)} (model ${report.model}, voice ${report.voice})`, ''];
  lines.push('What the service did', table(['CHECK', 'SEEN'], serviceRows(report, verdict)), '');
  if (verdict.rules.length > 0) {
    lines.push('What the client relies on');
    lines.push(table(['', 'RULE', 'SEEN'], verdict.rules.map((r) => [r.ok ? 'ok' : 'FAIL', `${r.id} ${r.name}`, safeLine(r.detail, 400)])), '');
  }
  if (!report.key.accepted) {
    lines.push(`The key was refused${report.key.status ? ` (HTTP ${report.key.status})` : ''}: nothing else could be checked. Check SMALLEST_API_KEY or --api-key.`);
  } else if (verdict.ok) {
    lines.push('Every rule holds: the client works with what this service did.');
  } else {
    for (const r of verdict.rules.filter((x) => !x.ok)) lines.push(`Report this: rule ${r.id} (${r.rule}) does not hold: ${safeLine(r.detail, 400)}`);
    for (const step of verdict.incomplete) lines.push(`Not checked: ${safeLine(step, 400)}`);
    lines.push('Send this output and a trace (smallest-tts doctor --trace doctor.jsonl; it holds no key and no audio) with the report.');
  }
  return lines.join('\n');
}

export async function runDoctor(flags: DoctorFlags): Promise<number> {
  if (flags.route === 'per-model') throw new UsageError('doctor checks the live route (continuations exist only there): leave out --route per-model.');
  const ui = await Ui.create({ quiet: flags.quiet, verbose: flags.verbose, interactive: process.stderr.isTTY === true && !flags.json });
  const connection = await openConnection(flags, ui);
  let report: ProbeReport;
  try {
    report = await runProbe({
      apiKey: connection.apiKey,
      baseUrl: connection.baseUrl,
      model: flags.model ?? DEFAULT_SETTINGS.model,
      voice: flags.voice,
      trace: connection.trace,
      watchMs: flags.watchMs,
      onStep: (step) => {
        ui.verbose(`checking ${STATUS[step]}`);
        void ui.status(`Checking ${STATUS[step]}…`);
      },
    });
  } finally {
    ui.stopStatus();
    await connection.close();
  }
  const verdict = judge(report);
  if (flags.json) process.stdout.write(`${JSON.stringify({ ok: verdict.ok, summary: verdict.summary, rules: verdict.rules, incomplete: verdict.incomplete, report }, null, 2)}\n`);
  else process.stdout.write(`${render(report, verdict)}\n`);
  return verdict.ok ? 0 : 1;
}
