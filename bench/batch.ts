// `node dist/bench/batch.js [items] [manifest-lines]` (0 skips a part): batch throughput and memory, each beside a baseline measured in the same run. Prints; never fails.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ToneEngine } from '../src/server/engines/tone-engine.js';
import { startWavesServer, type WavesServer } from '../src/server/waves-server.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', '..', 'bin', 'smallest-tts');
const KEY = 'bench-key';
const ITEMS = Number(process.argv[2] ?? 200);
const MANIFEST_LINES = Number(process.argv[3] ?? 100_000);
const work = mkdtempSync(join(tmpdir(), 'smallest-tts-bench-batch-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const SENTENCES = ['Mr. Smith called at 9 a.m.', 'Dr. Patel replied on Friday.', 'The total was $42.50.', 'Room 204 is on the left.', 'Thanks, see you at noon.'];
const line = (i: number) => `${SENTENCES[i % SENTENCES.length]} Item ${i + 1}.`;

function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

/** The shell loop a user would write without batch: one `say` process per line. */
async function sayLoop(server: WavesServer, count: number, outDir: string): Promise<number> {
  const script = join(work, 'loop.sh');
  writeFileSync(script, `i=0\nwhile IFS= read -r line; do i=$((i+1)); "${process.execPath}" "${BIN}" say "$line" -o "${outDir}/$i.wav" --base-url "${server.url}" || exit 1; done < "$1"\n`);
  const manifest = join(work, `loop-${count}.txt`);
  writeFileSync(manifest, Array.from({ length: count }, (_, i) => line(i)).join('\n') + '\n');
  rmSync(outDir, { recursive: true, force: true });
  await run(['-e', `require('node:fs').mkdirSync(${JSON.stringify(outDir)})`]);
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('sh', [script, manifest], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SMALLEST_API_KEY: KEY } });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`the say loop exited ${code}`))));
  });
  return performance.now() - started;
}

function batch(server: WavesServer, manifest: string, outDir: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<number> {
  rmSync(outDir, { recursive: true, force: true });
  return run([...(env.BENCH_RSS_FILE ? ['--import', pathToFileURL(join(here, 'rss-hook.js')).href] : []), BIN, 'batch', manifest, '--out-dir', outDir, '--base-url', server.url, '-q', ...extra], { ...process.env, SMALLEST_API_KEY: KEY, ...env });
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** batch --concurrency 1 against a loop of say processes, and --concurrency 4 against 1. */
async function throughput(): Promise<void> {
  const delayed = await startWavesServer({ apiKey: KEY, firstChunkDelayMs: 150, engine: new ToneEngine({ letterSeconds: 0.01, gapSeconds: 0.01 }) });
  try {
    const manifest = join(work, `items-${ITEMS}.txt`);
    writeFileSync(manifest, Array.from({ length: ITEMS }, (_, i) => line(i)).join('\n') + '\n');
    const loop = await sayLoop(delayed, ITEMS, join(work, 'loop-out'));
    const one = await batch(delayed, manifest, join(work, 'c1'));
    const four = await batch(delayed, manifest, join(work, 'c4'), ['--concurrency', '4']);
    console.log(`  batch --concurrency 1: ${seconds(one)} | baseline: a shell loop of ${ITEMS} say invocations ${seconds(loop)} | ${ratio(one, loop)} | target ≤ 0.5×`);
    console.log(`  batch --concurrency 4: ${seconds(four)} | baseline: batch --concurrency 1 ${seconds(one)} | ${ratio(four, one)} | target ≤ 0.35×`);
  } finally {
    await delayed.close();
  }
}

/** Peak RSS of a batch over a huge manifest (every item written, --json on), against a 100-line one. */
async function memory(): Promise<void> {
  const fast = await startWavesServer({ apiKey: KEY, engine: new ToneEngine({ letterSeconds: 0.001, gapSeconds: 0.001 }) });
  try {
    const big = join(work, 'big.txt');
    writeFileSync(big, Array.from({ length: MANIFEST_LINES }, (_, i) => line(i)).join('\n') + '\n');
    const small = join(work, 'small.txt');
    writeFileSync(small, Array.from({ length: 100 }, (_, i) => line(i)).join('\n') + '\n');
    const rssBig = join(work, 'rss-big');
    const rssSmall = join(work, 'rss-small');
    const flags = ['--sample-rate', '8000', '--concurrency', '4', '--json'];
    const ms = await batch(fast, big, join(work, 'big-out'), flags, { BENCH_RSS_FILE: rssBig });
    rmSync(join(work, 'big-out'), { recursive: true, force: true });
    await batch(fast, small, join(work, 'small-out'), flags, { BENCH_RSS_FILE: rssSmall });
    const mb = (file: string) => Number(readFileSync(file, 'utf8'));
    console.log(`  peak RSS, ${MANIFEST_LINES}-line manifest (all written, --json): ${mb(rssBig).toFixed(1)} MiB in ${seconds(ms)} | baseline: 100-line manifest ${mb(rssSmall).toFixed(1)} MiB | ${ratio(mb(rssBig), mb(rssSmall))} | target < 150 MiB`);
  } finally {
    await fast.close();
  }
}

console.log(`batch benchmarks on ${cpus().length} core(s); ${ITEMS} short items (150 ms before each first chunk); a ${MANIFEST_LINES}-line manifest`);
if (ITEMS > 0) await throughput();
if (MANIFEST_LINES > 0) await memory();
