import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WavFileSink, WavesClient, synthesizeToSink } from '../src/index.js';
import { startOfflineServer } from '../src/testing.js';
import { parseWav, tempDir } from './helpers.js';

test("the README's library example works against the offline server", async (t) => {
  const server = await startOfflineServer();
  t.after(() => server.close());
  const client = new WavesClient({ apiKey: server.apiKey, baseUrl: server.url, settings: { voice: 'emily' } });
  const models: string[] = [];
  client.on('connected', ({ model }) => models.push(model));

  let streamed = 0;
  for await (const pcm of client.synthesize('Hello from the library.')) streamed += pcm.length;
  assert.ok(streamed > 24000, `${streamed} bytes`);

  async function* tokens() {
    yield* ['Once upon a time, ', 'a fox lived by the river. ', 'The end.'];
  }
  const story = client.synthesize(tokens(), { signal: AbortSignal.timeout(60_000) });
  let told = 0;
  for await (const pcm of story) told += pcm.length;
  assert.ok(told > 24000 && !story.interrupted);

  client.updateSettings({ speed: 1.2, model: 'lightning_v3.1_pro' });
  const path = join(tempDir(t), 'long.wav');
  const sink = await WavFileSink.open(path, client.settings.sampleRate);
  const longText = 'One sentence here, with a few more words to it. '.repeat(30);
  const stats = await synthesizeToSink(client, longText, sink);
  await sink.end();
  await client.close();

  assert.deepEqual(models, ['lightning_v3.1'], 'one socket for both models');
  assert.ok(stats.requests > 1);
  assert.equal(parseWav(readFileSync(path)).data.length, stats.bytes);
});

/** The package's own entries by name (Node resolves a package's own name through its "exports"). */
const importEntry = (entry: string): Promise<Record<string, unknown>> => import(entry);

test('"smallest-tts" and "smallest-tts/testing" resolve through the exports map to the built entries', async () => {
  assert.equal(await importEntry('smallest-tts'), await import('../src/index.js'));
  assert.equal(await importEntry('smallest-tts/testing'), await import('../src/testing.js'));
});

test('the test servers are at ./testing, not at the main entry', async () => {
  const face = await importEntry('smallest-tts');
  const testing = await importEntry('smallest-tts/testing');
  for (const name of ['startWavesServer', 'startOfflineServer', 'ToneEngine']) {
    assert.equal(typeof testing[name], 'function', name);
    assert.ok(!(name in face), `${name} is not at the main entry`);
  }
  for (const name of ['WavesClient', 'SpeechStream', 'synthesizeToSink', 'WavFileSink', 'openFileSink', 'openStreamSink', 'SpeakerSink', 'buildCues', 'formatSubtitles', 'fetchVoices', 'validateSettings', 'DEFAULT_SETTINGS', 'SmallestTtsError', 'UsageError']) {
    assert.ok(face[name] !== undefined, name);
  }
});

test('a tone server from ./testing serves the client from the main entry', async () => {
  const { startWavesServer, ToneEngine } = await import('../src/testing.js');
  const server = await startWavesServer({ engine: new ToneEngine(), apiKey: 'test-key' });
  const client = new WavesClient({ apiKey: 'test-key', baseUrl: server.url, settings: { voice: 'emily' } });
  try {
    let bytes = 0;
    for await (const pcm of client.synthesize('A tone for a test.')) bytes += pcm.length;
    assert.ok(bytes > 0 && bytes % 2 === 0, `${bytes} bytes`);
    assert.equal(server.requests.length, 1);
  } finally {
    await client.close();
    await server.close();
  }
});
