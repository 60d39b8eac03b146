// Issue 16, points 2–4: against a server that segments as it likes (test/segmenting-server.ts), every byte
// it sent is written once, in order, with no hang; word times are right in either convention.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { WavesClient, type WavesClientOptions } from '../src/pipeline/client.js';
import type { SpeechStream, TimedWord } from '../src/waves/utterance/speech-stream.js';
import { API_KEY, ROOT, parseWav, runCli, tempDir, type TestContextLike } from './helpers.js';
import { prose, random } from './prose.js';
import { speechOf, startSegmentingServer, wordsOf, type SampleWord, type SegmentingOptions, type SegmentingServer } from './segmenting-server.js';

const RATE = 24000;
/** Generous for a client that finishes by itself: the audio is sent as fast as the socket takes it. */
const NO_HANG_MS = 5000;
/** From the last audio frame the server sent to the end of the job (or the process). */
const TAIL_MS = 1000;

const CHAPTER = readFileSync(join(ROOT, 'test', 'fixtures', 'chapter.txt'), 'utf8');

async function segmentingServer(t: TestContextLike, options: SegmentingOptions): Promise<SegmentingServer> {
  const server = await startSegmentingServer({ apiKey: API_KEY, ...options });
  t.after(() => server.close());
  return server;
}

function client(t: TestContextLike, server: SegmentingServer, options: Partial<WavesClientOptions> = {}): WavesClient {
  const c = new WavesClient({ apiKey: API_KEY, baseUrl: server.url, reconnectDelaysMs: [0, 20, 50], ...options });
  t.after(() => c.close());
  return c;
}

interface Drained {
  pcm: Buffer;
  outcome: 'ended' | 'failed' | 'hung';
  error?: Error;
  /** performance.now() when the stream ended, failed or was given up on. */
  at: number;
}

/** Reads a stream to its end, or gives up after `limitMs` (what had arrived is kept). */
async function drain(stream: SpeechStream, limitMs = NO_HANG_MS): Promise<Drained> {
  const parts: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(resolve, limitMs, 'hung')));
  const read = (async () => {
    try {
      for await (const pcm of stream) parts.push(pcm);
      return { outcome: 'ended' as const };
    } catch (error) {
      return { outcome: 'failed' as const, error: error as Error };
    }
  })();
  const result = await Promise.race([read, hung]);
  clearTimeout(timer);
  const at = performance.now();
  return result === 'hung' ? { pcm: Buffer.concat(parts), outcome: 'hung', at } : { pcm: Buffer.concat(parts), ...result, at };
}

/** Where two byte strings first differ, in words a failure message can use. */
function describeBytes(got: Buffer, expected: Buffer): string {
  if (got.equals(expected)) return 'equal';
  let i = 0;
  while (i < got.length && i < expected.length && got[i] === expected[i]) i++;
  const secs = (n: number) => (n / 2 / RATE).toFixed(3);
  return `${got.length} bytes (${secs(got.length)} s) of ${expected.length} (${secs(expected.length)} s); first difference at byte ${i} (${secs(i)} s)`;
}

/** The job ended by itself, with every byte the server sent once, in order, and soon after the last audio. */
function assertAllAudio(result: Drained, server: SegmentingServer, text: string, sampleRate = RATE): void {
  const expected = speechOf(text, sampleRate).pcm;
  const tail = result.at - server.lastAudioAt();
  const where = `${server.releases.length} releases on ${server.connections()} socket(s), ${server.closesAfterComplete()} closed after complete`;
  assert.equal(result.outcome, 'ended', `the job ${result.outcome}${result.error ? `: ${result.error.message}` : ''} with ${describeBytes(result.pcm, expected)} (${where})`);
  assert.ok(result.pcm.equals(expected), `audio: ${describeBytes(result.pcm, expected)} (${where})`);
  assert.ok(tail <= TAIL_MS, `the job ended ${Math.round(tail)} ms after the last audio (${where})`);
}

/** Text of `chars` characters of prose with a seed, whitespace and all, as a user would pass it. */
const text = (chars: number, seed: number) => prose(chars, seed).trim();

