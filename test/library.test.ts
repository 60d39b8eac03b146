import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { WavFileSink, WavesClient, synthesizeToSink } from '../src/index.js';
import { startOfflineServer } from '../src/testing.js';
import { parseWav, ROOT, tempDir } from './helpers.js';

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

/** The ```ts blocks of the README's library section. */
function libraryExamples(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## The library\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

test("the README's library examples type-check against the package's entries, as a user imports them", (t) => {
  const examples = libraryExamples();
  assert.ok(examples.length >= 2, 'the library section has its examples');
  // Inside the package, so 'smallest-tts' resolves to its own built entries through "exports".
  const dir = join(ROOT, 'dist', 'readme-library');
  mkdirSync(dir, { recursive: true });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = examples.map((code, i) => {
    // What a block takes from the one before it: the client and the long text.
    const given = [
      !/\bconst client\b/.test(code) && /\bclient\b/.test(code) ? "declare const client: import('smallest-tts').WavesClient;" : '',
      /\blongText\b/.test(code) ? 'declare const longText: string;' : '',
    ];
    const file = join(dir, `example-${i + 1}.mts`);
    writeFileSync(file, `${code}\n${given.join('\n')}\nexport {};\n`);
    return file;
  });
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts'], types: ['node'], strict: true, noEmit: true, skipLibCheck: true,
  });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
  assert.deepEqual(problems, []);
});
