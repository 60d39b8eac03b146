import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WavFileSink, WavesClient, chunkText, startOfflineServer, synthesizeToSink } from '../src/index.js';
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

  client.updateSettings({ speed: 1.2 });
  const path = join(tempDir(t), 'long.wav');
  const sink = await WavFileSink.open(path, client.settings.sampleRate);
  const longText = 'One sentence here. '.repeat(30);
  const stats = await synthesizeToSink(client, chunkText(longText), sink);
  await sink.end();
  await client.close();

  assert.deepEqual(models, ['lightning_v3.1']);
  assert.ok(stats.requests > 1);
  assert.equal(parseWav(readFileSync(path)).data.length, stats.bytes);
});
