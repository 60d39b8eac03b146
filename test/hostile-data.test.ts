// Issue 19, row 16: bad input never reaches an output: audio that is not base64, server words with
// control characters or `-->`, a CSV header that names a column twice, text with nothing to speak.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeFrame } from '../src/protocol/messages.js';
import { startPeer, type PeerMessage } from './hostile-peer.js';
import { API_KEY, parseWav, runCli, serverArgs, startServer, tempDir } from './helpers.js';

/** The ids a frame for this request carries (as the peer's own chunk() does). */
const idsOf = (m: PeerMessage) => (typeof m.body.request_id === 'string' ? { external_request_id: m.body.request_id } : {});

describe('audio that is not base64 (regression: it became 6 junk bytes in the WAV, exit 0)', () => {
  test('decodeFrame makes it an error of the request, with its ids; good base64 (padded or not) is audio', () => {
    const bad = decodeFrame(JSON.stringify({ status: 'chunk', external_request_id: 'r1', data: { audio: 'this is not base64!!' } }));
    assert.equal(bad.type, 'error');
    assert.equal(bad.type === 'error' && bad.code, 'INVALID_AUDIO');
    assert.equal(bad.type === 'error' && bad.externalRequestId, 'r1');
    for (const audio of ['AAEC', 'AAECAw==', 'AAECAw', '']) {
      const good = decodeFrame(JSON.stringify({ status: 'chunk', data: { audio } }));
      assert.equal(good.type, 'chunk', audio);
    }
    assert.equal(decodeFrame(JSON.stringify({ status: 'chunk', data: { audio: 'AAECA' } })).type, 'error'); // 5 characters: never base64
  });

  test('say: the request fails (exit 1, naming it), nothing junk written, the old file untouched', async (t) => {
    const peer = await startPeer(t, (m) => {
      m.chunk(4800);
      m.ws.send(JSON.stringify({ ...idsOf(m), status: 'chunk', data: { audio: '<<junk audio, not base64>>' } }));
      m.complete();
    });
    const dir = tempDir(t);
    const out = join(dir, 'out.wav');
    writeFileSync(out, 'old');
    const r = await runCli(['say', 'Hello there.', '-o', out, '--base-url', peer.url, '--api-key', API_KEY]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /not valid base64/);
    assert.equal(readFileSync(out, 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir), ['out.wav']);
  });
});

describe('server words in subtitles (regression: cues kept raw ESC bytes and -->)', () => {
  for (const format of ['srt', 'vtt'] as const) {
    test(`${format}: control characters and escape sequences are gone, --> is escaped (→ in SRT, --&gt; in VTT), each cue's text on one line`, async (t) => {
      const words = ['Hello\u001b[2J\u001b]0;owned\u0007', 'x-->y', 'two\r\nlines', 'bell\u0007.'];
      const peer = await startPeer(t, (m) => {
        words.forEach((word, i) => m.ws.send(JSON.stringify({ ...idsOf(m), status: 'word_timestamp', data: { word, start: i * 0.2, end: i * 0.2 + 0.15 } })));
        m.chunk(48_000);
        m.complete();
      });
      const dir = tempDir(t);
      const subtitles = join(dir, `a.${format}`);
      const r = await runCli(['say', 'Hello x two bell.', '-o', join(dir, 'a.wav'), '--subtitles', subtitles, '--base-url', peer.url, '--api-key', API_KEY]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(parseWav(readFileSync(join(dir, 'a.wav'))).dataSize, 48_000);
      const text = readFileSync(subtitles, 'utf8');
      assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text.replace(/\r?\n/g, '')), JSON.stringify(text));
      assert.ok(!text.includes('[2J') && !text.includes(']0;'), JSON.stringify(text));
      const timing = /^\d{2}:\d{2}:\d{2}[,.]\d{3} --> \d{2}:\d{2}:\d{2}[,.]\d{3}$/;
      const lines = text.split('\n');
      for (const line of lines) if (line.includes('-->')) assert.match(line, timing);
      assert.equal(lines.filter((l) => timing.test(l)).length, 1, `one cue: ${JSON.stringify(text)}`);
      const cue = lines[lines.findIndex((l) => timing.test(l)) + 1];
      assert.equal(cue, format === 'srt' ? 'Hello x→y two lines bell.' : 'Hello x--&gt;y two lines bell.');
    });
  }
});

describe('inputs that cannot be meant (regression: a CSV header text,text took the last column; say "..." gave 0 s of audio)', () => {
  test('a CSV header naming a column twice is refused before anything is sent', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    writeFileSync(join(dir, 'm.csv'), 'text,id,text\nFirst,a,Second\n');
    const r = await runCli(['batch', join(dir, 'm.csv'), '--out-dir', join(dir, 'out'), ...serverArgs(server)]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /line 1: the header names "text" more than once/);
    assert.equal(server.upgrades.length, 0);
    assert.ok(!existsSync(join(dir, 'out', 'a.wav')));
  });

  test('say with nothing speakable (only punctuation), as arguments or on stdin: exit 2 "nothing to speak", no request', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    for (const run of [
      () => runCli(['say', '...', '-o', join(dir, 'a.wav'), ...serverArgs(server)]),
      () => runCli(['say', '?!', '—', '…', '-o', join(dir, 'a.wav'), ...serverArgs(server)]),
      () => runCli(['say', '-o', join(dir, 'a.wav'), ...serverArgs(server)], { stdin: '...\n\n?!\n' }),
    ]) {
      const r = await run();
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /nothing to speak/);
    }
    assert.equal(server.upgrades.length, 0);
    assert.deepEqual(readdirSync(dir), []);
    const spoken = await runCli(['say', '...', '42', '-o', join(dir, 'b.wav'), ...serverArgs(server)]);
    assert.equal(spoken.code, 0, spoken.stderr); // a digit is something to say
  });
});
