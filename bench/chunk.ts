// Chunking speed: 100 KB against 1 MB of ordinary prose through chunkText. Linear means a ratio
// near 10 for ten times the text (target ≤ 11). Run alone: node dist/bench/chunk.js
import { chunkText } from '../src/text/chunk.js';
import { prose } from '../test/prose.js';

function time(text: string): { ms: number; pieces: number } {
  const started = performance.now();
  let pieces = 0;
  for (const _ of chunkText(text)) pieces++;
  return { ms: performance.now() - started, pieces };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function chunkBench(runs = 7): Promise<{ smallMs: number; largeMs: number; ratio: number }> {
  const small = prose(100 * 1024, 7);
  const large = prose(1024 * 1024, 7);
  // Warm up the JIT on both sizes: 100 KB now takes a few milliseconds, where a first run's noise would decide the ratio.
  for (let i = 0; i < 3; i++) time(small);
  time(large);
  const smallMs = median(Array.from({ length: runs }, () => time(small).ms));
  const largeRuns = Array.from({ length: runs }, () => time(large));
  const largeMs = median(largeRuns.map((r) => r.ms));
  const ratio = largeMs / smallMs;
  console.log(`  chunkText: 100 KB ${smallMs.toFixed(1)} ms, 1 MB ${largeMs.toFixed(1)} ms (${largeRuns[0].pieces} pieces), ratio ${ratio.toFixed(1)}× (target ≤ 11×)`);
  return { smallMs, largeMs, ratio };
}

if (import.meta.url === `file://${process.argv[1]}`) await chunkBench();
