import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { chunkText } from '../src/text/chunk.js';
import { API_KEY, alsaCaptureHome, speakerInstalled, parseWav, runCli, sentPcm, serverArgs, serverSettled, startServer, tempDir, waitFor } from './helpers.js';

/** A request body without its random request_id. */
function withoutId(body: Record<string, unknown>): Record<string, unknown> {
  const { request_id: _id, ...rest } = body;
  return rest;
}

const LONG_TEXT = Array.from({ length: 40 }, (_, i) => `Sentence number ${i + 1} is here, and it carries a few more words to make it longer.`).join(' ');

describe('say → WAV file', () => {
  test('argument text: the WAV holds exactly the PCM the server sent, at the rate', async (t) => {
    const server = await startServer(t, { chunkBytes: 1001 });
    const out = join(tempDir(t), 'out.wav');
    const r = await runCli(['say', 'Hello from the tests.', '-o', out, '--sample-rate', '16000', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 0, 'nothing on stdout');
    const wav = parseWav(readFileSync(out));
    assert.equal(wav.sampleRate, 16000);
    assert.equal(wav.channels, 1);
    assert.equal(wav.bitsPerSample, 16);
    assert.equal(wav.dataSize, wav.data.length);
    assert.deepEqual(wav.data, sentPcm(server));
    assert.match(String(server.requests[0].body.request_id), /^[a-zA-Z0-9_.-]{1,128}$/);
    assert.deepEqual(server.requests.map((r) => withoutId(r.body)), [{ text: 'Hello from the tests.', voice_id: 'sophia', model: 'lightning_v3.1', language: 'en', sample_rate: 16000, complete_backoff_ms: 0 }]);
    assert.deepEqual(server.upgrades.map((u) => u.path), ['/waves/v1/tts/live']);
  });

  test('stdin text', async (t) => {
    const server = await startServer(t);
    const out = join(tempDir(t), 'out.wav');
    const r = await runCli(['say', '-o', out, ...serverArgs(server)], { stdin: 'Piped in\nover two lines.\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(server.requests.map((r) => r.text), ['Piped in over two lines.']);
    assert.ok(server.requests[0].contextId, 'piped text goes out as a continuation');
    assert.deepEqual(parseWav(readFileSync(out)).data, sentPcm(server));
  });

  test('file text, and -f - for stdin', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    writeFileSync(join(dir, 'in.txt'), 'Read from a file.');
    const r1 = await runCli(['say', '-f', join(dir, 'in.txt'), '-o', join(dir, 'a.wav'), ...serverArgs(server)]);
    const r2 = await runCli(['say', '-f', '-', '-o', join(dir, 'b.wav'), ...serverArgs(server)], { stdin: 'Dash means stdin.' });
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(r2.code, 0, r2.stderr);
    assert.deepEqual(server.requests.map((r) => r.text), ['Read from a file.', 'Dash means stdin.']);
  });

  test('long text goes out as one continuation of bounded fragments on one socket, and comes back exact', async (t) => {
    const server = await startServer(t, { chunkBytes: 999 });
    const dir = tempDir(t);
    writeFileSync(join(dir, 'long.txt'), LONG_TEXT);
    const out = join(dir, 'long.wav');
    const r = await runCli(['say', '-f', join(dir, 'long.txt'), '-o', out, ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    const texts = server.requests.map((r) => r.text);
    assert.ok(texts.length > 5, `${texts.length} segments`);
    assert.ok(texts.every((text) => text.length <= 250));
    assert.equal(texts.join(' '), LONG_TEXT);
    assert.equal(new Set(server.requests.map((r) => r.contextId)).size, 1, 'one context');
    assert.ok(server.requests[0].contextId);
    assert.equal(server.connections(), 1);
    const expected = Buffer.concat(server.requests.map((r) => r.pcm!));
    assert.deepEqual(parseWav(readFileSync(out)).data, expected);
  });

  test('a drop mid-request: the file holds every request\'s audio exactly once', async (t) => {
    const server = await startServer(t, { dropAfterChunks: 5, chunkBytes: 1000 });
    const dir = tempDir(t);
    const out = join(dir, 'drop.wav');
    const r = await runCli(['say', LONG_TEXT.slice(0, 600), '-o', out, '--verbose', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(server.requests.some((r) => r.outcome === 'dropped'));
    assert.equal(server.connections(), 2);
    assert.match(r.stderr, /disconnected/);
    assert.deepEqual(parseWav(readFileSync(out)).data, sentPcm(server));
  });

  test('--model lightning-v2 sends the v2 fields; --speed on v3.1 sends speed only', async (t) => {
    const server = await startServer(t, { retiredModels: [] });
    const dir = tempDir(t);
    const v2 = await runCli(['say', 'Two.', '-o', join(dir, 'a.wav'), '--model', 'lightning-v2', '--consistency', '0.4', '--similarity', '0.1', '--enhancement', '2', '--speed', '3', '--voice', 'emily', '--language', 'de', ...serverArgs(server)]);
    const v3 = await runCli(['say', 'Three.', '-o', join(dir, 'b.wav'), '--speed', '1.5', ...serverArgs(server)]);
    assert.equal(v2.code, 0, v2.stderr);
    assert.equal(v3.code, 0, v3.stderr);
    assert.deepEqual(server.requests.map((r) => [r.model, withoutId(r.body)]), [
      ['lightning-v2', { text: 'Two.', voice_id: 'emily', language: 'de', sample_rate: 24000, speed: 3, consistency: 0.4, similarity: 0.1, enhancement: 2, complete_backoff_ms: 0 }],
      ['lightning_v3.1', { text: 'Three.', voice_id: 'sophia', model: 'lightning_v3.1', language: 'en', sample_rate: 24000, speed: 1.5, complete_backoff_ms: 0 }],
    ]);
  });
});

describe('say → stdout', () => {
  test('-o - writes a streaming WAV to stdout, --raw -o - bare PCM', async (t) => {
    const server = await startServer(t);
    const wav = await runCli(['say', 'To stdout.', '-o', '-', ...serverArgs(server)]);
    assert.equal(wav.code, 0, wav.stderr);
    const parsed = parseWav(wav.stdout);
    assert.equal(parsed.dataSize, 0xffffffff);
    assert.deepEqual(parsed.data, server.requests[0].pcm);
    const raw = await runCli(['say', 'To stdout.', '--raw', '-o', '-', ...serverArgs(server)]);
    assert.equal(raw.code, 0, raw.stderr);
    assert.deepEqual(raw.stdout, server.requests[1].pcm);
  });
});

describe('say: errors, exit codes and the key', () => {
  test('a lightning-v2 option on lightning_v3.1 or Pro: exit 2 naming both, and no connection', async (t) => {
    const server = await startServer(t);
    const r = await runCli(['say', 'Hi.', '-o', join(tempDir(t), 'x.wav'), '--similarity', '0.3', ...serverArgs(server)]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--similarity works only with model lightning-v2 \(the model is lightning_v3\.1\)/);
    const pro = await runCli(['say', 'Hi.', '-o', join(tempDir(t), 'x.wav'), '--model', 'lightning-v3.1-pro', '--consistency', '0.3', ...serverArgs(server)]);
    assert.equal(pro.code, 2);
    assert.match(pro.stderr, /--consistency works only with model lightning-v2 \(the model is lightning_v3\.1_pro\)/);
    assert.equal(server.upgrades.length, 0);
  });

  test('out-of-range and malformed values: exit 2', async () => {
    const speed = await runCli(['say', 'Hi.', '--speed', '3', '--api-key', 'k']);
    assert.equal(speed.code, 2);
    assert.match(speed.stderr, /--speed must be between 0\.5 and 2 on lightning_v3\.1 \(got 3\)/);
    const nan = await runCli(['say', 'Hi.', '--speed', 'fast']);
    assert.equal(nan.code, 2);
    assert.match(nan.stderr, /must be a number/);
    const model = await runCli(['say', 'Hi.', '--model', 'turbo']);
    assert.equal(model.code, 2);
    assert.match(model.stderr, /--model must be one of lightning_v3\.1, lightning_v3\.1_pro, lightning-v2 \(got "turbo"\)/);
  });

  test('empty or whitespace-only text: exit 2, no connection', async (t) => {
    const server = await startServer(t);
    for (const stdin of ['', '  \n\t ']) {
      const r = await runCli(['say', '-o', join(tempDir(t), 'x.wav'), ...serverArgs(server)], { stdin });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /The text is empty/);
    }
    const missing = await runCli(['say', '-f', '/nonexistent/text.txt', ...serverArgs(server)]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read \/nonexistent\/text\.txt: no such file/);
    assert.equal(server.upgrades.length, 0);
  });

  test('a missing key: exit 2 naming SMALLEST_API_KEY', async () => {
    const r = await runCli(['say', 'Hi.', '-o', '/tmp/never.wav']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No API key/);
    assert.match(r.stderr, /SMALLEST_API_KEY/);
  });

  test('SMALLEST_API_KEY and SMALLEST_BASE_URL are read from the environment', async (t) => {
    const server = await startServer(t);
    const out = join(tempDir(t), 'env.wav');
    const r = await runCli(['say', 'From the environment.', '-o', out], { env: { SMALLEST_API_KEY: API_KEY, SMALLEST_BASE_URL: server.url } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.upgrades[0].authorization, `Bearer ${API_KEY}`);
  });

  test('a refused key: exit 1, a clear message, and the key never printed', async (t) => {
    const server = await startServer(t);
    const secret = 'sk-wrong-5e3c7a91d2';
    const r = await runCli(['say', 'Hi.', '-o', join(tempDir(t), 'x.wav'), '--verbose', '--base-url', server.url], { env: { SMALLEST_API_KEY: secret } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The API key was refused \(HTTP 401\)/);
    assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret));
  });

  test('the key never appears in verbose output of a good run', async (t) => {
    const server = await startServer(t);
    const r = await runCli(['say', 'Hi.', '-o', join(tempDir(t), 'x.wav'), '--verbose', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /connected to ws:\/\/127\.0\.0\.1/);
    assert.match(r.stderr, /time to first audio \d+ ms/);
    assert.ok(!r.stderr.includes(API_KEY));
  });

  test('an error frame: exit 1 with the server\'s message; an existing file is untouched', async (t) => {
    const server = await startServer(t, { refuseVoices: ['emily'] });
    const dir = tempDir(t);
    const out = join(dir, 'keep.wav');
    writeFileSync(out, 'old contents');
    const r = await runCli(['say', 'Boo.', '--voice', 'emily', '-o', out, ...serverArgs(server)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /voice "emily" was not found/);
    assert.equal(readFileSync(out, 'utf8'), 'old contents');
    assert.deepEqual(readdirSync(dir), ['keep.wav'], 'no temporary file left');
  });

  test('a retired model: exit 1 with the server\'s message and the suggestion', async (t) => {
    const server = await startServer(t, { retiredModels: ['lightning-v2'] });
    const r = await runCli(['say', 'Hi.', '--model', 'lightning-v2', '-o', join(tempDir(t), 'x.wav'), ...serverArgs(server)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Model lightning-v2 is retired: This model is retired/);
    assert.match(r.stderr, /--model lightning_v3\.1/);
  });

  test('an unwritable output: exit 1 before connecting', async (t) => {
    const server = await startServer(t);
    const r = await runCli(['say', 'Hi.', '-o', join(tempDir(t), 'no', 'such', 'dir.wav'), ...serverArgs(server)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Cannot write .*dir\.wav: its folder does not exist/);
  });

  test('plain ws:// to a host that is not loopback is refused before connecting (exit 2)', async () => {
    // 0.0.0.0 is not loopback by name, but a connection attempt would stay on this machine.
    const r = await runCli(['say', 'Hi.', '-o', '/tmp/never.wav', '--api-key', 'k', '--base-url', 'ws://0.0.0.0:9']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unencrypted/);
  });

  test('--raw without -o is a usage error', async () => {
    const r = await runCli(['say', 'Hi.', '--raw', '--api-key', 'k']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--raw needs an output/);
  });
});

describe('say: Ctrl-C', () => {
  test('while connecting to a host that never answers: exit 130 at once, no file (regression: waited for the handshake timeout)', async (t) => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      silent.close();
    });
    const port = (silent.address() as { port: number }).port;
    const dir = tempDir(t);
    let signalledAt = 0;
    const r = await runCli(['say', 'Hi.', '-o', join(dir, 'x.wav'), '--base-url', `ws://127.0.0.1:${port}`, '--api-key', 'k'], {
      timeoutMs: 8000,
      onSpawn: (child) => {
        silent.once('connection', () => setTimeout(() => ((signalledAt = Date.now()), child.kill('SIGINT')), 100));
      },
    });
    assert.equal(r.code, 130, r.stderr);
    assert.ok(Date.now() - signalledAt < 3000, 'did not wait for the 10 s handshake timeout');
    assert.deepEqual(readdirSync(dir), []);
  });

  test('while writing a file: a valid WAV of the audio so far, exit 130', async (t) => {
    const server = await startServer(t, { realtimeFactor: 4 });
    const dir = tempDir(t);
    const out = join(dir, 'partial.wav');
    let stderr = '';
    const r = await runCli(['say', LONG_TEXT, '-o', out, '--verbose', ...serverArgs(server)], {
      onSpawn: (child) => {
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        void waitFor(() => server.requests.length >= 2 && server.requests[0].bytes > 0, 10_000, 'audio flowing').then(() => child.kill('SIGINT'));
      },
    });
    assert.equal(r.code, 130, r.stderr);
    const wav = parseWav(readFileSync(out));
    assert.equal(wav.dataSize, wav.data.length, 'header sizes match the data');
    assert.equal(wav.riffSize, wav.data.length + 36);
    assert.ok(wav.data.length > 0);
    assert.equal(statSync(out).size, wav.data.length + 44);
    await serverSettled(server);
    const sent = Buffer.concat(server.requests.map((r) => r.pcm ?? Buffer.alloc(0)));
    assert.ok(wav.data.length <= sent.length);
    assert.deepEqual(wav.data, sent.subarray(0, wav.data.length), 'a prefix of what was sent');
    const completed = server.requests.filter((r) => r.outcome === 'complete').length;
    assert.ok(completed < [...chunkText(LONG_TEXT)].length, `stopped before the end (${completed} requests complete)`);
  });
});

describe('say → speakers', { skip: speakerInstalled ? false : 'the optional speaker package is not installed' }, () => {
  test('the bytes ALSA plays equal the PCM the server sent', async (t) => {
    const server = await startServer(t, { chunkBytes: 1234 });
    const { home, capture } = alsaCaptureHome(t);
    const r = await runCli(['say', 'Played through the speakers, captured by ALSA.', ...serverArgs(server)], { env: { HOME: home } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readFileSync(capture), sentPcm(server));
  });

  test('Ctrl-C during playback stops it: exit 130, and what was played is a prefix of what was sent', async (t) => {
    const server = await startServer(t, { realtimeFactor: 2 });
    const { home, capture } = alsaCaptureHome(t);
    const r = await runCli(['say', LONG_TEXT, ...serverArgs(server)], {
      env: { HOME: home },
      onSpawn: (child) => void waitFor(() => (server.requests[0]?.bytes ?? 0) > 48000, 10_000, 'a second of audio').then(() => child.kill('SIGINT')),
    });
    assert.equal(r.code, 130, r.stderr);
    assert.equal(r.signal, null, 'no crash');
    await serverSettled(server);
    const played = readFileSync(capture);
    const sent = Buffer.concat(server.requests.map((q) => q.pcm ?? Buffer.alloc(0)));
    assert.ok(played.length > 0 && played.length < sent.length + 1);
    assert.deepEqual(played, sent.subarray(0, played.length));
  });

  test('no sound device: a clear message suggesting -o, exit 1', async (t) => {
    const server = await startServer(t);
    const r = await runCli(['say', 'Hi.', ...serverArgs(server)], { env: { HOME: tempDir(t), ALSA_CONFIG_PATH: undefined } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Playback is unavailable/);
    assert.match(r.stderr, /-o out\.wav/);
  });
});

describe('say: models and languages from the current API', () => {
  test('Pro with meher in Japanese and lightning-v3.1 with auto work; ja on lightning_v3.1 and he anywhere are exit 2 with nothing sent', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const pro = await runCli(['say', 'こんにちは。', '--model', 'lightning_v3.1_pro', '--voice', 'meher', '--language', 'ja', '-o', join(dir, 'a.wav'), ...serverArgs(server)]);
    assert.equal(pro.code, 0, pro.stderr);
    const auto = await runCli(['say', 'Auto language.', '--model', 'lightning-v3.1', '--language', 'auto', '-o', join(dir, 'b.wav'), ...serverArgs(server)]);
    assert.equal(auto.code, 0, auto.stderr);
    assert.deepEqual(server.requests.map((q) => [q.model, q.body.model, q.body.voice_id, q.body.language]), [
      ['lightning_v3.1_pro', 'lightning_v3.1_pro', 'meher', 'ja'],
      ['lightning_v3.1', 'lightning_v3.1', 'sophia', 'auto'],
    ]);
    const upgrades = server.upgrades.length;
    const ja = await runCli(['say', 'Hi.', '--language', 'ja', '-o', join(dir, 'c.wav'), ...serverArgs(server)]);
    assert.equal(ja.code, 2);
    assert.match(ja.stderr, /--language must be one of auto en .* on lightning_v3\.1 \(got "ja"\); lightning_v3\.1_pro has it/);
    const he = await runCli(['say', 'Hi.', '--model', 'lightning_v3.1_pro', '--language', 'he', '-o', join(dir, 'd.wav'), ...serverArgs(server)]);
    assert.equal(he.code, 2);
    assert.match(he.stderr, /no current model has it/);
    assert.equal(server.upgrades.length, upgrades, 'nothing sent');
  });
});
