// The hostile segmenting server checked on its own, with a raw socket: what it releases, when, and that
// its audio is the same bytes however it cuts the text.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { API_KEY, type TestContextLike } from './helpers.js';
import { rawSocket, type Json, type RawSocket } from './raw-ws.js';
import { LIVE_PATH, speechOf, startSegmentingServer, wordsOf, type SegmentingOptions, type SegmentingServer } from './segmenting-server.js';

async function server(t: TestContextLike, options: SegmentingOptions): Promise<SegmentingServer> {
  const s = await startSegmentingServer({ apiKey: API_KEY, ...options });
  t.after(() => s.close());
  return s;
}

/** Frames received until none has come for `idleMs`. */
async function untilIdle(socket: RawSocket, idleMs = 150): Promise<Json[]> {
  let seen = -1;
  while (seen !== socket.all.length) {
    seen = socket.all.length;
    await new Promise((resolve) => setTimeout(resolve, idleMs));
  }
  return socket.all.splice(0);
}

/** The frames of each release (a server request_id), in order, and whether each ended with its own `complete`. */
function releasesOf(frames: Json[]): { requestId: string; pcm: Buffer; words: Json[]; completed: boolean }[] {
  const out: { requestId: string; pcm: Buffer; words: Json[]; completed: boolean }[] = [];
  for (const f of frames) {
    let current = out.at(-1);
    if (!current || current.completed || current.requestId !== f.request_id) {
      assert.ok(!current || current.completed, `release ${current?.requestId} interleaved with ${f.request_id}`);
      current = { requestId: f.request_id, pcm: Buffer.alloc(0), words: [], completed: false };
      out.push(current);
    }
    if (f.status === 'chunk') current.pcm = Buffer.concat([current.pcm, Buffer.from(f.data.audio, 'base64')]);
    else if (f.status === 'word_timestamp') current.words.push(f.data);
    else if (f.status === 'complete') current.completed = true;
    else assert.fail(`unexpected frame ${JSON.stringify(f)}`);
  }
  return out;
}

const RATE = 24000;
const body = (text: string, more: boolean, extra: Json = {}) => ({ text, voice_id: 'liam', model: 'lightning_v3.1', sample_rate: RATE, context_id: 'c1', continue: more, request_id: 'mine-1', ...extra });
const A = 'Dr. Smith arrived at 9 a.m. on Monday. She said the results were ready, e.g. the scans. ';
const B = 'The bill came to 3.14 dollars! Was anyone surprised? Not really. ';

