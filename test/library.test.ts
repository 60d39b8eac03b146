import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WavFileSink, WavesClient, startOfflineServer, synthesizeToSink } from '../src/index.js';
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
