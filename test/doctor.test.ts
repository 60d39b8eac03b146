import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { wordConvention, type Release } from '../src/waves/doctor/exchange.js';
import { API_KEY, runCli, serverArgs, startServer, tempDir } from './helpers.js';
import { startSegmentingPeer, type SegmentingPeerOptions } from './segmenting-peer.js';

const PEER_KEY = 'sk-doctor-peer-WQ8Z-5518';
// A whole probe waits out several quiet windows: about 20 s with the real watch, a few with a short one.
const LONG = { timeoutMs: 120_000 };
/** Against local servers that send nothing late: a short watch after each last complete keeps the suite quick. */
const QUICK = ['--watch-ms', '800'];

async function doctorAgainst(t: Parameters<typeof startSegmentingPeer>[0], options: Omit<SegmentingPeerOptions, 'apiKey'>, extra: string[] = []) {
  const peer = await startSegmentingPeer(t, { ...options, apiKey: PEER_KEY });
  return runCli(['doctor', '--base-url', peer.url, ...extra], { ...LONG, env: { SMALLEST_API_KEY: PEER_KEY } });
}

describe('doctor', { concurrency: true }, () => {
  test('passes against serve, and --json says what it saw', async (t) => {
    const server = await startServer(t);
    const r = await runCli(['doctor', '--json', ...QUICK, ...serverArgs(server)], LONG);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const out = JSON.parse(r.stdout.toString()) as { ok: boolean; rules: { id: number; ok: boolean }[]; summary: Record<string, unknown> };
    assert.equal(out.ok, true);
    assert.deepEqual(out.rules.map((x) => [x.id, x.ok]), [[1, true], [2, true], [3, true], [4, true], [5, true], [6, true]]);
    assert.equal(out.summary.wordTimes === 'none', false, 'serve gives liam word times');
    assert.ok(!r.stdout.toString().includes(API_KEY));
  });

  test('passes against --offline, with a trace of every step and no key in it', async (t) => {
    const trace = join(tempDir(t), 'doctor.jsonl');
    const r = await runCli(['doctor', '--offline', ...QUICK, '--trace', trace], { ...LONG, env: { SMALLEST_API_KEY: PEER_KEY } });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout.toString(), /Every rule holds/);
    const raw = readFileSync(trace, 'utf8');
    assert.ok(!raw.includes(PEER_KEY) && !/Bearer/.test(raw));
    const lines = raw.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(lines.some((l) => l.kind === 'http' && l.status === 200), 'the voices route');
    assert.ok(lines.some((l) => l.kind === 'frame' && l.dir === 'out' && (l.frame as Record<string, unknown>).language === 'he'), 'the refused language');
    assert.ok(lines.some((l) => l.kind === 'close'), 'closes');
    assert.ok(!raw.includes('"audio"'));
  });

  test('a server that splits a three-sentence fragment into releases and one that does not: the reports differ', async (t) => {
    const [split, whole] = await Promise.all([doctorAgainst(t, { split: true, maxActive: 1 }, ['--json', ...QUICK]), doctorAgainst(t, { split: false }, QUICK)]);
    assert.equal(split.code, 0, `${split.stdout}\n${split.stderr}`);
    assert.equal(whole.code, 0, `${whole.stdout}\n${whole.stderr}`);
    const s = JSON.parse(split.stdout.toString()) as { summary: { releasesPerFragment: { completes: number; requestIds: number }; wordTimes: string; errors: { overLimit?: { code?: string }; unknownVoice?: { shape: string } } } };
    assert.deepEqual(s.summary.releasesPerFragment, { completes: 3, requestIds: 3 });
    assert.equal(s.summary.wordTimes, 'per release');
    assert.equal(s.summary.errors.overLimit?.code, 'concurrency_limit_exceeded');
    assert.equal(s.summary.errors.unknownVoice?.shape, 'flat');
    const text = whole.stdout.toString();
    assert.match(text, /releases per fragment\s+1 for one fragment of three sentences/);
    assert.match(text, /word times\s+one release/);
  });

  test('a server that sends audio 2 s after the last complete: exit 1, naming the rule', async (t) => {
    const r = await doctorAgainst(t, { split: true, lateAudioMs: 2000 }, ['--watch-ms', '2600']); // long enough to see it
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout.toString(), /Report this: rule 2 .*audio came \d+ ms after a complete/);
  });

  test('a server that never sends complete: exit 1, naming the rule', async (t) => {
    const r = await doctorAgainst(t, { split: false, neverComplete: true }, ['--watch-ms', '1000']);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout.toString(), /Report this: rule 2 .*not followed by a complete/);
  });

  test('a refused key: exit 1, saying so', async (t) => {
    const peer = await startSegmentingPeer(t, { split: true, apiKey: PEER_KEY });
    const r = await runCli(['doctor', '--base-url', peer.url, '--api-key', 'sk-wrong-key-0000'], LONG);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout.toString(), /key was refused \(HTTP 401\)/);
  });
});

describe('word time convention, read from the times', () => {
  const release = (...starts: number[]): Release => ({ requestIds: [], bytes: 0, words: starts.map((s, i) => ({ word: `w${i}`, start: s, end: s + 0.2 })) });
  const cases: [string, Release[], string][] = [
    ['restarting each release', [release(0, 0.3), release(0, 0.3)], 'per release'],
    ['running on across releases', [release(0, 0.3), release(0.6, 0.9)], 'per context'],
    ['one release', [release(0, 0.3)], 'one release'],
    ['no words', [release()], 'none'],
    ['both', [release(0, 0.3), release(0.6), release(0.1)], 'mixed'],
  ];
  for (const [name, releases, expected] of cases) {
    test(name, () => assert.equal(wordConvention(releases).convention, expected));
  }
  test('times going backwards within a release are a problem', () => {
    assert.equal(wordConvention([release(0.5, 0.1)]).problems.length, 1);
  });
});
