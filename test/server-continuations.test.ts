// Continuations (context_id) and the older flush buffer on the local server, and the segmenter's rules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_FRAGMENT_CHARS } from '../src/text/fragment-size.js';
import { releasable, releaseAll, splitText } from '../src/text/releases.js';
import { sentenceEnds } from '../src/text/sentences.js';
import { startServer, waitFor } from './helpers.js';
import { LIVE, PROSE, assertStampsMatchAudio, pcmOf, perModel, rawSocket, readRun, request, type RawSocket, type RunFrames } from './raw-ws.js';

const wordsOf = (text: string) => text.split(/\s+/).filter(Boolean);

/** PROSE as the server releases it: one sentence at a time, "Was anyone surprised?" (under 30 characters) joined to the next. */
const PROSE_RELEASES = [
  'Dr. Smith arrived at 9 a.m. on Monday.',
  'She said the results were ready, e.g. the blood tests and the scans.',
  'The bill came to $100, which Mr. Jones paid at once!',
  'Was anyone surprised? Not really, since prices rose 3.5 percent last year.',
  'Afterwards the Smiths drove home along the coast road, past St. Ives and the old lighthouse, and talked about the summer holidays.',
];

/** Each run is chunks then one complete, all with the run's own request_id, one session, the client's id echoed, no context_id. */
function assertSeparateRuns(runs: RunFrames[], clientRequestId?: string): void {
  for (const run of runs) {
    const statuses = run.frames.map((f) => f.status);
    assert.equal(statuses.pop(), 'complete');
    assert.ok(statuses.every((s) => s === 'chunk' || s === 'word_timestamp'), statuses.join());
    assert.ok(run.chunks.length > 0);
    for (const f of run.frames) {
      assert.equal(f.request_id, run.end.request_id);
      assert.equal(f.external_request_id, clientRequestId);
      assert.ok(!('context_id' in f));
    }
  }
  assert.equal(new Set(runs.map((r) => r.end.request_id)).size, runs.length, 'a new request_id per release');
  assert.equal(new Set(runs.flatMap((r) => r.frames.map((f) => f.session_id))).size, 1);
}

/** Sends an invalid frame and reads up to its error: every frame sent before it has been handled, and nothing else was answered. */
async function barrier(socket: RawSocket): Promise<void> {
  socket.send({ text: 42 });
  const frame = await socket.next();
  assert.equal(frame.status, 'error', `expected nothing before the barrier, got ${JSON.stringify(frame).slice(0, 200)}`);
  assert.match(frame.error.message, /text must be a string/);
}

describe('the segmenter', () => {
  test('sentence ends are . ? ! … before a space or at the end, not decimals, abbreviations or initials', () => {
    const text = 'Dr. Smith paid $3.50 at 9 a.m. today. Really? Yes! J. R. R. Tolkien wrote it… "Fine."';
    const ends = sentenceEnds(text).map((e) => text.slice(0, e).split(' ').pop());
    assert.deepEqual(ends, ['today.', 'Really?', 'Yes!', 'it…', '"Fine."']);
    assert.deepEqual(sentenceEnds('The price rose to 3.'), [], 'a trailing "3." may still become 3.14');
    assert.deepEqual(sentenceEnds('We met Mr.'), []);
  });

  test('releasable: one sentence per release, a sentence under 30 characters joined to the next; releaseAll adds the unfinished rest', () => {
    assert.deepEqual(releasable(PROSE), { segments: PROSE_RELEASES, rest: '' });
    assert.deepEqual(releasable(`${PROSE} And then`), { segments: PROSE_RELEASES, rest: ' And then' });
    assert.deepEqual(releaseAll(`Yes. ${PROSE} And then`), [`Yes. ${PROSE_RELEASES[0]}`, ...PROSE_RELEASES.slice(1), 'And then']);
    assert.deepEqual(releaseAll('Yes. No. Maybe so, said the man who'), ['Yes. No. Maybe so, said the man who']);
    assert.deepEqual(releaseAll('  '), []);
    const longSentence = `${'and then the river wound on past the mill, '.repeat(8)}until it reached the sea. Short one here, really short.`;
    const released = releaseAll(longSentence);
    assert.ok(released.length === 3 && released[0].length <= MAX_FRAGMENT_CHARS && released[1].endsWith('the sea.'), JSON.stringify(released));
    assert.equal(released[2], 'Short one here, really short.');
  });

  test('releasable: a sentence end once 30 characters are buffered, else nothing; 250-character pieces', () => {
    assert.deepEqual(releasable('Hi there. How'), { segments: [], rest: 'Hi there. How' });
    assert.deepEqual(releasable('Dr. Smith arrived at 9 a.m. on Monday. She said'), { segments: ['Dr. Smith arrived at 9 a.m. on Monday.'], rest: ' She said' });
    assert.deepEqual(releasable('This morning I spoke at length with Dr.').segments, []);
    const long = `${'and then the river wound on past the mill, '.repeat(14)}until`;
    const { segments, rest } = releasable(long);
    assert.ok(segments.length >= 2 && segments.every((s) => s.length <= MAX_FRAGMENT_CHARS && s.length > 150), segments.map((s) => s.length).join());
    assert.deepEqual(wordsOf(segments.join(' ') + rest), wordsOf(long));
    assert.deepEqual(splitText(PROSE).join(' '), PROSE.trim());
    assert.ok(splitText(PROSE).every((p) => p.length <= 250 && /[.!?]$/.test(p)));
  });
});

