// `npm run bench -- offline`: the offline voice on an 1,800-word chapter against espeak-ng on the same text.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type Report = (figure: string, value: string, baseline: string, ratio: string, target: string) => void;

interface Run {
  ms: number;
  rssMB: number | null;
  workersMB?: number | null;
}

function runNode(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${args.join(' ')}: ${err}`));
      const r = JSON.parse(out) as { ms: number; maxRssMB: number; workersPeakMB: number | null };
      resolve({ ms: r.ms, rssMB: r.maxRssMB, workersMB: r.workersPeakMB });
    });
  });
}

/** espeak-ng's wall time, and its peak RSS when GNU time is there to measure it. */
function runEspeak(text: string, out: string): Run {
  const gnuTime = existsSync('/usr/bin/time');
  const args = ['-f', text, '-w', out];
  const started = performance.now();
  const r = gnuTime ? spawnSync('/usr/bin/time', ['-f', '%M', 'espeak-ng', ...args], { encoding: 'utf8' }) : spawnSync('espeak-ng', args, { encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`espeak-ng failed: ${r.stderr}`);
  const kb = gnuTime ? Number(r.stderr.trim().split('\n').pop()) : Number.NaN;
  return { ms, rssMB: Number.isFinite(kb) ? kb / 1024 : null };
}

const hasEspeak = () => spawnSync('espeak-ng', ['--version'], { stdio: 'ignore' }).status === 0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${x.toFixed(0)} MB`);

export async function offlineVoice(report: Report, root: string, work: string): Promise<void> {
  console.log('7. say --offline on an 1,800-word chapter (server + socket + WAV; the CLI client is being rewritten), against espeak-ng');
  const chapter = join(root, 'test', 'fixtures', 'chapter.txt');
  const script = join(root, 'dist', 'bench', 'offline-say.js');
  const espeakHere = hasEspeak();
  if (!espeakHere) console.log('  espeak-ng is not installed (apt-get install espeak-ng): no baseline');
  for (const [voice, what] of [['sophia', 'default voice, slt'], ['liam', 'word timings, rms'], ['james', 'diphone voice, kal16']] as const) {
    // espeak-ng just before and just after each run, so both see the same load on a shared machine.
    const espeak = espeakHere ? [runEspeak(chapter, join(work, 'espeak.wav'))] : [];
    const ours = await runNode([script, chapter, join(work, `offline-${voice}.wav`), voice]);
    if (espeakHere) espeak.push(runEspeak(chapter, join(work, 'espeak.wav')), runEspeak(chapter, join(work, 'espeak.wav')));
    const baseMs = espeakHere ? median(espeak.map((r) => r.ms)) : undefined;
    const baseline = baseMs === undefined ? 'espeak-ng not installed' : `${(baseMs / 1000).toFixed(2)} s (espeak-ng, median of 3 around it)`;
    const ratio = baseMs ? `${(ours.ms / baseMs).toFixed(1)}×` : '—';
    report(`offline ${voice} (${what}), wall time`, `${(ours.ms / 1000).toFixed(2)} s`, baseline, ratio, '≤ 10×');
    report(`offline ${voice}, peak RSS`, `${mb(ours.rssMB)} parent, ${mb(ours.workersMB)} workers`, espeakHere ? `${mb(espeak[0].rssMB)} (espeak-ng)` : '—', '—', '< 150 MB parent');
  }
}
