// The offline Flite engine: real speech from the worker process, word timings, restarts, clean exits.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import WebSocket from 'ws';
import type { EnginePiece } from '../src/server/engines/engine.js';
import { FliteEngine, UnknownVoiceError } from '../src/server/engines/flite-engine.js';
import { removeStaleFliteDirs } from '../src/server/engines/flite/stale-dirs.js';
import { startOfflineServer } from '../src/server/offline.js';
import { parseWav, ROOT, tempDir, runCli } from './helpers.js';

const RATE = 24000;
const TEXT = `Mr. Penhaligon arrived at the harbour office at 7:45 on a grey Tuesday in March 1923. Dr. Trevithick had called at half past six, and he said it was urgent.

The Mary Ellen was a schooner of 140 tons, owned by a company in Bristol. Her manifest listed 312 barrels of pilchards and timber valued at $1,250 -- an ordinary cargo.

"Eleven crates," he said slowly. "That is roughly 1,600 pounds a crate!" Nobody answered; the gulls cried over St. Ives.`;

async function speak(engine: FliteEngine, text: string, voice: string, onPiece?: (piece: EnginePiece, index: number) => void): Promise<EnginePiece[]> {
  const pieces: EnginePiece[] = [];
  for await (const piece of engine.synthesize({ text, voice, language: 'en', sampleRate: RATE })) {
    onPiece?.(piece, pieces.length);
    pieces.push(piece);
  }
  return pieces;
}

const seconds = (pieces: EnginePiece[]) => pieces.reduce((n, p) => n + p.samples.length, 0) / RATE;

