// An utterance's transitions, table by table, with time moved by hand: what it sends, when it ends,
// what reaches its stream. No socket and no sleeping; the frames are the ones the service sends.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SETTINGS, type Settings } from '../src/core/settings.js';
import type { WavesRequest } from '../src/protocol/messages.js';
import type { Clock } from '../src/waves/utterance/clock.js';
import { DRAIN_FLOOR_MS } from '../src/waves/utterance/drain-limits.js';
import { Utterance, type Attempt, type UtteranceMode } from '../src/waves/utterance/utterance.js';

class HandClock implements Clock {
  private t = 0;
  private timers: { at: number; fn: () => void }[] = [];
  now(): number {
    return this.t;
  }
  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return () => (this.timers = this.timers.filter((x) => x !== timer));
  }
  /** Moves time on by `ms`, firing each timer due on the way in order, with the promises between them settled. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

const SETTINGS: Settings = { ...DEFAULT_SETTINGS };

interface Rig {
  clock: HandClock;
  utterance: Utterance;
  sent: WavesRequest[];
  ended: string[];
  audio: Buffer[];
  /** Reads the stream to its end in the background; resolves with what it read or the error. */
  read: Promise<Error | null>;
}

function rig(fragments: string[], mode: UtteranceMode, settings: Partial<Settings> = {}): Rig {
  const clock = new HandClock();
  const source = (async function* () {
    yield* fragments;
  })();
  const utterance = new Utterance(source, { ...SETTINGS, ...settings }, { mode, inactivityTimeoutMs: 5000, completeBackoffMs: 0, clock });
  const r: Rig = { clock, utterance, sent: [], ended: [], audio: [], read: Promise.resolve(null) };
  r.read = (async () => {
    try {
      for await (const pcm of utterance.stream) r.audio.push(pcm);
      return null;
    } catch (error) {
      return error as Error;
    }
  })();
  return r;
}

function attempt(r: Rig, n = 1): Attempt {
  return {
    route: 'live',
    requestId: `req-${n}`,
    contextId: `ctx-${n}`,
    send: (request) => r.sent.push(request),
    settled: () => r.ended.push('settled'),
    stuck: (reason) => r.ended.push(`stuck:${reason}`),
    fail: (error) => r.ended.push(`fail:${error.message}`),
  };
}

const pcm = (n: number, fill = 1) => Buffer.alloc(n, fill);

describe('utterance: what goes out', () => {
  const rows: { name: string; fragments: string[]; mode: UtteranceMode; wire: [string, boolean | undefined][] }[] = [
    { name: 'one-shot: one request, no context', fragments: ['Hello there.'], mode: 'one-shot', wire: [['Hello there.', undefined]] },
    { name: 'context: each fragment with a trailing space, then the close', fragments: ['One.', 'Two.'], mode: 'context', wire: [['One. ', true], ['Two. ', true], ['', false]] },
    { name: 'sequence: only the first request before its complete', fragments: ['One.', 'Two.'], mode: 'sequence', wire: [['One.', undefined]] },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      const r = rig(row.fragments, row.mode);
      r.utterance.start(attempt(r));
      await r.clock.advance(10);
      assert.deepEqual(r.sent.map((q) => [q.text, q.continue]), row.wire);
      assert.equal(r.utterance.phase.kind, 'on-socket');
    });
  }
});