describe('continuations on the live route', () => {
  test('max_buffer_delay_ms 0: each fragment is released at once, one sentence per release, each its own request_id and complete; an empty close gets no answer', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    // As a client packs text: a fragment of several sentences, a short one, one that ends mid-sentence.
    const fragments = [`${PROSE} `, 'Hi. ', 'Then he left for the coast, where the weather was '];
    const base = { voice_id: 'liam', word_timestamps: true, context_id: 'ctx-0', complete_backoff_ms: 0, max_buffer_delay_ms: 0, request_id: 'chapter-1' };
    for (const text of fragments) socket.send({ ...base, text, continue: true });
    const released = [...PROSE_RELEASES, 'Hi.', 'Then he left for the coast, where the weather was'];
    const runs = [];
    for (let i = 0; i < released.length; i++) runs.push(await readRun(socket));
    socket.send({ ...base, text: '', continue: false });
    await barrier(socket);
    assert.deepEqual(server.requests.filter((r) => r.outcome === 'complete').map((r) => r.text), released);
    assertSeparateRuns(runs, 'chapter-1');
    // The releases' audio, end to end, is the audio of the whole text spoken at once (the tone engine speaks word by word).
    const whole = await request(socket, { voice_id: 'liam', text: fragments.join(''), complete_backoff_ms: 0 });
    assert.ok(pcmOf(runs.flatMap((r) => r.chunks)).equals(pcmOf(whole.chunks)));
    // Word times restart at 0 in each release, and match that release's audio.
    assert.deepEqual(runs.map((r) => r.stamps.map((s) => s.data.word).join(' ')), released);
    for (const run of runs) {
      assert.deepEqual([run.stamps[0].data.id, run.stamps[0].data.start], [0, 0]);
      assertStampsMatchAudio(pcmOf(run.chunks), run.stamps, 44100);
    }
  });

  test('release mode fragment (a server that does not split): one release per fragment, however many sentences it holds', async (t) => {
    const server = await startServer(t, { releaseMode: 'fragment' });
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const fragments = [`${PROSE} `, 'Hi. ', 'Then he left for the coast, where the weather was '];
    const base = { voice_id: 'sophia', context_id: 'one-by-one', complete_backoff_ms: 0, max_buffer_delay_ms: 5000 };
    for (const text of fragments) socket.send({ ...base, text, continue: true });
    const runs = [];
    for (let i = 0; i < fragments.length; i++) runs.push(await readRun(socket));
    socket.send({ ...base, text: 'fine.', continue: false });
    runs.push(await readRun(socket));
    socket.send({ ...base, text: '', continue: false });
    await barrier(socket);
    assert.deepEqual(server.requests.filter((r) => r.outcome === 'complete').map((r) => r.text), [...fragments.map((f) => f.trim()), 'fine.']);
    assertSeparateRuns(runs);
  });

  test('token-by-token fragments: one chunk…complete run per released segment, no context_id echoed, socket open', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const tokens = PROSE.match(/\S+\s*/g)!;
    const base = { voice_id: 'liam', context_id: 'turn_7', word_timestamps: true, complete_backoff_ms: 0, max_buffer_delay_ms: 5000, request_id: 'llm-1' };
    for (const token of tokens) socket.send({ ...base, text: token, continue: true });
    socket.send({ ...base, text: '', continue: false });
    const runs = [];
    let words = 0;
    while (words < tokens.length) {
      const run = await readRun(socket);
      assert.equal(run.end.status, 'complete');
      words += run.stamps.length;
      runs.push(run);
    }
    // Released at each sentence end once 30 characters wait; "Was anyone surprised?" is shorter, so it waits for the next.
    assert.deepEqual(server.requests.map((r) => r.text), PROSE_RELEASES);
    assert.deepEqual(runs.flatMap((r) => r.stamps.map((s) => s.data.word)), wordsOf(PROSE));
    // Each segment's timings start from its own audio (its first word at 0) and match that audio.
    assert.ok(runs.every((r) => r.stamps[0].data.start === 0 && r.stamps[0].data.id === 0));
    for (const run of runs) assertStampsMatchAudio(pcmOf(run.chunks), run.stamps, 44100);
    assert.equal(new Set(runs.map((r) => r.end.request_id)).size, runs.length);
    assert.ok(runs.every((r) => r.frames.every((f) => f.request_id === r.end.request_id && f.external_request_id === 'llm-1' && !('context_id' in f))));
    assert.equal(socket.ws.readyState, socket.ws.OPEN);
    await barrier(socket); // nothing marks the context finished
  });

  test('an abbreviation or a decimal at a fragment boundary is not a sentence end', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const base = { voice_id: 'sophia', context_id: 'c1', complete_backoff_ms: 0, max_buffer_delay_ms: 5000, continue: true };
    socket.send({ ...base, text: 'This morning I spoke at length with Dr.' });
    socket.send({ ...base, text: ' Watson about the share price, which reached 3.' });
    socket.send({ ...base, text: '14 dollars by noon. And then' });
    assert.equal((await readRun(socket)).end.status, 'complete');
    assert.deepEqual(server.requests.map((r) => r.text), ['This morning I spoke at length with Dr. Watson about the share price, which reached 3.14 dollars by noon.']);
    socket.send({ ...base, text: ' we left.', continue: false });
    await readRun(socket);
    assert.equal(server.requests[1].text, 'And then we left.');
  });

  test('max_buffer_delay_ms releases an unfinished sentence; a closing frame with nothing buffered gets no answer', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const base = { voice_id: 'sophia', context_id: 'slow-llm', complete_backoff_ms: 0 };
    socket.send({ ...base, text: 'Well, let me think about that for a', continue: true, max_buffer_delay_ms: 50 });
    const run = await readRun(socket);
    assert.equal(run.end.status, 'complete');
    assert.equal(server.requests[0].text, 'Well, let me think about that for a');
    socket.send({ ...base, continue: false });
    await barrier(socket);
    assert.equal(server.requests.filter((r) => r.outcome !== 'error').length, 1);
  });

  test('a long fragment without sentence ends is split at spaces into pieces of at most 250 characters', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const text = 'The committee, having considered the proposal from the North Yorkshire branch, the comments of Prof. Adams and the letters from residents along the canal, agreed ' +
      'that the footbridge should be rebuilt in oak, that the towpath should be resurfaced before the spring, that the lock keeper’s cottage should be let to a local family, ' +
      'and that a further report on the cost of dredging the basin should be prepared for the meeting in';
    socket.send({ voice_id: 'sophia', context_id: 'minutes', complete_backoff_ms: 0, max_buffer_delay_ms: 5000, continue: true, text });
    await readRun(socket);
    await waitFor(() => server.requests.length === Math.floor(text.length / 250) && server.requests.every((r) => r.outcome === 'complete'));
    await barrier(socket);
    const released = server.requests.filter((r) => r.outcome === 'complete').map((r) => r.text);
    assert.ok(released.every((s) => s.length <= 250 && s.length > 200), released.map((s) => s.length).join());
    socket.send({ voice_id: 'sophia', context_id: 'minutes', complete_backoff_ms: 0, continue: false, text: ' March.' });
    await readRun(socket);
    const all = server.requests.filter((r) => r.outcome === 'complete').map((r) => r.text);
    assert.deepEqual(wordsOf(all.join(' ')), wordsOf(`${text} March.`));
  });

  test('cancel_request drops the buffer and keeps the context; context_close ends it; context_id with flush is refused', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const base = { voice_id: 'emily', complete_backoff_ms: 0, max_buffer_delay_ms: 5000 };
    socket.send({ ...base, context_id: 'a', continue: true, text: 'I was going to tell you about the weather in' });
    socket.send({ context_id: 'a', cancel_request: true });
    socket.send({ ...base, context_id: 'a', continue: false, text: 'Sorry, go ahead.' });
    await readRun(socket);
    assert.deepEqual(server.requests.map((r) => r.text), ['Sorry, go ahead.']);
    socket.send({ ...base, context_id: 'b', continue: true, text: 'This half-finished thought will never be' });
    socket.send({ context_id: 'b', context_close: true });
    await barrier(socket);
    await waitFor(() => server.stats().activeRequests === 0, 2000, 'the context to give its slot back');
    socket.send({ ...base, context_id: 'c', flush: true, text: 'Mixed styles.' });
    const refused = await socket.next();
    assert.equal(refused.error.code, 'INVALID_REQUEST');
    assert.match(refused.error.message, /flush cannot be used with context_id/);
    assert.equal(server.requests.filter((r) => r.outcome === 'complete').length, 1);
  });
});