describe('segmenting test server', () => {
  test('the audio depends on the words only: whitespace and where the text is cut change no byte', () => {
    const one = speechOf(A + B, RATE);
    const two = Buffer.concat([speechOf(A, RATE).pcm, speechOf(`  ${B.replace(/ /g, '\n ')}`, RATE).pcm]);
    assert.deepEqual(two, one.pcm);
    assert.ok(one.pcm.length > 0);
    assert.equal(one.words.length, wordsOf(A + B).length);
    assert.notDeepEqual(speechOf('Monday.', RATE).pcm, speechOf('Monday!', RATE).pcm);
    for (const [i, w] of one.words.entries()) {
      assert.ok(w.end > w.start && (i === 0 || w.start > one.words[i - 1].end), `word ${i} has audio of its own after a gap`);
      assert.equal(w.start % 24, 0, 'at 24 kHz every time is a whole millisecond');
    }
  });

  test('refuses a wrong key and a wrong route', async (t) => {
    const s = await server(t, {});
    const bad = await rawSocket(s.url + LIVE_PATH, 'sk-wrong').catch((e: Error) => e);
    assert.match(String(bad), /401/);
    const lost = await rawSocket(`${s.url}/waves/v1/lightning-v3.1/get_speech/stream`).catch((e: Error) => e);
    assert.match(String(lost), /404/);
  });

  test('splits each fragment at sentence ends: a complete per release, a new request_id each, external_request_id echoed, bytes exact', async (t) => {
    const s = await server(t, { cutAtSentence: 1, seed: 3 });
    const socket = await rawSocket(s.url + LIVE_PATH);
    socket.send(body(A, true));
    socket.send(body(B, true));
    socket.send(body('', false));
    const releases = releasesOf(await untilIdle(socket));
    assert.equal(releases.length, 8, 'a release per sentence end, after "Dr.", "a.m." and "e.g." too (not inside 3.14)');
    assert.ok(releases.every((r) => r.completed));
    assert.equal(new Set(releases.map((r) => r.requestId)).size, releases.length);
    assert.ok(socket.all.length === 0);
    assert.deepEqual(Buffer.concat(releases.map((r) => r.pcm)), speechOf(A + B, RATE).pcm);
    assert.deepEqual(s.contexts[0].pcm, speechOf(A + B, RATE).pcm, 'the record is what went out');
    assert.equal(s.releases.length, 8);
    assert.deepEqual(s.releases.flatMap((r) => r.words), wordsOf(A + B));
  });

  test('echoes external_request_id, and sends no reply to an empty close with nothing left', async (t) => {
    const s = await server(t, {});
    const socket = await rawSocket(s.url + LIVE_PATH);
    socket.send(body(A, true));
    const frames = await untilIdle(socket);
    assert.ok(frames.length > 1);
    assert.ok(frames.every((f) => f.external_request_id === 'mine-1' && /^task_/.test(f.request_id) && f.session_id === 'ws_1'));
    assert.equal(frames.at(-1)!.status, 'complete');
    socket.send(body('', false));
    assert.deepEqual(await untilIdle(socket, 300), []);
    assert.equal(socket.ws.readyState, socket.ws.OPEN);
  });

  test('joins fragments: nothing until the third text frame, then one release', async (t) => {
    const s = await server(t, { joinFragments: 3 });
    const socket = await rawSocket(s.url + LIVE_PATH);
    socket.send(body('One. ', true));
    socket.send(body('Two. ', true));
    assert.deepEqual(await untilIdle(socket), []);
    socket.send(body('Three. ', true));
    const releases = releasesOf(await untilIdle(socket));
    assert.equal(releases.length, 1);
    assert.deepEqual(releases[0].pcm, speechOf('One. Two. Three.', RATE).pcm);
    socket.send(body('Four. ', false));
    const last = releasesOf(await untilIdle(socket));
    assert.equal(last.length, 1, 'the close releases what is held');
    assert.deepEqual(last[0].pcm, speechOf('Four.', RATE).pcm);
  });

  test('holds text after the last sentence end until more text comes, and the rest until the close', async (t) => {
    const s = await server(t, { holdPartial: true });
    const socket = await rawSocket(s.url + LIVE_PATH);
    socket.send(body('It was late, and the ', true));
    assert.deepEqual(await untilIdle(socket), []);
    socket.send(body('rain fell. Nobody ', true));
    const first = releasesOf(await untilIdle(socket));
    assert.deepEqual(first.map((r) => r.pcm), [speechOf('It was late, and the rain fell.', RATE).pcm]);
    socket.send(body('came', true));
    assert.deepEqual(await untilIdle(socket), [], 'a word without a following space is not whole yet');
    socket.send(body('', false));
    const rest = releasesOf(await untilIdle(socket));
    assert.deepEqual(rest.map((r) => r.pcm), [speechOf('Nobody came', RATE).pcm]);
  });

  test('word times per release restart at 0; per context they count from the context\'s first audio; ids likewise', async (t) => {
    for (const wordTimes of ['release', 'context'] as const) {
      const s = await server(t, { cutAtSentence: 1, wordTimes });
      const socket = await rawSocket(s.url + LIVE_PATH);
      socket.send(body(A + B, false, { word_timestamps: true }));
      const releases = releasesOf(await untilIdle(socket));
      const expected = speechOf(A + B, RATE).words;
      let offset = 0;
      let index = 0;
      for (const r of releases) {
        for (const [i, w] of r.words.entries()) {
          const e = expected[index + i];
          const origin = wordTimes === 'context' ? 0 : offset;
          assert.equal(w.word, e.word);
          assert.equal(w.id, wordTimes === 'context' ? index + i : i);
          assert.equal(w.start, (e.start - origin) / RATE, `${wordTimes}: start of ${w.word}`);
          assert.equal(w.end, (e.end - origin) / RATE);
        }
        index += r.words.length;
        offset += r.pcm.length / 2;
      }
      assert.equal(index, expected.length, `${wordTimes}: every word has its timing`);
      assert.equal(releases[1].words[0].start > 0, wordTimes === 'context');
      socket.ws.close();
    }
  });

  test('word timings come in audio order: each before the frame that holds its first sample', async (t) => {
    const s = await server(t, { chunkBytes: [100, 400] });
    const socket = await rawSocket(s.url + LIVE_PATH);
    socket.send(body(A, false, { word_timestamps: true }));
    const frames = await untilIdle(socket);
    let bytes = 0;
    for (const f of frames) {
      if (f.status === 'chunk') bytes += Buffer.from(f.data.audio, 'base64').length;
      if (f.status === 'word_timestamp') {
        const at = Math.round(f.data.start * RATE) * 2;
        assert.ok(at >= bytes && at < bytes + 400, `${f.data.word} at byte ${at}, ${bytes} sent before it`);
      }
    }
  });

  test('a one-shot request: one release and a complete', async (t) => {
    const s = await server(t, { cutAtSentence: 1, joinFragments: 3, holdPartial: true });
    const socket = await rawSocket(s.url + LIVE_PATH);
    socket.send({ text: 'Hello there. Unfinished', voice_id: 'liam', sample_rate: 16000 });
    const releases = releasesOf(await untilIdle(socket));
    assert.equal(releases.length, 1);
    assert.deepEqual(releases[0].pcm, speechOf('Hello there. Unfinished', 16000).pcm);
    assert.equal(socket.all.length, 0);
  });

  test('closes the socket (1000) right after a complete; a resend in a new context gives the same bytes', async (t) => {
    const s = await server(t, { cutAtSentence: 1, closeAfterComplete: 1 });
    const socket = await rawSocket(s.url + LIVE_PATH);
    const closed = once(socket.ws, 'close');
    socket.send(body(A, true));
    const [code] = (await closed) as [number];
    assert.equal(code, 1000);
    const first = releasesOf(socket.all);
    assert.equal(first.length, 1);
    assert.ok(first[0].completed);
    assert.equal(s.contexts[0].cut, true, 'the rest of the context was never spoken');
    const again = await rawSocket(s.url + LIVE_PATH);
    again.send(body(A, false, { context_id: 'c2' }));
    await once(again.ws, 'close');
    assert.deepEqual(releasesOf(again.all)[0].pcm, first[0].pcm);
    assert.equal(s.connections(), 2);
    assert.equal(s.closesAfterComplete(), 2);
  });

  test('cut at random sentence ends and spaces, joined, held and delayed: the context\'s audio is the same bytes, with one seed or another', async (t) => {
    const text = (A + B).repeat(3);
    const pieces = text.match(/[^.!?]+[.!?]+\s*/g)!;
    for (const seed of [1, 2, 3]) {
      const s = await server(t, { seed, cutAtSentence: 0.5, cutAtSpace: 0.1, joinFragments: [1, 3], holdPartial: seed === 2, delayMs: [0, 5], chunkBytes: [1, 999] });
      const socket = await rawSocket(s.url + LIVE_PATH);
      for (const piece of pieces) socket.send(body(piece, true));
      socket.send(body('', false));
      const releases = releasesOf(await untilIdle(socket, 200));
      assert.ok(releases.every((r) => r.completed));
      assert.deepEqual(Buffer.concat(releases.map((r) => r.pcm)), speechOf(text, RATE).pcm, `seed ${seed}`);
      assert.notEqual(releases.length, pieces.length, `seed ${seed}: the releases are not the fragments`);
    }
  });
});