describe('utterance: when it ends', () => {
  test('one-shot ends at its complete', async () => {
    const r = rig(['Hello.'], 'one-shot');
    r.utterance.start(attempt(r));
    await r.clock.advance(1);
    r.utterance.onChunk(pcm(6));
    r.utterance.onComplete();
    assert.equal(await r.read, null);
    assert.deepEqual(r.ended, ['settled']);
    assert.equal(r.utterance.phase.kind, 'done');
  });

  const drainRows = [
    { quietMs: DRAIN_FLOOR_MS - 1, ended: false },
    { quietMs: DRAIN_FLOOR_MS, ended: true },
  ];
  for (const row of drainRows) {
    test(`a closed context with ${row.quietMs} ms of quiet after its complete has ${row.ended ? '' : 'not '}ended`, async () => {
      const r = rig(['One.'], 'context');
      r.utterance.start(attempt(r));
      await r.clock.advance(1); // fragment and close out
      r.utterance.onChunk(pcm(8));
      r.utterance.onComplete();
      await r.clock.advance(row.quietMs);
      assert.equal(r.utterance.isDone, row.ended);
      assert.deepEqual(r.ended, row.ended ? ['settled'] : []);
    });
  }

  test('a release after the complete, within the gap, keeps the context open', async () => {
    const r = rig(['One. Two.'], 'context');
    r.utterance.start(attempt(r));
    await r.clock.advance(1);
    r.utterance.onChunk(pcm(8));
    r.utterance.onComplete();
    await r.clock.advance(DRAIN_FLOOR_MS - 50);
    r.utterance.onChunk(pcm(8, 2));
    await r.clock.advance(100);
    assert.equal(r.utterance.isDone, false);
    r.utterance.onComplete();
    // The service paused 250 ms between releases: the gap is now twice that.
    await r.clock.advance(2 * (DRAIN_FLOOR_MS - 50) - 1);
    assert.equal(r.utterance.isDone, false);
    await r.clock.advance(1);
    assert.equal(r.utterance.isDone, true);
    assert.deepEqual(Buffer.concat(r.audio), Buffer.concat([pcm(8), pcm(8, 2)]));
  });

  test('with word timestamps, the last word sent coming back ends a closed context at its complete', async () => {
    const r = rig(['Hello there.'], 'context', { wordTimestamps: true });
    r.utterance.start(attempt(r));
    await r.clock.advance(1);
    r.utterance.onChunk(pcm(8));
    r.utterance.onWord({ word: 'Hello', start: 0, end: 0.1 });
    r.utterance.onWord({ word: 'there.', start: 0.1, end: 0.2 });
    r.utterance.onComplete();
    await settle();
    assert.equal(r.utterance.isDone, true);
  });

  test('no frame for the inactivity timeout: the socket is stuck', async () => {
    const r = rig(['Hello.'], 'one-shot');
    r.utterance.start(attempt(r));
    await r.clock.advance(4999);
    assert.deepEqual(r.ended, []);
    await r.clock.advance(1);
    assert.deepEqual(r.ended, ['stuck:timeout']);
  });
});

describe('utterance: drops', () => {
  test('a resend delivers no byte twice, and an odd byte waits for its sample', async () => {
    const r = rig(['Hello.'], 'one-shot');
    r.utterance.start(attempt(r, 1));
    await r.clock.advance(1);
    r.utterance.onChunk(pcm(5, 7)); // 4 bytes out, 1 held
    assert.equal(r.utterance.detach({ code: 1006 }), true);
    assert.equal(r.utterance.phase.kind, 'queued');
    r.utterance.start(attempt(r, 2));
    await r.clock.advance(1);
    assert.deepEqual(r.sent.map((q) => q.request_id), ['req-1', 'req-2']);
    r.utterance.onChunk(pcm(6, 7));
    r.utterance.onChunk(pcm(2, 9));
    r.utterance.onComplete();
    assert.equal(await r.read, null);
    assert.deepEqual(Buffer.concat(r.audio), Buffer.concat([pcm(6, 7), pcm(2, 9)]));
  });

  const dropRows = [
    { name: 'cut twice with no new audio between', newAudio: false, drops: 2 },
    { name: 'cut twice with new audio between', newAudio: true, drops: 1 },
  ];
  for (const row of dropRows) {
    test(`drops counted: ${row.name}`, async () => {
      const r = rig(['Hello.'], 'one-shot');
      r.utterance.start(attempt(r, 1));
      await r.clock.advance(1);
      r.utterance.onChunk(pcm(4));
      r.utterance.detach({ code: 1006 });
      r.utterance.start(attempt(r, 2));
      await r.clock.advance(1);
      if (row.newAudio) r.utterance.onChunk(pcm(8));
      r.utterance.detach({ code: 1006 });
      assert.equal(r.utterance.drops, row.drops);
    });
  }

  const closeRows = [
    { code: 1000, after: 'complete', mode: 'sequence' },
    { code: 1006, after: 'complete', mode: 'context' },
    { code: 1000, after: 'chunk', mode: 'context' },
  ] as const;
  for (const row of closeRows) {
    test(`a close ${row.code} right after a ${row.after} mid-continuation leaves the mode ${row.mode}`, async () => {
      const r = rig(['One.', 'Two.'], 'context');
      r.utterance.start(attempt(r));
      await r.clock.advance(1);
      r.utterance.onChunk(pcm(4));
      if (row.after === 'complete') r.utterance.onComplete();
      r.utterance.detach({ code: row.code });
      assert.equal(r.utterance.mode, row.mode);
    });
  }

  test('parked between texts, it asks for a socket when text comes', async () => {
    const clock = new HandClock();
    let give: (text: string) => void = () => {};
    const source: AsyncIterator<string> = { next: () => new Promise((resolve) => (give = (value) => resolve({ value, done: false }))) };
    const utterance = new Utterance(source, SETTINGS, { mode: 'context', inactivityTimeoutMs: 5000, completeBackoffMs: 0, clock });
    const sent: WavesRequest[] = [];
    const a: Attempt = { route: 'live', requestId: 'r', contextId: 'c', send: (q) => sent.push(q), settled() {}, stuck() {}, fail() {} };
    utterance.start(a);
    await clock.advance(1);
    assert.equal(utterance.idleBetweenTexts, true);
    utterance.detach({ code: 1000 });
    let woken = 0;
    utterance.park(() => woken++);
    assert.equal(utterance.phase.kind, 'parked');
    give('Later.');
    await clock.advance(1);
    assert.equal(woken, 1);
    assert.equal(utterance.phase.kind, 'queued');
    utterance.start(a);
    await clock.advance(1);
    assert.deepEqual(sent.map((q) => q.text), ['Later. ']);
  });
});

