// Streaming input benchmarks: stdin → first audio, an LLM-style trickle, and the tail after the last audio of a continuation.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWavesServer } from '../src/server/waves-server.js';
import { prose } from '../test/prose.js';
import { startSegmentingServer } from '../test/segmenting-server.js';

type Report = (figure: string, value: string, baseline: string, ratio: string, target: string) => void;

const KEY = 'bench-key';
const fmt = (n: number, digits = 0) => n.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Run {
  /** performance.now() of the first and last stdout bytes, and of the exit. */
  firstOut?: number;
  lastOut?: number;
  exitAt: number;
}

/** Runs `say --raw -o -` with `feed` writing to its stdin once the process is up. */
function runSay(bin: string, url: string, args: string[], feed: (write: (text: string) => void, end: () => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'say', '--raw', '-o', '-', '--base-url', url, '--api-key', KEY, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const run: Partial<Run> = {};
    let stderr = '';
    child.stdout.on('data', () => {
      run.firstOut ??= performance.now();
      run.lastOut = performance.now();
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => (code === 0 ? resolve({ ...run, exitAt: performance.now() } as Run) : reject(new Error(stderr))));
    // Node's start-up is not part of the figure: write once the process has surely started.
    setTimeout(() => feed((text) => child.stdin.write(text), () => child.stdin.end()), 700);
  });
}

/** From a first sentence written to stdin to the first audio byte out, less the server's first-chunk delay, `runs` times. */
async function firstSentenceLatencies(bin: string, url: string, runs: number, delay: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < runs; i++) {
    let wroteAt = 0;
    const r = await runSay(bin, url, [], (write, end) => {
      wroteAt = performance.now();
      write('The first complete sentence has arrived.\n');
      setTimeout(() => (write('More text follows a little later.\n'), end()), 1500);
    });
    latencies.push(r.firstOut! - wroteAt - delay);
  }
  return latencies;
}

export async function streamingBench(report: Report, bin: string, work: string, runs = 5): Promise<void> {
  console.log('8. streaming input: stdin → first audio, an LLM trickle, the tail of a continuation');
  const delay = 200;
  const s = await startWavesServer({ apiKey: KEY, firstChunkDelayMs: delay });

  const firstSentence = await firstSentenceLatencies(bin, s.url, runs, delay);
  report('stdin: first sentence written → first audio byte, beyond the server\'s delay', `${fmt(median(firstSentence))} ms median`, `${delay} ms first-chunk delay`, '—', '≤ 250 ms');

  const trickle: number[] = [];
  let beforeEnd = 0;
  const words = 'Once upon a time, a fox lived by the river. Every morning he walked to the mill, and every evening he walked home again, past the old stone bridge.'.split(' ');
  const firstEnd = words.findIndex((w) => w.endsWith('.'));
  for (let i = 0; i < runs; i++) {
    let sentenceDoneAt = 0;
    let streamEndAt = 0;
    const r = await runSay(bin, s.url, [], (write, end) => {
      let n = 0;
      const timer = setInterval(() => {
        if (n < words.length) {
          write(`${n === 0 ? '' : ' '}${words[n]}`);
          if (n === firstEnd) sentenceDoneAt = performance.now();
          n++;
          return;
        }
        clearInterval(timer);
        streamEndAt = performance.now();
        end();
      }, 80);
    });
    trickle.push(r.firstOut! - sentenceDoneAt - delay);
    if (r.firstOut! < streamEndAt) beforeEnd++;
  }
  report('LLM trickle (a word / 80 ms): first sentence\'s last token → first audio, beyond the delay', `${fmt(median(trickle))} ms median; first audio before the stream ended in ${beforeEnd}/${runs}`, `${delay} ms first-chunk delay`, '—', '≤ 300 ms');

  await s.close();

  // Pre-connect: the socket opens while the first sentence is still being written.
  const slow = await startWavesServer({ apiKey: KEY, firstChunkDelayMs: delay, upgradeDelayMs: 400 });
  const preconnect = await firstSentenceLatencies(bin, slow.url, runs, delay);
  report('stdin with a 400 ms handshake: first sentence → first audio, beyond the server\'s delay', `${fmt(median(preconnect))} ms median`, `${delay} ms first-chunk delay`, '—', '≤ 150 ms');
  await slow.close();

  // The end of a continuation, by drain: against a server releasing one sentence at a time, and one joining fragments.
  const file = join(work, 'continuation.txt');
  writeFileSync(file, prose(6000, 3));
  const perSentence = await startWavesServer({ apiKey: KEY });
  const joining = await startSegmentingServer({ apiKey: KEY, seed: 5, joinFragments: [2, 4], holdPartial: true });
  const cases = [
    ['a server releasing each sentence', perSentence.url, [], '≤ 500 ms median'],
    ['the same, word timestamps on (the end known from the words)', perSentence.url, ['--voice', 'liam', '--word-timestamps'], 'below the 300 ms drain floor'],
    ['a server joining fragments', joining.url, [], '≤ 1000 ms'],
  ] as const;
  for (const [name, url, args, goal] of cases) {
    const tails: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await runSay(bin, url, ['-f', file, ...args], (_write, end) => end());
      tails.push(r.exitAt - r.lastOut!);
    }
    report(`continuation, ${name}: last audio byte → process exit`, `${fmt(median(tails))} ms median, ${fmt(Math.max(...tails))} ms max`, '6 KB of prose', '—', goal);
  }
  await perSentence.close();
  await joining.close();
}
