// Benchmark: an hour of 24 kHz speech-like PCM into each file format, as the CLI streams it: speed and peak memory.
// Run: npm run build && node dist/bench/encode-hour.js [minutes=60] [formats=wav,flac,mp3,ogg]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileSink } from '../src/audio/output.js';
import type { OutputFormat } from '../src/audio/formats.js';

const minutes = Number(process.argv[2] ?? 60);
const formats = (process.argv[3] ?? 'wav,flac,mp3,ogg').split(',') as OutputFormat[];
const rate = 24000;
const chunkBytes = 4800; // what the server sends per frame: 100 ms

/** 100 ms of tone "words" and pauses with a little noise, different every time. */
function chunk(index: number): Buffer {
  const pcm = Buffer.alloc(chunkBytes);
  const pitch = 120 + ((index * 37) % 180);
  const speaking = index % 7 !== 0;
  for (let i = 0; i < chunkBytes / 2; i++) {
    const t = index * (chunkBytes / 2) + i;
    const v = speaking ? 6000 * Math.sin((2 * Math.PI * pitch * t) / rate) + ((t * 7919) % 401) - 200 : 0;
    pcm.writeInt16LE(Math.round(v), i * 2);
  }
  return pcm;
}

const dir = mkdtempSync(join(tmpdir(), 'smallest-tts-bench-'));
try {
  const chunks = Math.round((minutes * 60 * rate * 2) / chunkBytes);
  console.log(`${minutes} min of audio, ${chunks} chunks of ${chunkBytes} bytes`);
  for (const format of formats) {
    const path = join(dir, `hour.${format}`);
    const before = process.memoryUsage().rss;
    let peak = before;
    const started = performance.now();
    const sink = await openFileSink(path, { format, sampleRate: rate });
    for (let i = 0; i < chunks; i++) {
      await sink.write(chunk(i));
      if (i % 500 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    await sink.end();
    const seconds = (performance.now() - started) / 1000;
    const size = statSync(path).size;
    console.log(
      `${format.padEnd(5)} ${seconds.toFixed(1).padStart(6)} s (${((minutes * 60) / seconds).toFixed(0)}× real time)  ` +
        `${(size / 1e6).toFixed(1).padStart(7)} MB  peak RSS +${((peak - before) / 1e6).toFixed(0)} MB`,
    );
    rmSync(path);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