describe('utterance: refusals for the account limit', () => {
  const rows = [
    { name: 'no budget: no retry', budget: 0, before: 0, retry: false },
    { name: 'within the budget: a wait no longer than what is left', budget: 1000, before: 0, retry: true },
    { name: 'budget spent since the first refusal: no retry', budget: 1000, before: 1000, retry: false },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      const r = rig(['Hello.'], 'one-shot');
      if (row.before > 0) r.utterance.overLimitRetry(row.budget); // the first refusal
      await r.clock.advance(row.before);
      const retry = r.utterance.overLimitRetry(row.budget);
      assert.equal(retry !== undefined, row.retry);
      if (retry) assert.ok(retry.delayMs > 0 && retry.delayMs <= row.budget - row.before, `${retry.delayMs} ms`);
    });
  }

  test('no retry once audio has arrived', async () => {
    const r = rig(['Hello.'], 'one-shot');
    r.utterance.start(attempt(r));
    await r.clock.advance(1);
    r.utterance.onChunk(pcm(4));
    assert.equal(r.utterance.overLimitRetry(10_000), undefined);
  });
});

describe('utterance: one tagged event stream', () => {
  test('audio, words and segment marks come out in the order they arrived', async () => {
    const clock = new HandClock();
    const source = (async function* () {
      yield* ['Hello there.', 'Bye now.'];
    })();
    const utterance = new Utterance(source, { ...SETTINGS, wordTimestamps: true }, { mode: 'context', inactivityTimeoutMs: 5000, completeBackoffMs: 0, clock });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of utterance.stream.all({ segments: true })) {
        seen.push(event.type === 'audio' ? `audio:${event.pcm.length}` : event.type === 'word' ? `word:${event.word.word}@${event.word.start}` : `segment:${event.text}@${event.start}`);
      }
    })();
    utterance.start({ route: 'live', requestId: 'r', contextId: 'c', send() {}, settled() {}, stuck() {}, fail() {} });
    await clock.advance(1);
    utterance.onChunk(pcm(48_000)); // one second at 24 kHz
    utterance.onWord({ word: 'Hello', start: 0, end: 0.5 });
    utterance.onComplete();
    await clock.advance(10);
    utterance.onWord({ word: 'there.', start: 0.5, end: 1 });
    utterance.onChunk(pcm(48_000));
    await settle();
    utterance.end();
    await reading;
    // The second release starts at 1 s: its mark names the fragment the speaking rate puts there, and
    // its first word, at 0.5 s of its own audio, is counted per release (1.5 s in the stream).
    assert.deepEqual(seen, ['segment:Hello there.@0', 'audio:48000', 'word:Hello@0', 'segment:Bye now.@1', 'word:there.@1.5', 'audio:48000']);
  });

  test('iterating the stream itself gives the audio alone', async () => {
    const r = rig(['Hello.'], 'one-shot', { wordTimestamps: true });
    r.utterance.start(attempt(r));
    await r.clock.advance(1);
    r.utterance.onChunk(pcm(4, 3));
    r.utterance.onWord({ word: 'Hello.', start: 0, end: 0.1 });
    r.utterance.onChunk(pcm(2, 4));
    r.utterance.onComplete();
    assert.equal(await r.read, null);
    assert.deepEqual(r.audio, [pcm(4, 3), pcm(2, 4)]);
    assert.deepEqual(r.utterance.stream.words, [{ word: 'Hello.', start: 0, end: 0.1 }]);
  });
});
