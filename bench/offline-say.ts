// `say --offline -f FILE -o OUT` without the CLI's client (being rewritten for new routes): the offline
// server, a plain `ws` client on the route it serves, requests chunked as `say` chunks them, a WAV file.
// Prints one JSON line: {ms, parentCpuMs, requests, bytes, maxRssMB, workersPeakMB}. Used by bench/offline.ts and
// the endurance test. workersPeakMB: the highest summed RSS of the child processes (Linux), else null.
// Usage: node dist/bench/offline-say.js FILE OUT [VOICE] [SAMPLE_RATE]
import { readdirSync, readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { WavFileSink } from '../src/audio/wav.js';
import { startOfflineServer } from '../src/server/offline.js';
import { chunkText } from '../src/text/chunk.js';

const [file, out, voice = 'sophia', rate = '24000'] = process.argv.slice(2);
if (!file || !out) throw new Error('usage: offline-say.js FILE OUT [VOICE] [SAMPLE_RATE]');
const sampleRate = Number(rate);

/** Summed resident memory of this process's children (the Flite workers), from /proc. */
function childrenRssMB(): number | null {
  try {
    const pids = readdirSync('/proc/self/task').flatMap((tid) => readFileSync(`/proc/self/task/${tid}/children`, 'utf8').split(' ').filter(Boolean));
    return pids.reduce((sum, pid) => sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024, 0);
  } catch {
    return null;
  }
}
let workersPeakMB: number | null = null;
const sampler = setInterval(() => {
  const now = childrenRssMB();
  if (now !== null) workersPeakMB = Math.max(workersPeakMB ?? 0, now);
}, 100);
const started = performance.now();
const server = await startOfflineServer();
const sink = await WavFileSink.open(out, sampleRate);
const ws = new WebSocket(`${server.url}/api/v1/lightning_v3.1/get_speech/stream`, { headers: { authorization: `Bearer ${server.apiKey}` } });
await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
let requests = 0;
let bytes = 0;
try {
  for (const text of chunkText(readFileSync(file, 'utf8'))) {
    requests++;
    ws.send(JSON.stringify({ text, voice_id: voice, sample_rate: sampleRate, complete_backoff_ms: 0 }));
    // One request at a time, its chunks written in order until `complete`.
    await new Promise<void>((resolve, reject) => {
      let writing = Promise.resolve();
      const onMessage = (data: WebSocket.RawData) => {
        const frame = JSON.parse(data.toString()) as { status: string; data?: { audio: string }; error?: unknown };
        if (frame.status === 'chunk' && frame.data) {
          const pcm = Buffer.from(frame.data.audio, 'base64');
          bytes += pcm.length;
          writing = writing.then(() => sink.write(pcm));
        } else if (frame.status === 'complete' || frame.status === 'error') {
          ws.off('message', onMessage);
          if (frame.status === 'error') reject(new Error(`server error: ${JSON.stringify(frame.error)}`));
          else writing.then(resolve, reject);
        }
      };
      ws.on('message', onMessage);
    });
  }
  await sink.end();
} catch (error) {
  await sink.abort();
  throw error;
} finally {
  clearInterval(sampler);
  ws.close();
  await server.close();
}
const maxRssMB = process.resourceUsage().maxRSS / 1024;
const cpu = process.cpuUsage();
console.log(JSON.stringify({ ms: Math.round(performance.now() - started), parentCpuMs: Math.round((cpu.user + cpu.system) / 1000), requests, bytes, maxRssMB: Math.round(maxRssMB), workersPeakMB: workersPeakMB === null ? null : Math.round(workersPeakMB) }));