describe('against a hostile segmenting server, through the library (issue 16, point 2)', () => {
  test('split fragments: a fragment released as several segments loses no tail', async (t) => {
    const server = await segmentingServer(t, { seed: 11, cutAtSentence: 1, cutAtSpace: 0.05 });
    const input = text(1500, 11);
    const result = await drain(client(t, server).synthesize(input));
    assert.ok(server.releases.length > server.requests.length, 'the server cut the fragments');
    assertAllAudio(result, server, input);
  });

  test('joined fragments: several fragments in one release, no wait for completes that never come', async (t) => {
    const server = await segmentingServer(t, { seed: 12, joinFragments: [2, 5] });
    const input = text(1500, 12);
    const result = await drain(client(t, server).synthesize(input));
    assertAllAudio(result, server, input);
    assert.ok(server.releases.length < server.requests.filter((r) => r.text !== '').length, 'the server joined fragments');
  });

  test('text held until more text comes: fragments that end mid-sentence', async (t) => {
    const server = await segmentingServer(t, { seed: 13, holdPartial: true });
    // Sentences of 300–600 characters: the client has to cut them at commas or spaces.
    const long = (n: number) => Array.from({ length: n }, (_, i) => `clause ${i + 1} of a long sentence, which goes on`).join(', ');
    const input = `${long(8)}. ${long(14)}. ${long(10)}!`;
    const result = await drain(client(t, server).synthesize(input));
    assertAllAudio(result, server, input);
  });

  test('text held until the close: no sentence end anywhere, nothing is released before continue:false', async (t) => {
    const server = await segmentingServer(t, { seed: 14, holdPartial: true });
    const input = Array.from({ length: 30 }, (_, i) => `part ${i + 1} of a sentence that has no end`).join(', ');
    const result = await drain(client(t, server).synthesize(input));
    assertAllAudio(result, server, input);
    assert.equal(server.releases.length, 1);
  });

  test('text held until more text comes, from a stream of pieces', async (t) => {
    const server = await segmentingServer(t, { seed: 15, holdPartial: true, joinFragments: [1, 3] });
    const input = text(900, 15);
    async function* pieces(): AsyncGenerator<string> {
      const next = random(15);
      for (let at = 0; at < input.length; ) {
        const size = 20 + Math.floor(next() * 80);
        yield input.slice(at, at + size);
        at += size;
        if (next() < 0.2) await new Promise((resolve) => setTimeout(resolve, 30));
      }
    }
    const result = await drain(client(t, server).synthesize(pieces()));
    assertAllAudio(result, server, input);
  });

  test('close after complete: one-shot requests on a socket the server closes each time', async (t) => {
    const server = await segmentingServer(t, { seed: 16, closeAfterComplete: 1 });
    const c = client(t, server);
    for (const input of ['First one.', 'The second, a little longer.', 'Third!']) {
      assertAllAudio(await drain(c.synthesize(input)), server, input);
    }
    assert.equal(server.closesAfterComplete(), 3, 'the server closed after each complete');
    assert.ok(server.connections() >= 3, 'each request on a socket of its own');
  });

  test('close after complete inside a continuation: the rest is resent on a new socket, no byte twice', async (t) => {
    const server = await segmentingServer(t, { seed: 17, cutAtSentence: 0.5, closeAfterComplete: 0.3 });
    const input = text(1500, 17);
    const result = await drain(client(t, server).synthesize(input));
    assert.ok(server.closesAfterComplete() > 0, 'the server closed at least once');
    assertAllAudio(result, server, input);
  });

  for (const seed of [21, 22, 23]) {
    test(`a mix of all of it, with delays (seed ${seed})`, async (t) => {
      const next = random(seed);
      const server = await segmentingServer(t, {
        seed,
        cutAtSentence: next(),
        cutAtSpace: next() * 0.1,
        joinFragments: [1, 4],
        holdPartial: next() < 0.5,
        delayMs: [0, 40],
        chunkBytes: [1, 4000],
        chunkGapMs: [0, 2],
        closeAfterComplete: 0.15,
      });
      const input = text(1200 + Math.floor(next() * 800), seed);
      const result = await drain(client(t, server).synthesize(input));
      assertAllAudio(result, server, input);
    });
  }
});

/** The words of `text` with their times in seconds from the first audio, as the audio sent places them. */
function expectedWords(text: string, sampleRate = RATE): TimedWord[] {
  return speechOf(text, sampleRate).words.map((w: SampleWord) => ({ word: w.word, start: w.start / sampleRate, end: w.end / sampleRate }));
}

/** Microseconds, so sums of float seconds compare as the same time. */
const us = (seconds: number) => Math.round(seconds * 1e6);

