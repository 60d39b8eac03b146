// The local server's live route (model in the body), ids, word timestamps, voices, languages, engine failures.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SpeechEngine } from '../src/server/engines/engine.js';
import { ToneEngine } from '../src/server/engines/tone-engine.js';
import { startServer } from './helpers.js';
import { encodeG711 } from '../src/audio/g711.js';
import { LIVE, PROSE, assertStampsMatchAudio, pcmOf, perModel, rawSocket, readRun, refusedUpgrade, request, type Json } from './raw-ws.js';

describe('the live route: the model travels in each request', () => {
  test('both live models by their body names, the default model and the 44100 Hz default rate', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const text = 'Good evening. The train to Edinburgh leaves at 6 p.m. from platform four.';
    const runs = [];
    for (const model of [undefined, 'lightning_v3.1', 'lightning_v3.1_pro']) {
      runs.push(await request(socket, { text, voice_id: 'meher', complete_backoff_ms: 0, ...(model ? { model } : {}) }));
    }
    assert.deepEqual(runs.map((r) => r.end.status), ['complete', 'complete', 'complete']);
    assert.deepEqual(server.requests.map((r) => r.model), ['lightning_v3.1', 'lightning_v3.1', 'lightning_v3.1_pro']);
    assert.deepEqual(server.requests[2].body.model, 'lightning_v3.1_pro');
    const words = text.split(' ');
    const samples = words.reduce((s, w) => s + Math.round(0.05 * 44100 * w.length) + Math.round(0.04 * 44100), 0);
    assert.equal(pcmOf(runs[0].chunks).length, samples * 2);
  });

  test('an unknown model, a hyphenated name in the body and the per-model-only lightning-v2 are error frames', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const base = { text: 'Which model are you?', voice_id: 'sophia' };
    for (const model of ['lightning-v9', 'lightning-v3.1', 'lightning_v3.1_PRO']) {
      const { chunks, end } = await request(socket, { ...base, model });
      assert.equal(chunks.length, 0);
      assert.equal(end.error.code, 'INVALID_MODEL', model);
      assert.match(end.error.message, /lightning_v3\.1 or lightning_v3\.1_pro/);
    }
    for (const model of ['lightning-v2', 'lightning_v2']) {
      const { end } = await request(socket, { ...base, model });
      assert.deepEqual(end.error, {
        code: 'MODEL_DEPRECATED',
        message: 'This model is retired. Please migrate to lightning-v3.1 via /waves/v1/lightning-v3.1/get_speech.',
      });
    }
    assert.equal((await request(socket, { ...base, model: 'lightning_v3.1_pro', complete_backoff_ms: 0 })).end.status, 'complete');
  });

  test('retiredModels in any spelling: 410 on the per-model route, MODEL_DEPRECATED in a live body; lightning-v2 served only on its route', async (t) => {
    const server = await startServer(t, { retiredModels: ['lightning_v3.1_pro'] });
    const { status } = await refusedUpgrade(`${server.url}${perModel('lightning-v3.1-pro')}`);
    assert.equal(status, 410);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const base = { text: 'Is the Pro voice still here?', voice_id: 'meher', complete_backoff_ms: 0 };
    assert.equal((await request(socket, { ...base, model: 'lightning_v3.1_pro' })).end.error.code, 'MODEL_DEPRECATED');
    assert.equal((await request(socket, { ...base, model: 'lightning_v3.1' })).end.status, 'complete');
    const v2 = await request(socket, { ...base, model: 'lightning-v2' });
    assert.equal(v2.end.error.code, 'MODEL_NOT_SUPPORTED');
    assert.match(v2.end.error.message, /\/waves\/v1\/lightning-v2\/get_speech\/stream/);
  });

  test('languages per model: ja on pro only, he on neither, auto on both', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const ask = async (model: string, language: string) => (await request(socket, { text: 'Konnichiwa, Tanaka-san.', voice_id: 'sophia', model, language, complete_backoff_ms: 0 })).end;
    assert.equal((await ask('lightning_v3.1_pro', 'ja')).status, 'complete');
    const ja = await ask('lightning_v3.1', 'ja');
    assert.equal(ja.error.code, 'INVALID_PARAMETER');
    assert.match(ja.error.message, /language must be one of .* on lightning_v3\.1 .*lightning_v3\.1_pro has it/);
    for (const model of ['lightning_v3.1', 'lightning_v3.1_pro']) {
      assert.match((await ask(model, 'he')).error.message, /language must be one of/);
      assert.equal((await ask(model, 'auto')).status, 'complete');
    }
  });

  test('session_id is stable per socket, request_id new per request, the client ids echoed', async (t) => {
    const server = await startServer(t);
    const a = await rawSocket(`${server.url}${LIVE}`);
    const b = await rawSocket(`${server.url}${perModel('lightning-v3.1', 'api')}`);
    t.after(() => [a, b].forEach((s) => s.ws.terminate()));
    const one = await request(a, { text: 'First, the weather.', voice_id: 'sophia', complete_backoff_ms: 0, request_id: 'turn-1', session_id: 'call_42' });
    const two = await request(a, { text: 'Then, the news.', voice_id: 'sophia', complete_backoff_ms: 0 });
    const refused = await request(a, { text: 'Bad speed!', voice_id: 'sophia', speed: 9, request_id: 'turn-3' });
    const other = await request(b, { text: 'Elsewhere, Mr. Lee spoke.', voice_id: 'sophia', complete_backoff_ms: 0 });
    const sessions = new Set([...one.frames, ...two.frames, ...refused.frames].map((f) => f.session_id));
    assert.equal(sessions.size, 1);
    assert.match([...sessions][0], /^ws_[0-9a-f]+$/);
    assert.notEqual(other.end.session_id, one.end.session_id);
    for (const run of [one, two]) assert.equal(new Set(run.frames.map((f) => f.request_id)).size, 1);
    assert.notEqual(one.end.request_id, two.end.request_id);
    assert.notEqual(refused.end.request_id, two.end.request_id);
    for (const f of one.frames) {
      assert.equal(f.external_request_id, 'turn-1');
      assert.equal(f.external_session_id, 'call_42');
    }
    assert.ok(two.frames.every((f) => !('external_request_id' in f) && !('external_session_id' in f)));
    assert.equal(refused.end.external_request_id, 'turn-3');
    assert.deepEqual(server.requests.map((r) => r.requestId), [one.end.request_id, two.end.request_id, refused.end.request_id, other.end.request_id]);
  });
});