describe('the older flush buffer (no context_id)', () => {
  test('continue:true fragments wait for the flush, which answers with one complete; an empty flush gets none', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${perModel('lightning-v3.1', 'api')}`);
    t.after(() => socket.ws.terminate());
    const sentences = PROSE.match(/[^.!?]+[.!?]+\s*/g)!;
    for (const s of sentences) socket.send({ text: s, voice_id: 'ryan', continue: true, flush: false, complete_backoff_ms: 0 });
    await barrier(socket); // max_buffer_flush_ms 0: nothing is spoken before the flush, even full sentences
    socket.send({ text: '', continue: false, flush: true });
    const run = await readRun(socket);
    assert.equal(run.end.status, 'complete');
    const spoken = server.requests.filter((r) => r.outcome === 'complete');
    assert.equal(spoken.length, 1);
    assert.equal(spoken[0].text, PROSE.trim());
    socket.send({ text: '', continue: false, flush: true });
    socket.send({ flush: true });
    await barrier(socket);
    // cancel_request drops the buffer and gives its concurrency slot back; the flush after it speaks nothing.
    socket.send({ text: 'Never mind all that, Ms. Gupta.', voice_id: 'ryan', continue: true, flush: false });
    socket.send({ cancel_request: true });
    socket.send({ text: '', continue: false, flush: true });
    await barrier(socket);
    await waitFor(() => server.stats().activeRequests === 0, 2000, 'the buffer to give its slot back');
    assert.equal(server.requests.filter((r) => r.outcome === 'complete').length, 1);
  });

  test('max_buffer_flush_ms above 0 flushes by itself', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    socket.send({ text: 'Timers, not flushes,', voice_id: 'sophia', continue: true, max_buffer_flush_ms: 30, complete_backoff_ms: 0 });
    socket.send({ text: ' end this one.', voice_id: 'sophia', continue: true, max_buffer_flush_ms: 30, complete_backoff_ms: 0 });
    assert.equal((await readRun(socket)).end.status, 'complete');
    assert.equal(server.requests[0].text, 'Timers, not flushes, end this one.');
    socket.send({ context_close: true }); // no context_id: nothing to close, and no answer
    socket.send({ cancel_request: true });
    await barrier(socket);
  });

  test('max_buffer_flush_ms is a whole number from 0 to 1000: outside that an error frame, in both shapes', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const base = { text: 'Timers, not flushes.', voice_id: 'sophia', continue: true, complete_backoff_ms: 0 };
    for (const value of [1001, -1, 2.5, 60_000]) {
      socket.send({ ...base, max_buffer_flush_ms: value });
      const frame = await socket.next();
      const message = 'max_buffer_flush_ms must be a whole number between 0 and 1000';
      assert.deepEqual(frame, { session_id: frame.session_id, request_id: frame.request_id, status: 'error', message, error: { message, code: 'INVALID_PARAMETER' } });
    }
    socket.send({ ...base, max_buffer_flush_ms: 1000 });
    await barrier(socket); // accepted: nothing spoken before the second is up
    assert.equal((await readRun(socket)).end.status, 'complete');
    assert.deepEqual(server.requests.filter((r) => r.outcome === 'complete').map((r) => r.text), ['Timers, not flushes.']);
  });
});
