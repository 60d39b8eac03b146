// `npm run bench`: each figure beside a baseline measured in the same run. Prints; never fails.
// Select sections with arguments: npm run bench -- start short latency long gapless
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AudioSink } from '../src/audio/sink.js';
import { ToneEngine } from '../src/server/engines/tone-engine.js';
import { startWavesServer, type WavesServerOptions } from '../src/server/waves-server.js';
import { synthesizeToSink } from '../src/pipeline/synthesize.js';
import { WavesClient } from '../src/pipeline/client.js';
import WebSocket from 'ws';
import { UtteranceQueue } from '../src/pipeline/utterance-queue.js';
import { RealTimeSink } from './realtime-sink.js';
import { offlineVoice } from './offline.js';
import { chunkBench } from './chunk.js';
import { streamingBench } from './streaming.js';
import { prose } from '../test/prose.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, '..', '..');
const BIN = join(ROOT, 'bin', 'smallest-tts.js');
const KEY = 'bench-key';
const work = mkdtempSync(join(tmpdir(), 'smallest-tts-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const rows: string[][] = [];
function report(figure: string, value: string, baseline: string, ratio: string, target: string): void {
  rows.push([figure, value, baseline, ratio, target]);
  console.log(`  ${figure}: ${value} | baseline ${baseline} | ${ratio} | target ${target}`);
}

async function server(options: WavesServerOptions = {}) {
  return startWavesServer({ apiKey: KEY, ...options });
}

function timeCommand(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return performance.now() - started;
}

/** Async variant: the in-process server must keep serving while the child runs. */
function timeCommandAsync(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${args.join(' ')}: ${stderr}`))));
  });
}

async function coldStart(runs = 15): Promise<void> {
  console.log('1. cold start: smallest-tts --help against node -e 0');
  const cli: number[] = [];
  const node: number[] = [];
  timeCommand(['-e', '0']);
  timeCommand([BIN, '--help']);
  for (let i = 0; i < runs; i++) {
    node.push(timeCommand(['-e', '0']));
    cli.push(timeCommand([BIN, '--help']));
  }
  const ratio = median(cli) / median(node);
  report('cold start (--help)', `${fmt(median(cli))} ms`, `${fmt(median(node))} ms (node -e 0)`, `${fmt(ratio, 2)}×`, '≤ 1.3×');
}

async function shortText(runs = 15): Promise<void> {
  console.log('2. short text to WAV against the local server, against a raw ws script');
  const s = await server();
  const text = 'Hello there, this is a short sentence.';
  const ours: number[] = [];
  const raw: number[] = [];
  const out = join(work, 'short.wav');
  const rawScript = join(here, 'raw-ws-say.js');
  const url = `${s.url}/api/v1/lightning-v3.1/get_speech/stream`;
  await timeCommandAsync([BIN, 'say', text, '-o', out, '--base-url', s.url, '--api-key', KEY]);
  await timeCommandAsync([rawScript, url, KEY, text, out]);
  for (let i = 0; i < runs; i++) {
    raw.push(await timeCommandAsync([rawScript, url, KEY, text, out]));
    ours.push(await timeCommandAsync([BIN, 'say', text, '-o', out, '--base-url', s.url, '--api-key', KEY]));
  }
  await s.close();
  report('short text → WAV', `${fmt(median(ours))} ms`, `${fmt(median(raw))} ms (raw ws script)`, `${fmt(median(ours) / median(raw), 2)}×`, '≤ 1.1×');
}

async function clientLatency(): Promise<void> {
  console.log('3. client-added latency: chunk handed to the socket → bytes reach the sink');
  const text = Array.from({ length: 80 }, (_, i) => `word${i % 7}`).join(' ');
  const measure = async (consume: (url: string) => Promise<number[]>) => {
    const sent: number[] = [];
    const s = await server({ realtimeFactor: 10, chunkBytes: 4800, onChunkSent: ({ at }) => sent.push(at) });
    const received = await consume(s.url);
    await s.close();
    return received.map((at, i) => at - sent[i]).slice(1);
  };
  const ours = await measure(async (url) => {
    const times: number[] = [];
    const client = new WavesClient({ apiKey: KEY, baseUrl: url });
    const sink: AudioSink = { write: async () => void times.push(performance.now()), end: async () => {}, abort: async () => {} };
    await client.connect();
    await synthesizeToSink(client, [text], sink);
    await client.close();
    return times;
  });
  const raw = await measure(
    (url) =>
      new Promise<number[]>((resolve) => {
        const times: number[] = [];
        const ws = new WebSocket(`${url}/api/v1/lightning-v3.1/get_speech/stream`, { headers: { Authorization: `Bearer ${KEY}` } });
        ws.on('open', () => ws.send(JSON.stringify({ text, voice_id: 'sophia', complete_backoff_ms: 0 })));
        ws.on('message', (data) => {
          const frame = JSON.parse(String(data)) as { status: string; data?: { audio: string } };
          if (frame.status !== 'chunk') return ws.close(), resolve(times);
          Buffer.from(frame.data!.audio, 'base64');
          times.push(performance.now());
        });
      }),
  );
  const added = median(ours) - median(raw);
  report('client-added latency', `${fmt(median(ours), 3)} ms (${ours.length} chunks)`, `${fmt(median(raw), 3)} ms (raw ws receive + decode)`, `+${fmt(added, 3)} ms`, '< 2 ms');
}

async function longText(): Promise<void> {
  console.log('4. long text to WAV (one continuation): wall time and peak RSS, 1 MB against 100 KB of prose');
  // Short tones keep the audio of a megabyte of text to tens of megabytes.
  const s = await server({ engine: new ToneEngine({ letterSeconds: 0.002, gapSeconds: 0.002 }) });
  const hook = pathToFileURL(join(here, 'rss-hook.js')).href;
  const run = async (bytes: number) => {
    const input = join(work, `text-${bytes}.txt`);
    writeFileSync(input, prose(bytes, 11));
    const rssFile = join(work, `rss-${bytes}`);
    const ms = await timeCommandAsync(['--import', hook, BIN, 'say', '-f', input, '-o', join(work, `long-${bytes}.wav`), '--sample-rate', '16000', '--base-url', s.url, '--api-key', KEY], { ...process.env, BENCH_RSS_FILE: rssFile });
    return { ms, rss: Number(readFileSync(rssFile, 'utf8')) };
  };
  const small = await run(100_000);
  const large = await run(1_000_000);
  await s.close();
  report('1 MB prose → WAV, wall time', `${fmt(large.ms / 1000, 2)} s`, `${fmt(small.ms / 1000, 2)} s for 100 KB`, `${fmt(large.ms / small.ms, 1)}×`, '≤ 11× (linear)');
  report('1 MB prose → WAV, peak RSS', `${fmt(large.rss)} MB`, `${fmt(small.rss)} MB for 100 KB`, `${fmt(large.rss / small.rss, 2)}×`, '< 120 MB');
}

async function gapless(): Promise<void> {
  console.log('5. gapless playback: 250 ms to first chunk, audio at 3× real time, a real-time sink, 30 sentences');
  const sentences = Array.from({ length: 30 }, (_, i) => `Sentence ${i + 1} has four short words.`).join(' ');
  for (const route of ['live', 'per-model'] as const) {
    const s = await server({ firstChunkDelayMs: 250, realtimeFactor: 3 });
    const client = new WavesClient({ apiKey: KEY, baseUrl: s.url, route });
    const sink = new RealTimeSink(24000);
    await client.connect();
    const stats = await synthesizeToSink(client, sentences, sink);
    await sink.end();
    await client.close();
    await s.close();
    const how = route === 'live' ? 'one continuation' : 'requests back to back (per-model route)';
    report(`underruns after first audio, ${how}`, `${sink.clock.underruns} (${fmt(sink.clock.underrunMs)} ms silent)`, `${fmt(stats.audioSeconds)} s of audio, ${stats.requests} fragments`, '—', '0');
  }
}

async function stopLatency(runs = 10): Promise<void> {
  console.log('6. Ctrl-C in the REPL: interrupt → silence, speaking through the REPL queue into a real-time sink');
  const s = await server({ realtimeFactor: 3 });
  const client = new WavesClient({ apiKey: KEY, baseUrl: s.url });
  const sink = new RealTimeSink(24000);
  const queue = new UtteranceQueue({ openSink: async () => sink, onError: () => {} });
  await client.connect();
  const stops: number[] = [];
  const text = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
  for (let i = 0; i < runs; i++) {
    queue.speak(() => client.synthesize(text));
    await new Promise((resolve) => setTimeout(resolve, 600 + i * 37)); // mid-utterance, at varying points
    const pressed = performance.now();
    client.interrupt();
    await queue.stop();
    stops.push(Math.max(performance.now(), sink.clock.silentFrom) - pressed);
    await client.connect(); // the REPL reopens the socket after Ctrl-C, ready for the next line
  }
  await client.close();
  await s.close();
  report('Ctrl-C → silence', `${fmt(median(stops))} ms median, ${fmt(Math.max(...stops))} ms max`, `${runs} stops`, '—', '< 500 ms');
}

async function chunking(): Promise<void> {
  console.log('7. chunking: 1 MB against 100 KB of prose through chunkText');
  const r = await chunkBench();
  report('chunkText, 1 MB of prose', `${fmt(r.largeMs)} ms`, `${fmt(r.smallMs)} ms for 100 KB`, `${fmt(r.ratio, 1)}×`, '≤ 11×');
}

const sections: Record<string, () => Promise<void>> = { start: coldStart, short: shortText, latency: clientLatency, long: longText, gapless, stop: stopLatency, chunk: chunking, streaming: () => streamingBench(report, BIN, work), offline: () => offlineVoice(report, ROOT, work) };
const chosen = process.argv.slice(2).filter((a) => a in sections);
console.log(`smallest-tts benchmarks — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB`);
for (const name of chosen.length ? chosen : Object.keys(sections)) await sections[name]();
console.log('\n| figure | value | baseline | ratio | target |\n| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
