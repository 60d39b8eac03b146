// Regression (hostile pass, issue 16): against a service slow to start each release, a continuation
// ended at the first `complete` plus a gap measured from the closing frame, and lost most of its audio
// with exit 0. The service's delay is now measured from the first text sent, and from each `complete`.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ToneEngine } from '../src/server/engines/tone-engine.js';
import type { WavesServerOptions } from '../src/server/waves-server.js';
import { parseWav, runCli, sentPcm, serverArgs, startServer, tempDir } from './helpers.js';

// Eight long sentences: four fragments, more than the send window holds before the first audio.
const EIGHT = Array.from({ length: 8 }, (_, i) => `The quick brown fox number ${i + 1} jumps over the lazy dog, Dr. Watson said, and then it ran all the way home again.`).join(' ');

describe('a service slow to start each release (regression: the tail was lost, exit 0)', { concurrency: true }, () => {
  const cases: [string, WavesServerOptions][] = [
    ['600 ms before every first chunk', { firstChunkDelayMs: 600 }],
    ['800 ms between releases', { segmentDelayMs: 800 }],
  ];
  for (const [name, faults] of cases) {
    test(`${name}: say -f writes every byte the server sent`, async (t) => {
      const server = await startServer(t, { engine: new ToneEngine({ letterSeconds: 0.002, gapSeconds: 0.01 }), ...faults });
      const dir = tempDir(t);
      writeFileSync(join(dir, 'in.txt'), EIGHT);
      const out = join(dir, 'out.wav');
      const r = await runCli(['say', '-f', join(dir, 'in.txt'), '-o', out, ...serverArgs(server)], { timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stderr);
      const sent = sentPcm(server);
      const wav = parseWav(readFileSync(out));
      assert.ok(server.requests.filter((q) => q.outcome === 'complete').length >= 8, 'one release a sentence');
      assert.equal(wav.data.length, sent.length, `${wav.data.length} of ${sent.length} bytes written`);
      assert.ok(wav.data.equals(sent));
    });
  }

  test('with subtitles: every word, the audio whole', async (t) => {
    const server = await startServer(t, { engine: new ToneEngine({ letterSeconds: 0.002, gapSeconds: 0.01 }), segmentDelayMs: 800 });
    const dir = tempDir(t);
    writeFileSync(join(dir, 'in.txt'), EIGHT);
    const r = await runCli(['say', '-f', join(dir, 'in.txt'), '-o', join(dir, 'out.wav'), '--subtitles', join(dir, 'out.srt'), '--voice', 'liam', ...serverArgs(server)], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const srt = readFileSync(join(dir, 'out.srt'), 'utf8');
    const words = srt.split('\n').filter((l) => l !== '' && !/^\d+$/.test(l) && !/-->/.test(l)).join(' ').split(/\s+/);
    assert.equal(words.length, EIGHT.split(/\s+/).length, 'every word in the subtitles');
    assert.ok(parseWav(readFileSync(join(dir, 'out.wav'))).data.equals(sentPcm(server)));
  });
});