describe('word timestamps', () => {
  test('only when asked and only for voices that have them; every word verbatim, in order, matching the audio', async (t) => {
    const server = await startServer(t, { chunkBytes: 4000 });
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const asked = await request(socket, { text: PROSE, voice_id: 'liam', sample_rate: 16000, word_timestamps: true, complete_backoff_ms: 0 });
    assert.ok(PROSE.length > 250, 'long enough to be cut into several engine pieces');
    assert.deepEqual(asked.stamps.map((s) => s.data.word), PROSE.split(/\s+/));
    assert.deepEqual(asked.stamps.map((s) => s.data.id), PROSE.split(/\s+/).map((_, i) => i));
    assert.ok(asked.stamps.map((s) => s.data.word).includes('$100,'));
    assertStampsMatchAudio(pcmOf(asked.chunks), asked.stamps, 16000);
    // Each stamp comes before the chunk that holds its start, and after the chunks before it.
    let bytes = 0;
    for (const f of asked.frames) {
      if (f.status === 'chunk') bytes += Buffer.from(f.data.audio, 'base64').length;
      if (f.status === 'word_timestamp') {
        const at = Math.round(f.data.start * 16000) * 2;
        assert.ok(at >= bytes - 4000 && at <= bytes + 4000 && at >= bytes, `${f.data.word} at byte ${at}, sent so far ${bytes}`);
      }
    }
    for (const [voice, flag] of [['sophia', true], ['liam', false], ['avery', undefined]] as const) {
      const run = await request(socket, { text: 'No timings wanted here.', voice_id: voice, word_timestamps: flag, complete_backoff_ms: 0 });
      assert.equal(run.end.status, 'complete');
      assert.equal(run.stamps.length, 0, `${voice} with word_timestamps ${flag}`);
    }
    const meher = await request(socket, { text: 'Meher speaks, too.', voice_id: 'meher', model: 'lightning_v3.1_pro', word_timestamps: true, complete_backoff_ms: 0 });
    assert.deepEqual(meher.stamps.map((s) => s.data.word), ['Meher', 'speaks,', 'too.']);
  });
});

