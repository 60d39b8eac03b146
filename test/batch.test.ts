import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ApiError } from '../src/core/errors.js';
import { startWavesServer, type WavesServerOptions } from '../src/server/waves-server.js';
import { WavesClient } from '../src/pipeline/client.js';
import { LINES, pcmFor, texts, wavsIn } from './batch-fixtures.js';
import { API_KEY, parseWav, runCli, serverArgs, startServer, tempDir } from './helpers.js';

test('a 12-line .txt becomes 0001.wav … 0012.wav over one socket, each exactly its line’s audio', async (t) => {
  const server = await startServer(t, { chunkBytes: 1001 });
  const dir = tempDir(t);
  const manifest = join(dir, 'lines.txt');
  writeFileSync(manifest, `${LINES.slice(0, 6).join('\n')}\n\n   \n${LINES.slice(6).join('\r\n')}\n`);
  const out = join(dir, 'out');
  const r = await runCli(['batch', manifest, '--out-dir', out, ...serverArgs(server)]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(wavsIn(out), LINES.map((_, i) => `${String(i + 1).padStart(4, '0')}.wav`));
  assert.equal(server.connections(), 1);
  assert.equal(server.upgrades.length, 1);
  assert.deepEqual(texts(server), LINES);
  LINES.forEach((line, i) => {
    const wav = parseWav(readFileSync(join(out, wavsIn(out)[i])));
    assert.equal(wav.sampleRate, 24000);
    assert.ok(wav.data.length > 0);
    assert.ok(wav.data.equals(pcmFor(server, line)), `0${i + 1}: the WAV data is the request's PCM`);
    assert.equal(wav.dataSize, wav.data.length);
  });
  assert.equal(r.stdout.length, 0, 'nothing on stdout without --json');
});


test('duplicate and unusable ids are usage errors naming their lines, and nothing is sent', async (t) => {
  const server = await startServer(t);
  const dir = tempDir(t);
  const manifest = join(dir, 'bad.jsonl');
  writeFileSync(
    manifest,
    [
      { id: 'intro', text: 'Welcome back, Dr. Watson.' },
      { id: 'outro', text: 'Goodbye for now.' },
      { id: 'intro', text: 'Welcome again.' },
      { id: 'ok', text: 'This line is fine.' },
      { id: 'chapters/one', text: 'A path in an id.' },
      { id: '..', text: 'The parent folder.' },
      { id: '', text: 'No name at all.' },
      { id: 'fast', text: 'Far too fast.', speed: 9 },
    ].map((e) => JSON.stringify(e)).join('\n'),
  );
  const out = join(dir, 'out');
  const r = await runCli(['batch', manifest, '--out-dir', out, ...serverArgs(server)]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /line 3: the id "intro" is already used on line 1/);
  assert.match(r.stderr, /line 5: .*path separator/);
  assert.match(r.stderr, /line 6: .*"\.\."/);
  assert.match(r.stderr, /line 7: the id is empty/);
  assert.match(r.stderr, /line 8: speed must be between 0\.5 and 2/);
  assert.doesNotMatch(r.stderr, /line [124]:/);
  assert.equal(server.upgrades.length, 0);
  assert.equal(existsSync(out), false);
});

test('a CSV manifest: quoted commas, doubled quotes and a line break inside quotes', async (t) => {
  const server = await startServer(t);
  const dir = tempDir(t);
  const manifest = join(dir, 'prompts.csv');
  writeFileSync(
    manifest,
    'id,voice,text,format\r\n' +
      'greeting,emily,"Hello, Mr. Brown, and welcome.",\r\n' +
      'quote,,"She said ""No, thank you"" at 9 p.m.",\r\n' +
      'poem,ryan,"Roses are red,\nviolets are blue.",raw\r\n' +
      'plain,emily,No quotes needed here.,wav\r\n',
  );
  const out = join(dir, 'out');
  const r = await runCli(['batch', manifest, '--out-dir', out, '--json', ...serverArgs(server)]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    server.requests.map((q) => [q.body.text, q.body.voice_id]),
    [
      ['Hello, Mr. Brown, and welcome.', 'emily'],
      ['She said "No, thank you" at 9 p.m.', 'sophia'],
      ['Roses are red, violets are blue.', 'ryan'],
      ['No quotes needed here.', 'emily'],
    ],
  );
  assert.deepEqual(readdirSync(out).sort(), ['greeting.wav', 'plain.wav', 'poem.raw', 'quote.wav']);
  assert.ok(readFileSync(join(out, 'poem.raw')).equals(pcmFor(server, 'Roses are red, violets are blue.')), 'the format column: headerless PCM');
  const report = JSON.parse(r.stdout.toString()) as { items: { id: string; line: number; status: string; bytes: number; file: string }[] };
  assert.deepEqual(report.items.map((i) => [i.id, i.line, i.status]), [['greeting', 2, 'done'], ['quote', 3, 'done'], ['poem', 4, 'done'], ['plain', 6, 'done']]);
  for (const item of report.items.filter((i) => i.id !== 'poem')) assert.equal(item.bytes, parseWav(readFileSync(join(out, `${item.id}.wav`))).data.length);
  assert.equal(report.items[2].file, join(out, 'poem.raw'));
});

test('three --shard K/3 runs cover 20 lines exactly once', async (t) => {
  const server = await startServer(t);
  const dir = tempDir(t);
  const lines = Array.from({ length: 20 }, (_, i) => `Item ${i + 1}: Dr. Rivera checked shelf ${100 + i} on aisle ${(i % 4) + 1}.`);
  const manifest = join(dir, 'inventory.txt');
  writeFileSync(manifest, `${lines.join('\n')}\n`);
  const out = join(dir, 'out');
  const runs = await Promise.all([1, 2, 3].map((k) => runCli(['batch', manifest, '--out-dir', out, '--shard', `${k}/3`, '--json', ...serverArgs(server)])));
  for (const [k, r] of runs.entries()) {
    assert.equal(r.code, 0, r.stderr);
    const ids = (JSON.parse(r.stdout.toString()) as { items: { id: string }[] }).items.map((i) => i.id);
    assert.deepEqual(ids, lines.map((_, i) => String(i + 1).padStart(4, '0')).filter((_, i) => i % 3 === k), `shard ${k + 1}/3`);
  }
  assert.deepEqual([...texts(server)].sort(), [...lines].sort());
  assert.equal(new Set(texts(server)).size, 20);
  assert.equal(wavsIn(out).length, 20);
});

test('a refused voice fails its item only: the others are written, the summary names it, exit 1', async (t) => {
  const server = await startServer(t, { refuseVoices: ['ghost'] });
  const dir = tempDir(t);
  const manifest = join(dir, 'mixed.jsonl');
  writeFileSync(manifest, [LINES[0], LINES[1], LINES[2]].map((text, i) => JSON.stringify({ text, ...(i === 1 && { voice: 'ghost' }) })).join('\n'));
  const out = join(dir, 'out');
  const r = await runCli(['batch', manifest, '--out-dir', out, '--json', ...serverArgs(server)]);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(wavsIn(out), ['0001.wav', '0003.wav']);
  assert.match(r.stderr, /1 item failed:\n {2}0002 \(line 2\): .*ghost/);
  const report = JSON.parse(r.stdout.toString()) as { failed: number; items: { id: string; status: string; error: { code?: string } | null }[] };
  assert.equal(report.failed, 1);
  assert.deepEqual(report.items.map((i) => [i.id, i.status]), [['0001', 'done'], ['0002', 'failed'], ['0003', 'done']]);
  assert.equal(report.items[1].error?.code, 'VOICE_NOT_FOUND');
  assert.equal(server.connections(), 1, 'a refused request does not cost the socket');
});


/** Whether the test server enforces an account-wide request limit (the server engineer's `maxActiveRequests`). */
async function serverHasRequestLimit(): Promise<boolean> {
  const server = await startWavesServer({ apiKey: API_KEY, firstChunkDelayMs: 100, maxActiveRequests: 1 } as WavesServerOptions);
  const clients = [0, 1].map(() => new WavesClient({ apiKey: API_KEY, baseUrl: server.url }));
  try {
    const outcomes = await Promise.allSettled(clients.map(async (c) => {
      for await (const _ of c.synthesize('Probe.')) void _;
    }));
    return outcomes.some((o) => o.status === 'rejected' && o.reason instanceof ApiError && o.reason.kind === 'over-limit');
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  }
}

const limited = await serverHasRequestLimit();

test('--concurrency 3 against a server that allows 2 at once: refusals are retried, not failures', { skip: limited ? false : "needs the server's maxActiveRequests" }, async (t) => {
  const server = await startServer(t, { maxActiveRequests: 2, firstChunkDelayMs: 150 } as WavesServerOptions);
  const dir = tempDir(t);
  const manifest = join(dir, 'lines.txt');
  writeFileSync(manifest, LINES.slice(0, 9).join('\n'));
  const out = join(dir, 'out');
  const r = await runCli(['batch', manifest, '--out-dir', out, '--concurrency', '3', '--retry-base-ms', '20', '--json', ...serverArgs(server)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(wavsIn(out).length, 9);
  const report = JSON.parse(r.stdout.toString()) as { failed: number; items: { retries: number }[] };
  assert.equal(report.failed, 0);
  assert.ok(report.items.reduce((sum, i) => sum + i.retries, 0) >= 1, 'the third request at once was refused and retried');
  assert.ok(server.connections() <= 3);
  for (const line of LINES.slice(0, 9)) assert.ok(parseWav(readFileSync(join(out, `${String(LINES.indexOf(line) + 1).padStart(4, '0')}.wav`))).data.equals(pcmFor(server, line)));
});

test('--concurrency above the socket limit is a usage error unless --max-sockets raises it', async (t) => {
  const server = await startServer(t);
  const dir = tempDir(t);
  const manifest = join(dir, 'one.txt');
  writeFileSync(manifest, `${LINES[0]}\n`);
  const refused = await runCli(['batch', manifest, '--out-dir', join(dir, 'out'), '--concurrency', '6', ...serverArgs(server)]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--max-sockets 6/);
  assert.equal(server.upgrades.length, 0);
  const raised = await runCli(['batch', manifest, '--out-dir', join(dir, 'out'), '--concurrency', '6', '--max-sockets', '6', ...serverArgs(server)]);
  assert.equal(raised.code, 0, raised.stderr);
  assert.equal(server.connections(), 1, 'a worker with nothing to do opens no socket');
});

test('a refused key stops the batch at once: exit 1, the key never printed, nothing written', async (t) => {
  const server = await startServer(t);
  const dir = tempDir(t);
  const manifest = join(dir, 'lines.txt');
  writeFileSync(manifest, LINES.slice(0, 4).join('\n'));
  const out = join(dir, 'out');
  const wrong = 'sk-wrong-key-9876543210';
  const r = await runCli(['batch', manifest, '--out-dir', out, '--json', '--base-url', server.url, '--api-key', wrong]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /API key was refused \(HTTP 401\)/);
  assert.doesNotMatch(r.stderr + r.stdout.toString(), new RegExp(wrong));
  assert.deepEqual(readdirSync(out), []);
  assert.equal(server.requests.length, 0);
  assert.equal(server.upgrades.length, 1, 'no retry: one attempt');
  assert.equal((JSON.parse(r.stdout.toString()) as { written: number }).written, 0, 'the report is still a whole JSON document');
});

test('a paragraph longer than one request is split at sentences and joined into one file, byte for byte', async (t) => {
  const server = await startServer(t, { chunkBytes: 777 });
  const dir = tempDir(t);
  const paragraph = LINES.join(' ');
  const manifest = join(dir, 'para.jsonl');
  writeFileSync(manifest, `${JSON.stringify({ id: 'para', text: paragraph })}\n${JSON.stringify({ id: 'short', text: LINES[0] })}\n`);
  const out = join(dir, 'out');
  const r = await runCli(['batch', manifest, '--out-dir', out, ...serverArgs(server)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(server.requests.at(-1)?.body.text, LINES[0], 'the short item comes last, in one request');
  const paraRequests = server.requests.slice(0, -1);
  assert.ok(paraRequests.length >= 3, `${paraRequests.length} requests for ${paragraph.length} characters`);
  assert.equal(paraRequests.map((q) => q.text).join(' '), paragraph);
  assert.ok(parseWav(readFileSync(join(out, 'para.wav'))).data.equals(Buffer.concat(paraRequests.map((q) => q.pcm ?? Buffer.alloc(0)))));
});


test('--subtitles asks for word timings; --offline speaks through the local voice', async (t) => {
  const server = await startServer(t);
  const dir = tempDir(t);
  const manifest = join(dir, 'two.txt');
  writeFileSync(manifest, `${LINES[0]}\n${LINES[1]}\n`);
  const r = await runCli(['batch', manifest, '--out-dir', join(dir, 'subs'), '--subtitles', '--voice', 'liam', ...serverArgs(server)]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(server.requests.map((q) => q.body.word_timestamps), [true, true]);
  assert.deepEqual(readdirSync(join(dir, 'subs')).sort(), ['0001.srt', '0001.wav', '0002.srt', '0002.wav']);
  for (const [i, id] of ['0001', '0002'].entries()) {
    const srt = readFileSync(join(dir, 'subs', `${id}.srt`), 'utf8');
    assert.match(srt, /^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n\S/);
    const cueText = [...srt.matchAll(/,\d{3}\n([^\n]+)/g)].map((m) => m[1]).join(' ');
    assert.equal(cueText, LINES[i], `${id}: every word once, in order`);
    const ends = [...srt.matchAll(/--> (\d\d):(\d\d):(\d\d),(\d{3})/g)].map((m) => Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000);
    const seconds = parseWav(readFileSync(join(dir, 'subs', `${id}.wav`))).data.length / 48000;
    assert.ok(ends.at(-1)! <= seconds + 0.001, `${id}: the last cue ends within the audio`);
  }
  const plain = await runCli(['batch', manifest, '--out-dir', join(dir, 'plain'), '--subtitles', ...serverArgs(server)]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(readdirSync(join(dir, 'plain')).sort(), ['0001.wav', '0002.wav'], 'a voice without word timings: audio only');

  const offline = await runCli(['batch', manifest, '--out-dir', join(dir, 'offline'), '--offline']);
  assert.equal(offline.code, 0, offline.stderr);
  for (const file of ['0001.wav', '0002.wav']) assert.ok(parseWav(readFileSync(join(dir, 'offline', file))).data.length > 24000, `${file} holds speech`);
});