/** Why `got` is not every expected word once, in order, at its time (to the microsecond); null when it is. */
function wordProblem(got: readonly TimedWord[], expected: readonly TimedWord[]): string | null {
  const wrong = got.findIndex((w, i) => w.word !== expected[i]?.word || us(w.start) !== us(expected[i].start) || us(w.end) !== us(expected[i].end));
  const mistimed = got.filter((w, i) => w.word === expected[i]?.word && (us(w.start) !== us(expected[i].start) || us(w.end) !== us(expected[i].end))).length;
  if (wrong >= 0) return `word ${wrong} is ${JSON.stringify(got[wrong])}, expected ${JSON.stringify(expected[wrong])} (${mistimed} of ${got.length} words mistimed, ${expected.length} expected)`;
  return got.length === expected.length ? null : `${got.length} of ${expected.length} words`;
}

describe('word times in either convention (issue 16, point 4)', () => {
  for (const wordTimes of ['release', 'context'] as const) {
    test(`stream.words against the audio, word times counted per ${wordTimes}`, async (t) => {
      // One release per fragment: only the convention differs between the two tests.
      const server = await segmentingServer(t, { seed: 31, wordTimes });
      const input = text(1200, 31);
      const stream = client(t, server, { settings: { voice: 'liam', wordTimestamps: true } }).synthesize(input);
      const result = await drain(stream);
      assert.ok(server.releases.length >= 4, `${server.releases.length} releases`);
      const startsAtZero = server.releases.map((r) => r.sentWords[0]?.start === 0);
      assert.deepEqual(startsAtZero.slice(1).every(Boolean), wordTimes === 'release', 'the server used the convention');
      assertAllAudio(result, server, input);
      assert.equal(wordProblem(stream.words, expectedWords(input)), null);
    });
  }

  test('stream.words when releases are cut at random and the convention is per context', async (t) => {
    const server = await segmentingServer(t, { seed: 32, wordTimes: 'context', cutAtSentence: 0.6, cutAtSpace: 0.05 });
    const input = text(1200, 32);
    const stream = client(t, server, { settings: { voice: 'liam', wordTimestamps: true } }).synthesize(input);
    const result = await drain(stream);
    assert.ok(server.releases.some((r) => r.sentWords.length > 0 && r.sentWords[0].start > 0.5), 'later releases carry context times');
    assert.equal(wordProblem(stream.words, expectedWords(input)), null);
    assertAllAudio(result, server, input);
  });
});

// ---------------------------------------------------------------------------------------------
// The property test: the real CLI, many seeds.

interface ParsedCue {
  start: number;
  end: number;
  text: string;
}

function parseSrt(srt: string): ParsedCue[] {
  const time = '(\\d\\d):(\\d\\d):(\\d\\d),(\\d{3})';
  const pattern = new RegExp(`${time} --> ${time}\\n([^\\n]+)`, 'g');
  const ms = (h: string, m: string, s: string, f: string) => ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(f);
  return [...srt.matchAll(pattern)].map((m) => ({ start: ms(m[1], m[2], m[3], m[4]), end: ms(m[5], m[6], m[7], m[8]), text: m[9] }));
}

/** Why the cues are not every word once, in order, each cue from its first word's start to its last word's end (ms); null when they are. */
function cueProblem(cues: ParsedCue[], expected: TimedWord[]): string | null {
  let next = 0;
  for (const cue of cues) {
    const words = cue.text.split(' ');
    const want = expected.slice(next, next + words.length);
    if (words.join(' ') !== want.map((w) => w.word).join(' ')) return `cue "${cue.text}" where "${want.map((w) => w.word).join(' ')}" was due (after ${next} words)`;
    const start = Math.round(want[0].start * 1000);
    const end = Math.round(want[want.length - 1].end * 1000);
    if (cue.start !== start || cue.end !== end) return `cue "${cue.text}" (after ${next} words) at ${cue.start}–${cue.end} ms, expected ${start}–${end} ms`;
    next += words.length;
  }
  return next === expected.length ? null : `${next} of ${expected.length} words in the subtitles`;
}

interface Case {
  seed: number;
  input: string;
  sampleRate: number;
  options: SegmentingOptions;
}