describe('engine failures and limits', () => {
  /** The tone engine, except that a text with "Explode" fails after its first piece. */
  function flakyEngine(): SpeechEngine {
    const tone = new ToneEngine();
    return {
      name: 'flaky',
      voices: () => tone.voices(),
      async *synthesize(params, signal) {
        for await (const piece of tone.synthesize(params, signal)) {
          yield piece;
          if (params.text.includes('Explode')) throw new Error('the vocoder overheated');
        }
      },
    };
  }

  test('an engine that throws gives that request an error frame; the socket and other sockets go on', async (t) => {
    const server = await startServer(t, { engine: flakyEngine() });
    const a = await rawSocket(`${server.url}${LIVE}`);
    const b = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => [a, b].forEach((s) => s.ws.terminate()));
    const bad = request(a, { text: 'Explode, said the Captain.', voice_id: 'sophia', complete_backoff_ms: 0 });
    const good = request(b, { text: 'Meanwhile, all is calm on deck.', voice_id: 'sophia', complete_backoff_ms: 0 });
    const [failed, fine] = await Promise.all([bad, good]);
    assert.equal(failed.end.error.code, 'ENGINE_ERROR');
    assert.equal(failed.end.message, failed.end.error.message);
    assert.match(failed.end.error.message, /vocoder overheated/);
    assert.equal(failed.end.request_id, failed.chunks[0]?.request_id ?? failed.end.request_id);
    assert.equal(fine.end.status, 'complete');
    assert.equal((await request(a, { text: 'Recovered, Sir.', voice_id: 'sophia', complete_backoff_ms: 0 })).end.status, 'complete');
    assert.deepEqual(server.requests.map((r) => r.outcome).sort(), ['complete', 'complete', 'error']);
  });

  test('a text over 100 000 characters is refused; a second one-shot while one runs is refused', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const huge = `${PROSE} `.repeat(Math.ceil(100_001 / (PROSE.length + 1)));
    const { end } = await request(socket, { text: huge, voice_id: 'sophia' });
    assert.equal(end.error.code, 'TEXT_TOO_LONG');
    socket.send({ text: PROSE, voice_id: 'sophia', complete_backoff_ms: 0 });
    socket.send({ text: 'Me first!', voice_id: 'sophia', complete_backoff_ms: 0 });
    const frames: Json[] = [];
    for (let f = await socket.next(); f.status !== 'complete'; f = await socket.next()) frames.push(f);
    const refusal = frames.find((f) => f.status === 'error');
    assert.equal(refusal?.error.code, 'concurrency_limit_exceeded');
    assert.notEqual(refusal?.request_id, frames.find((f) => f.status === 'chunk')?.request_id);
  });
});

describe('error frames', () => {
  test('every error frame carries a flat message and the nested error {message, code}, in the same frame', async (t) => {
    const server = await startServer(t, { maxActiveRequests: 1 });
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const unknown = (await request(socket, { text: 'Hello?', voice_id: 'nobody', request_id: 'r-1' })).end;
    const message = 'voice "nobody" was not found on model lightning_v3.1';
    assert.deepEqual(unknown, {
      session_id: unknown.session_id, request_id: unknown.request_id, external_request_id: 'r-1',
      status: 'error', message, error: { message, code: 'VOICE_NOT_FOUND' },
    });
    socket.send('{"text": ');
    const notJson = await socket.next();
    assert.deepEqual([notJson.message, notJson.error], ['the message is not JSON text', { message: 'the message is not JSON text', code: 'INVALID_REQUEST' }]);
    socket.send({ text: PROSE, voice_id: 'sophia', complete_backoff_ms: 0 });
    const other = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => other.ws.terminate());
    const over = (await request(other, { text: 'Me too.', voice_id: 'sophia' })).end;
    assert.equal(over.error.code, 'concurrency_limit_exceeded');
    assert.equal(over.message, over.error.message);
    assert.match(over.message, /concurrency limit reached/);
  });
});