function loudness(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

function engineFor(t: { after(fn: () => unknown): void }, size = 1): FliteEngine {
  const engine = new FliteEngine({ size });
  t.after(() => engine.dispose());
  return engine;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('speaks a multi-paragraph text, and times every input word, verbatim and in order, inside its piece', async (t) => {
  const engine = engineFor(t, 2);
  const pieces = await speak(engine, TEXT, 'liam');
  assert.ok(pieces.length >= 4, `expected a piece per sentence, got ${pieces.length}`);
  // Speech, not silence: about 2.5 words a second, and audible.
  const words = TEXT.split(/\s+/).filter(Boolean);
  assert.ok(seconds(pieces) > words.length / 5 && seconds(pieces) < words.length, `${seconds(pieces)} s for ${words.length} words`);
  for (const piece of pieces) assert.ok(loudness(piece.samples) > 300, 'a piece is silent');
  assert.deepEqual(pieces.flatMap((p) => p.words!.map((w) => w.word)), words);
  for (const piece of pieces) {
    const duration = piece.samples.length / RATE;
    let previous = 0;
    for (const w of piece.words!) {
      assert.ok(w.start >= previous && w.end >= w.start && w.end <= duration, `${JSON.stringify(w)} in a piece of ${duration} s`);
      previous = w.start;
      if (/[\p{L}\p{N}]/u.test(w.word)) assert.ok(w.end - w.start > 0.05, `"${w.word}" has no duration`);
    }
  }
  // "$1,250" is one input word spoken as several: it takes far longer than "an" beside it.
  const all = pieces.flatMap((p) => p.words!);
  const span = (word: string) => all.filter((w) => w.word === word).map((w) => w.end - w.start)[0];
  assert.ok(span('$1,250') > 3 * span('an'), `$1,250 ${span('$1,250')} s, an ${span('an')} s`);
});

test('only the word-timestamp voices carry words; an unknown voice is refused', async (t) => {
  const engine = engineFor(t);
  const voices = new Map(engine.voices().map((v) => [v.voiceId, v]));
  assert.deepEqual([voices.get('liam')?.tags.gender, voices.get('meher')?.tags.gender, voices.get('avery')?.tags.gender], ['male', 'female', 'female']);
  for (const id of ['liam', 'meher', 'avery']) assert.equal(voices.get(id)?.wordTimestamps, true, id);
  for (const id of ['sophia', 'emily', 'ryan']) assert.equal(voices.get(id)?.wordTimestamps, false, id);
  const plain = await speak(engine, 'Dr. Jones paid $20 for 3 tickets.', 'sophia');
  assert.ok(seconds(plain) > 1);
  assert.ok(plain.every((p) => p.words === undefined));
  for (const unknown of ['nobody', 'Liam', 'constructor', '']) {
    await assert.rejects(speak(engine, 'Hello there.', unknown), (error: unknown) => error instanceof UnknownVoiceError && error.code === 'VOICE_NOT_FOUND', unknown);
  }
});

test('a worker script that is not there is a clear error at start, not a hang', () => {
  assert.throws(() => new FliteEngine({ script: '/nonexistent/flite-worker.js' }), (error: unknown) => (error as { code?: string }).code === 'ENGINE_CRASHED' && /worker script is missing/.test(String(error)));
});

test('a worker killed mid-request is replaced and the sentence retried: the audio is the same as undisturbed', async (t) => {
  const engine = engineFor(t);
  const undisturbed = await speak(engine, TEXT, 'meher');
  const [first] = engine.workers.pids;
  const exits: (NodeJS.Signals | null)[] = [];
  engine.workers.on('exit', (_pid, _code, signal) => exits.push(signal));
  const disturbed = await speak(engine, TEXT, 'meher', (_piece, index) => {
    // Sentences are queued ahead of the consumer: the worker is busy with the next one now.
    if (index === 0) {
      assert.ok(engine.workers.workers[0].load > 0, 'the worker should be busy');
      process.kill(first, 'SIGKILL');
    }
  });
  assert.deepEqual(exits, ['SIGKILL']);
  const [second] = engine.workers.pids;
  assert.ok(second !== undefined && second !== first, 'a new worker runs');
  assert.deepEqual(disturbed.map((p) => p.samples.length), undisturbed.map((p) => p.samples.length));
  assert.deepEqual(disturbed.flatMap((p) => p.words), undisturbed.flatMap((p) => p.words));
  assert.ok(seconds(await speak(engine, 'Later requests work as before.', 'meher')) > 1);
  assert.equal(engine.workers.pids[0], second);
});

test('a sentence that kills its worker twice fails its request alone; the next request succeeds', async (t) => {
  const engine = engineFor(t);
  const request = speak(engine, TEXT, 'sophia', (_piece, index) => {
    if (index !== 0) return;
    // The replacement dies at once too: the sentence has had its one retry.
    engine.workers.once('spawn', (pid) => process.kill(pid, 'SIGKILL'));
    process.kill(engine.workers.pids[0], 'SIGKILL');
  });
  await assert.rejects(request, (error: unknown) => (error as { code?: string }).code === 'ENGINE_CRASHED');
  assert.ok(seconds(await speak(engine, 'Mr. Rowe came back at half past one.', 'sophia')) > 1);
});

test('dispose ends the worker and leaves nothing in TMPDIR; stale folders of dead processes are removed', async (t) => {
  const tmp = tempDir(t);
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  t.after(() => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  });
  // Left by crashed runs: a pid-named folder whose process is gone, and an old one of an earlier version.
  const dead = spawn(process.execPath, ['-e', '0']);
  await once(dead, 'exit');
  mkdirSync(join(tmp, `smallest-tts-flite-${dead.pid}-x1`));
  const legacy = join(tmp, 'smallest-tts-flite-Ab12Cd');
  mkdirSync(legacy);
  writeFileSync(join(legacy, 'speech.wav'), 'RIFF');
  const hoursAgo = new Date(Date.now() - 3 * 3600_000);
  utimesSync(join(legacy, 'speech.wav'), hoursAgo, hoursAgo);
  utimesSync(legacy, hoursAgo, hoursAgo);
  // Not stale: a live process's folder, and a recent legacy one.
  mkdirSync(join(tmp, `smallest-tts-flite-${process.pid}-x2`));
  mkdirSync(join(tmp, 'smallest-tts-flite-Recent'));

  const engine = new FliteEngine({ size: 2 });
  assert.deepEqual(readdirSync(tmp).sort(), [`smallest-tts-flite-${process.pid}-x2`, 'smallest-tts-flite-Recent']);
  assert.ok(seconds(await speak(engine, TEXT, 'avery')) > 10);
  const pids = engine.workers.pids;
  assert.equal(pids.length, 2);
  await engine.dispose();
  assert.deepEqual(pids.filter(isAlive), []);
  assert.deepEqual(readdirSync(tmp).sort(), [`smallest-tts-flite-${process.pid}-x2`, 'smallest-tts-flite-Recent']);
  assert.deepEqual(removeStaleFliteDirs(tmp), []);
});

test('regression, the offline voice aborted the process: three `say --offline` runs of an 1,800-word chapter exit 0 with valid WAVs and an empty TMPDIR', async (t) => {
  // James is Flite's diphone voice, four times cheaper than the default, to keep this test short;
  // `npm run bench -- offline` times the default voice and measures memory.
  const tmp = tempDir(t);
  const privateTmp = join(tmp, 'private');
  mkdirSync(privateTmp, { recursive: true });
  const chapter = join(ROOT, 'test', 'fixtures', 'chapter.txt');
  assert.ok(readFileSync(chapter, 'utf8').split(/\s+/).length >= 1800);
  for (let run = 1; run <= 3; run++) {
    const out = join(tmp, `chapter-${run}.wav`);
    // The timeout guards against a hang (failing the test), it is not a speed check.
    const r = await runCli(['say', '--offline', '-f', chapter, '-o', out, '--voice', 'james'], { env: { TMPDIR: privateTmp }, timeoutMs: 150_000 });
    assert.equal(r.signal, null, `run ${run} died: ${r.stderr}`);
    assert.equal(r.code, 0, `run ${run}: ${r.stderr}`);
    const wav = parseWav(readFileSync(out));
    assert.equal(wav.sampleRate, 24000);
    assert.equal(wav.dataSize, wav.data.length);
    assert.ok(wav.dataSize / 48000 > 400, `only ${wav.dataSize / 48000} s of audio`);
    assert.deepEqual(readdirSync(privateTmp), []);
    assert.deepEqual(readdirSync(tmp).filter((name) => name.includes('.part')), []);
  }
});

test('the offline server lists the word-timestamp voices, refuses a voice Flite does not have, and speaks one it has', async (t) => {
  const server = await startOfflineServer();
  t.after(() => server.close());
  const base = `${server.url.replace('ws:', 'http:')}/api/v1/lightning_v3.1`;
  const listed = (await (await fetch(`${base}/get_voices`, { headers: { authorization: `Bearer ${server.apiKey}` } })).json()) as { voices: { voiceId: string; wordTimestamps?: boolean }[] };
  assert.deepEqual(listed.voices.filter((v) => v.wordTimestamps).map((v) => v.voiceId).sort(), ['avery', 'devansh', 'kartik', 'liam', 'maithili', 'meher']);
  const ws = new WebSocket(`${server.url}/api/v1/lightning_v3.1/get_speech/stream`, { headers: { authorization: `Bearer ${server.apiKey}` } });
  await once(ws, 'open');
  const ask = (voice: string) =>
    new Promise<{ status: string; bytes: number; error?: { code: string } }>((resolve) => {
      let bytes = 0;
      const onMessage = (data: WebSocket.RawData) => {
        const frame = JSON.parse(data.toString()) as { status: string; data?: { audio: string }; error?: { code: string } };
        if (frame.status === 'chunk') bytes += Buffer.from(frame.data!.audio, 'base64').length;
        if (frame.status === 'chunk' || frame.status === 'word_timestamp') return;
        ws.off('message', onMessage);
        resolve({ status: frame.status, bytes, error: frame.error });
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ text: 'Mr. Rowe paid £14 and 6 shillings.', voice_id: voice, sample_rate: RATE, complete_backoff_ms: 0 }));
    });
  const refused = await ask('nobody');
  assert.equal(refused.status, 'error');
  assert.equal(refused.error?.code, 'VOICE_NOT_FOUND');
  const spoken = await ask('liam');
  assert.equal(spoken.status, 'complete');
  assert.ok(spoken.bytes / (2 * RATE) > 1, `${spoken.bytes} bytes`);
  ws.close();
});
