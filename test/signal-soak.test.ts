// A soak of signals (issue 19, guarantee 1): random pairs of SIGINT/SIGTERM/SIGHUP at random
// moments — starting up, connecting, writing, finishing — over `say` into every format and over
// `batch`. Whatever the moment, no `.part` is left and every file there is valid: a new file of
// what arrived, or the old file untouched. SOAK_SEED=N repeats a run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseWav, runCli, serverArgs, startServer, tempDir } from './helpers.js';
import { modelArgs } from './model-args.js';
import { prose } from './prose.js';
import { random } from './prose.js';

const MODEL = await modelArgs();
const hasSox = spawnSync('sox', ['--version']).status === 0;
const SEED = Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000);
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const EXIT: Record<(typeof SIGNALS)[number], number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
const FORMATS = ['wav', 'mp3', 'flac', 'ogg', 'raw'] as const;
type Format = (typeof FORMATS)[number];

const OLD = 'an older file, to be kept whole or replaced whole';

/** Why `file` is not a valid file of its format, or null. */
function invalid(file: string, format: Format): string | null {
  const bytes = readFileSync(file);
  if (bytes.toString() === OLD) return null;
  if (format === 'raw') return bytes.length % 2 === 0 ? null : 'odd length';
  if (format === 'wav') {
    try {
      const wav = parseWav(bytes);
      return wav.dataSize === wav.data.length && wav.riffSize === wav.data.length + 36 ? null : `header ${wav.dataSize} for ${wav.data.length} bytes`;
    } catch (error) {
      return (error as Error).message;
    }
  }
  const decoded = spawnSync('sox', [file, '-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1', '-'], { maxBuffer: 1 << 28 });
  if (decoded.status !== 0) return `sox: ${decoded.stderr.toString().trim()}`;
  return decoded.stdout.length > 0 ? null : 'no audio';
}

interface Pair {
  first: (typeof SIGNALS)[number];
  second: (typeof SIGNALS)[number];
  delayMs: number;
  gapMs: number;
}

function pair(next: () => number): Pair {
  const pick = () => SIGNALS[Math.floor(next() * SIGNALS.length)];
  // Delays from process start-up (handlers not yet there) to well into writing; gaps from "at once" to after the first has been handled.
  return { first: pick(), second: pick(), delayMs: Math.floor(next() * 1400), gapMs: Math.floor(next() ** 2 * 120) };
}

async function signalled(args: string[], p: Pair, env?: Record<string, string>, stdin?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return runCli(args, {
    env,
    stdin,
    timeoutMs: 15_000,
    onSpawn: (child) => {
      const first = setTimeout(() => {
        child.kill(p.first);
        second = setTimeout(() => child.kill(p.second), p.gapMs);
      }, p.delayMs);
      let second: NodeJS.Timeout | undefined;
      child.once('exit', () => {
        clearTimeout(first);
        clearTimeout(second);
      });
    },
  });
}

/**
 * The exit of a run ended by the pair: a signal's code (two signals pending at once are delivered
 * lowest number first, so SIGHUP can overtake SIGINT), or killed by one before the handlers were
 * installed (nothing written yet), or done before they came.
 */
function assertEnded(r: { code: number | null; signal: NodeJS.Signals | null; stderr: string }, p: Pair, what: string): void {
  const sent = [p.first, p.second];
  const ok = r.code === 0 || sent.some((s) => r.code === EXIT[s] || (r.code === null && r.signal === s));
  assert.ok(ok, `${what}: exit ${r.code} (${r.signal}) after ${p.first}+${p.second} at ${p.delayMs} ms, gap ${p.gapMs} ms\n${r.stderr}`);
}

async function inParallel<T>(jobs: (() => Promise<T>)[], width: number): Promise<void> {
  const queue = [...jobs];
  await Promise.all(Array.from({ length: width }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await job();
  }));
}

test(`signal soak (seed ${SEED}): say into every format and batch, random INT/TERM/HUP pairs: no .part, no invalid file`, { skip: !hasSox && 'sox is not installed', timeout: 120_000 }, async (t) => {
  const next = random(SEED);
  const server = await startServer(t, { realtimeFactor: 4 });
  const text = prose(1200, 7);
  const jobs: (() => Promise<void>)[] = [];
  for (let round = 0; round < 8; round++) {
    for (const format of FORMATS) {
      const p = pair(next);
      const keepOld = next() < 0.5;
      jobs.push(async () => {
        const dir = tempDir(t);
        const out = join(dir, `out.${format}`);
        if (keepOld) writeFileSync(out, OLD);
        const what = `say -o out.${format}${keepOld ? ' (over an old file)' : ''}`;
        const r = await signalled(['say', ...MODEL, text, '-o', out, ...serverArgs(server)], p);
        assertEnded(r, p, what);
        const files = readdirSync(dir);
        assert.deepEqual(files.filter((f) => f.endsWith('.part')), [], `${what}: ${files.join(', ')} after ${JSON.stringify(p)}`);
        for (const f of files) assert.equal(invalid(join(dir, f), format), null, `${what}: ${f} after ${JSON.stringify(p)}`);
        if (keepOld) assert.deepEqual(files, [`out.${format}`], `${what}: the old file is never removed`);
      });
    }
  }
  for (let round = 0; round < 10; round++) {
    const p = pair(next);
    const format = FORMATS[Math.floor(next() * 4)];
    const fromStdin = next() < 0.5;
    jobs.push(async () => {
      const dir = tempDir(t);
      const tmp = join(dir, 'tmp');
      mkdirSync(tmp);
      const out = join(dir, 'out');
      const manifest = Array.from({ length: 6 }, (_, i) => `Item ${i + 1}. ${text.slice(0, 200).replace(/\s+/g, ' ')}`).join('\n');
      writeFileSync(join(dir, 'm.txt'), `${manifest}\n`);
      const what = `batch ${fromStdin ? '-' : 'm.txt'} --format ${format}`;
      const args = ['batch', ...MODEL, fromStdin ? '-' : join(dir, 'm.txt'), '--out-dir', out, '--format', format, '-c', '2', ...serverArgs(server)];
      const r = await signalled(args, p, { TMPDIR: tmp }, fromStdin ? `${manifest}\n` : undefined);
      assertEnded(r, p, what);
      assert.deepEqual(readdirSync(tmp), [], `${what}: the manifest's copy is gone after ${JSON.stringify(p)}`);
      const files = existsSync(out) ? readdirSync(out) : [];
      assert.deepEqual(files.filter((f) => f.endsWith('.part')), [], `${what}: ${files.join(', ')} after ${JSON.stringify(p)}`);
      for (const f of files) assert.equal(invalid(join(out, f), format), null, `${what}: ${f} after ${JSON.stringify(p)}`);
    });
  }
  await inParallel(jobs, 4);
  t.diagnostic?.(`seed ${SEED}: ${jobs.length} runs`);
});