describe('output_format on the live route', () => {
  const text = 'Good evening. The train to Edinburgh leaves at 6 p.m. from platform four.';
  const audioOf = pcmOf; // chunk payloads, whatever their format
  const G711_SILENCE = { ulaw: 0xff, alaw: 0xd5 } as const;

  test('pcm (the default), wav (a header, then the same PCM), ulaw and alaw (one G.711 byte per sample), with odd chunk sizes', async (t) => {
    const server = await startServer(t, { chunkBytes: 4801 });
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const ask = (output_format?: string) => request(socket, { text, voice_id: 'sophia', sample_rate: 16000, complete_backoff_ms: 0, ...(output_format ? { output_format } : {}) });
    const plain = await ask();
    const pcm = pcmOf(plain.chunks);
    assert.ok(audioOf((await ask('pcm')).chunks).equals(pcm));
    const wav = await ask('wav');
    const wavBytes = audioOf(wav.chunks);
    assert.equal(wav.chunks.length, plain.chunks.length);
    const header = wavBytes.subarray(0, 44);
    assert.equal(Buffer.from(wav.chunks[0].data.audio, 'base64').subarray(0, 4).toString('ascii'), 'RIFF');
    assert.deepEqual(
      [header.toString('ascii', 8, 16), header.readUInt16LE(20), header.readUInt16LE(22), header.readUInt32LE(24), header.readUInt16LE(34), header.toString('ascii', 36, 40)],
      ['WAVEfmt ', 1, 1, 16000, 16, 'data'],
    );
    assert.ok(wavBytes.subarray(44).equals(pcm), 'after the header, the very PCM the pcm format gives');
    for (const law of ['ulaw', 'alaw'] as const) {
      const run = await ask(law);
      assert.equal(run.end.status, 'complete');
      const bytes = audioOf(run.chunks);
      assert.ok(bytes.equals(encodeG711(pcm, law)), `${law}: the PCM's samples, companded`);
      assert.equal(bytes[pcm.length / 2 - 1], G711_SILENCE[law], `${law}: the trailing gap is silence`);
    }
  });

  test('mp3: MPEG Layer III frames, mono at the requested rate, about 64 kbit/s at 44100 Hz', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    const pcm = pcmOf((await request(socket, { text, voice_id: 'sophia', complete_backoff_ms: 0 })).chunks);
    const run = await request(socket, { text, voice_id: 'sophia', complete_backoff_ms: 0, output_format: 'mp3' });
    assert.equal(run.end.status, 'complete');
    const mp3 = audioOf(run.chunks);
    assert.equal(mp3[0], 0xff);
    assert.equal(mp3[1] & 0xe0, 0xe0, 'frame sync');
    assert.deepEqual([(mp3[1] >> 3) & 3, (mp3[1] >> 1) & 3, (mp3[2] >> 2) & 3, mp3[3] >> 6], [3, 1, 0, 3], 'MPEG-1, Layer III, 44100 Hz, mono');
    const seconds = pcm.length / 2 / 44100;
    const expected = (64_000 / 8) * seconds;
    assert.ok(Math.abs(mp3.length - expected) < expected * 0.1 + 2000, `${mp3.length} bytes for ${seconds.toFixed(2)} s`);
  });

  test('an unknown output_format is an error frame, in both shapes', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    for (const [format, message] of [
      ['flac', 'output_format must be one of pcm, wav, mp3, ulaw, alaw (got "flac")'],
      ['MP3', 'output_format must be one of pcm, wav, mp3, ulaw, alaw (got "MP3")'],
      [8000, 'output_format must be a string'],
    ] as const) {
      const { chunks, end } = await request(socket, { text, voice_id: 'sophia', output_format: format });
      assert.equal(chunks.length, 0);
      assert.deepEqual([end.message, end.error], [message, { message, code: end.error.code }]);
      assert.match(end.error.code, /^INVALID_(PARAMETER|REQUEST)$/);
    }
  });

  test('in a context, each release is its own stream in the format: a WAV header at the start of each', async (t) => {
    const server = await startServer(t);
    const socket = await rawSocket(`${server.url}${LIVE}`);
    t.after(() => socket.ws.terminate());
    socket.send({ text: PROSE, voice_id: 'sophia', context_id: 'wav-ctx', continue: false, complete_backoff_ms: 0, output_format: 'wav', sample_rate: 24000 });
    const runs = [];
    while (runs.length < 5) runs.push(await readRun(socket));
    for (const run of runs) {
      assert.equal(run.end.status, 'complete');
      const bytes = audioOf(run.chunks);
      assert.equal(bytes.toString('ascii', 0, 4), 'RIFF');
      assert.equal(bytes.readUInt32LE(24), 24000);
      assert.equal(bytes.indexOf('RIFF', 4), -1, 'one header per release');
    }
    const spoken = server.requests.filter((r) => r.outcome === 'complete');
    assert.deepEqual(runs.map((r) => audioOf(r.chunks).length - 44), spoken.map((r) => r.pcm!.length));
  });
});