/** A random text (prose or a piece of the chapter) and a random server behaviour, from a seed. */
function randomCase(seed: number): Case {
  const next = random(seed);
  const pick = <T>(values: T[]): T => values[Math.floor(next() * values.length)];
  let input: string;
  if (next() < 0.5) {
    input = text(150 + Math.floor(next() * 1500), seed);
  } else {
    const from = CHAPTER.indexOf(' ', Math.floor(next() * CHAPTER.length * 0.7)) + 1;
    input = CHAPTER.slice(from, from + 200 + Math.floor(next() * 2000)).trim();
  }
  const slow = next() < 0.25;
  const options: SegmentingOptions = {
    seed,
    cutAtSentence: pick([0, 0.3, 0.7, 1]),
    cutAtSpace: pick([0, 0, 0.03, 0.15]),
    joinFragments: pick<SegmentingOptions['joinFragments']>([1, 1, [1, 3], [2, 4]]),
    holdPartial: next() < 0.4,
    delayMs: slow ? [0, 80] : [0, 3],
    chunkBytes: pick<[number, number]>([[1, 200], [300, 3000], [2000, 9000]]),
    chunkGapMs: slow ? [0, 3] : undefined,
    closeAfterComplete: next() < 0.25 ? 0.3 : 0,
    wordTimes: next() < 0.5 ? 'release' : 'context',
  };
  return { seed, input, sampleRate: pick([24000, 24000, 16000, 8000]), options };
}

/** Runs `say -f … -o out.wav --subtitles out.srt --voice liam` against the server; what is wrong, or null. */
async function checkCase(t: TestContextLike, c: Case): Promise<string | null> {
  const server = await segmentingServer(t, c.options);
  const dir = tempDir(t);
  writeFileSync(join(dir, 'in.txt'), c.input);
  const args = ['say', '-f', join(dir, 'in.txt'), '-o', join(dir, 'out.wav'), '--subtitles', join(dir, 'out.srt'), '--voice', 'liam', '--sample-rate', String(c.sampleRate), '--base-url', server.url];
  let run;
  try {
    run = await runCli(args, { env: { SMALLEST_API_KEY: API_KEY }, timeoutMs: 8000 });
  } catch {
    return `no exit within 8 s (${server.releases.length} releases sent)`;
  }
  const exitedAt = performance.now();
  const lastLine = run.stderr.trim().split('\n').at(-1) ?? '';
  if (run.code !== 0) return `exit ${run.code}: ${lastLine}`;
  const speech = speechOf(c.input, c.sampleRate);
  const wav = parseWav(readFileSync(join(dir, 'out.wav')));
  if (wav.sampleRate !== c.sampleRate || !wav.data.equals(speech.pcm)) return `WAV ${describeBytes(wav.data, speech.pcm)} at ${wav.sampleRate} Hz`;
  const problem = cueProblem(parseSrt(readFileSync(join(dir, 'out.srt'), 'utf8')), expectedWords(c.input, c.sampleRate));
  if (problem) return `subtitles: ${problem}`;
  const tail = exitedAt - server.lastAudioAt();
  if (tail > TAIL_MS) return `exit ${Math.round(tail)} ms after the last audio frame`;
  return null;
}

/** Runs the cases one after another; the failures, each with its seed and behaviour (stops after `maxFailures`). */
async function failingCases(t: TestContextLike, cases: Case[], maxFailures = 3): Promise<{ failures: string[]; tried: number }> {
  const failures: string[] = [];
  let tried = 0;
  for (const c of cases) {
    tried++;
    const problem = await checkCase(t, c);
    const { seed, ...behaviour } = c.options;
    if (problem) failures.push(`seed ${seed} (${wordsOf(c.input).length} words, ${c.sampleRate} Hz, ${JSON.stringify(behaviour)}): ${problem}`);
    if (failures.length >= maxFailures) break; // enough to show the fault; a hang costs seconds per seed
  }
  return { failures, tried };
}

describe('property: say -f against a hostile segmenting server (issue 16, point 3)', () => {
  test('for many texts and seeds: the WAV is every byte sent, once, in order; subtitles every word once, exact to the ms; exit within 1 s of the last audio', async (t) => {
    const cases = Array.from({ length: 24 }, (_, i) => randomCase(1000 + i));
    const { failures, tried } = await failingCases(t, cases);
    assert.equal(failures.length, 0, `${failures.length} of ${tried} seeds failed:\n${failures.join('\n')}`);
  });

  test('control: the same checks pass against a server that releases each fragment whole, as it came', async (t) => {
    const benign: Partial<SegmentingOptions> = { cutAtSentence: 0, cutAtSpace: 0, joinFragments: 1, holdPartial: false, closeAfterComplete: 0, wordTimes: 'release' };
    const cases = [2000, 2001, 2002].map((seed) => {
      const c = randomCase(seed);
      return { ...c, options: { ...c.options, ...benign } };
    });
    const { failures, tried } = await failingCases(t, cases);
    assert.equal(failures.length, 0, `${failures.length} of ${tried} seeds failed:\n${failures.join('\n')}`);
  });
});
