// say --subtitles: word timings offset across segments, exact to the millisecond against the audio written.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ToneEngine } from '../src/server/engines/tone-engine.js';
import type { WavesServer } from '../src/server/waves-server.js';
import { parseWav, runCli, serverArgs, startServer, tempDir } from './helpers.js';

const TEXT = [
  'Mr. Holmes took his seat by the fire at a quarter past nine, and Dr. Watson poured the tea.',
  'The letter on the table had come by the first post; it bore a London postmark and no name.',
  '"You will observe," said Holmes, "that the writer pressed hard on the nib." Watson leaned closer.',
  'It cost $4.50 to send, which was a great deal in 1889. Neither of them spoke for a while.',
  'At last the clock struck ten, and Mrs. Hudson knocked at the door with a second letter.',
].join(' ');

interface ExpectedWord { word: string; start: number; end: number }

/** Where every word is in the audio written: the tone engine's own timings in each segment, plus the audio of the segments before it. */
async function expectedWords(server: WavesServer, sampleRate: number): Promise<ExpectedWord[]> {
  const words: ExpectedWord[] = [];
  let offset = 0;
  for (const segment of server.requests.filter((r) => r.outcome === 'complete')) {
    let inSegment = 0;
    for await (const piece of new ToneEngine().synthesize({ text: segment.text, voice: 'liam', language: 'en', sampleRate })) {
      for (const w of piece.words ?? []) words.push({ word: w.word, start: offset + inSegment + w.start, end: offset + inSegment + w.end });
      inSegment += piece.samples.length / sampleRate;
    }
    assert.equal(Math.round(inSegment * sampleRate * 2), segment.pcm!.length, 'the engine is repeatable');
    offset += segment.pcm!.length / 2 / sampleRate;
  }
  return words;
}

interface ParsedCue { start: number; end: number; text: string }

function parseCues(text: string, separator: ',' | '.'): ParsedCue[] {
  const time = `(\\d\\d):(\\d\\d):(\\d\\d)\\${separator}(\\d{3})`;
  const pattern = new RegExp(`${time} --> ${time}\\n([^\\n]+(?:\\n[^\\n]+)*)`, 'g');
  const ms = (h: string, m: string, s: string, f: string) => ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(f);
  return [...text.matchAll(pattern)].map((m) => ({ start: ms(m[1], m[2], m[3], m[4]), end: ms(m[5], m[6], m[7], m[8]), text: m[9] }));
}

/** Every cue starts at its first word's start and ends at its last word's end (ms, rounded), and the words are the text, once, in order. */
function assertCuesMatch(cues: ParsedCue[], expected: ExpectedWord[]): void {
  let next = 0;
  for (const cue of cues) {
    const words = cue.text.split(/\s+/);
    const first = expected[next];
    const last = expected[next + words.length - 1];
    assert.deepEqual(words, expected.slice(next, next + words.length).map((w) => w.word));
    assert.equal(cue.start, Math.round(first.start * 1000), `start of "${cue.text}"`);
    assert.equal(cue.end, Math.round(last.end * 1000), `end of "${cue.text}"`);
    next += words.length;
  }
  assert.equal(next, expected.length, 'every word is in a cue');
}

describe('say --subtitles', () => {
  test('.srt over several segments: cues exact to the millisecond against the WAV', async (t) => {
    const server = await startServer(t, { chunkBytes: 999 });
    const dir = tempDir(t);
    const r = await runCli(['say', TEXT, '--voice', 'liam', '--subtitles', join(dir, 'out.srt'), '-o', join(dir, 'out.wav'), '--json', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    const segments = server.requests.filter((q) => q.outcome === 'complete');
    assert.ok(segments.length >= 3, `${segments.length} segments`);
    assert.ok(segments.every((q) => q.body.word_timestamps === true));
    const expected = await expectedWords(server, 24000);
    assert.deepEqual(expected.map((w) => w.word), TEXT.split(' '));
    const srt = readFileSync(join(dir, 'out.srt'), 'utf8');
    assert.match(srt, /^1\n00:00:00,000 --> /);
    const cues = parseCues(srt, ',');
    assert.ok(cues.every((c) => c.text.length <= 42 + 20 && c.end - c.start <= 7000), 'short cues');
    assertCuesMatch(cues, expected);
    const audioSeconds = parseWav(readFileSync(join(dir, 'out.wav'))).data.length / 48000;
    assert.ok(cues.at(-1)!.end / 1000 <= audioSeconds);
    const report = JSON.parse(r.stdout.toString()) as { words: ExpectedWord[] };
    assert.deepEqual(report.words.map((w) => w.word), TEXT.split(' '));
    assert.equal(report.words[12].start, Number(expected[12].start.toFixed(3)));
  });

  test('.vtt from streamed stdin (one continuation)', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const r = await runCli(['say', '--voice', 'liam', '--subtitles', join(dir, 'out.vtt'), '-o', join(dir, 'out.wav'), ...serverArgs(server)], { stdin: TEXT });
    assert.equal(r.code, 0, r.stderr);
    const vtt = readFileSync(join(dir, 'out.vtt'), 'utf8');
    assert.match(vtt, /^WEBVTT\n\n/);
    assertCuesMatch(parseCues(vtt, '.'), await expectedWords(server, 24000));
  });

  test('a voice without word timings: exit 1 naming voices that have them; the WAV is kept, no subtitle file', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const r = await runCli(['say', 'No timings here.', '--voice', 'sophia', '--subtitles', join(dir, 'out.srt'), '-o', join(dir, 'out.wav'), ...serverArgs(server)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /sophia gave no word timings/);
    assert.match(r.stderr, /liam/);
    assert.ok(parseWav(readFileSync(join(dir, 'out.wav'))).data.length > 0);
    assert.deepEqual(readdirSync(dir), ['out.wav']);
  });

  test('a subtitle file name that is not .srt or .vtt, or is the audio file: exit 2, nothing sent', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const bad = await runCli(['say', 'Hi.', '--subtitles', join(dir, 'out.txt'), '-o', join(dir, 'out.wav'), ...serverArgs(server)]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /\.srt.*\.vtt|srt.*vtt/);
    const same = await runCli(['say', 'Hi.', '--subtitles', join(dir, 'x.srt'), '-o', join(dir, 'x.srt'), '--format', 'wav', ...serverArgs(server)]);
    assert.equal(same.code, 2);
    assert.equal(server.upgrades.length, 0);
    assert.equal(existsSync(join(dir, 'out.wav')), false);
  });
});
