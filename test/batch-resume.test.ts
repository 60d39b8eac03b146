import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LINES, pcmFor, tempsIn, texts, wavsIn } from './batch-fixtures.js';
import { parseWav, runCli, serverArgs, startServer, tempDir, waitFor } from './helpers.js';

test('a JSONL batch stopped by SIGTERM after 5 items keeps them; the rerun asks only for the rest, with per-line voices', async (t) => {
  const server = await startServer(t, { realtimeFactor: 25 });
  const dir = tempDir(t);
  const voices = ['emily', 'ryan', undefined];
  const entries = LINES.map((text, i) => ({ id: `clip-${String.fromCharCode(97 + i)}`, text, ...(voices[i % 3] && { voice: voices[i % 3] }) }));
  const manifest = join(dir, 'book.jsonl');
  writeFileSync(manifest, entries.map((e) => JSON.stringify(e)).join('\n'));
  const out = join(dir, 'out');
  const first = await runCli(['batch', manifest, '--out-dir', out, ...serverArgs(server)], {
    onSpawn: (child) => {
      void waitFor(() => existsSync(out) && wavsIn(out).length >= 5, 15_000, 'five files').then(() => child.kill('SIGTERM'));
    },
  });
  assert.equal(first.code, 143, first.stderr);
  const kept = wavsIn(out);
  assert.ok(kept.length >= 5 && kept.length < LINES.length, `kept ${kept.length}`);
  assert.deepEqual(tempsIn(out), [], 'no temporary file left');
  for (const file of kept) {
    const entry = entries.find((e) => `${e.id}.wav` === file)!;
    assert.ok(parseWav(readFileSync(join(out, file))).data.equals(pcmFor(server, entry.text)), `${file} is whole`);
  }

  const before = server.requests.length;
  const second = await runCli(['batch', manifest, '--out-dir', out, '--json', ...serverArgs(server)]);
  assert.equal(second.code, 0, second.stderr);
  const rest = entries.filter((e) => !kept.includes(`${e.id}.wav`));
  assert.deepEqual(texts(server, before), rest.map((e) => e.text));
  assert.deepEqual(wavsIn(out), entries.map((e) => `${e.id}.wav`).sort());
  for (const request of server.requests) {
    const entry = entries.find((e) => e.text === request.text)!;
    assert.equal(request.body.voice_id, entry.voice ?? 'sophia', entry.id);
  }
  const report = JSON.parse(second.stdout.toString()) as { written: number; skipped: number; items: { id: string; status: string }[] };
  assert.equal(report.written, rest.length);
  assert.equal(report.skipped, kept.length);
  assert.deepEqual(report.items.map((i) => i.id), entries.map((e) => e.id));
});

test('Ctrl-C (SIGINT) stops with 130: finished files kept, none in progress left', async (t) => {
  const server = await startServer(t, { realtimeFactor: 25 });
  const dir = tempDir(t);
  const manifest = join(dir, 'lines.txt');
  writeFileSync(manifest, LINES.join('\n'));
  const out = join(dir, 'out');
  const r = await runCli(['batch', manifest, '--out-dir', out, '--concurrency', '2', ...serverArgs(server)], {
    onSpawn: (child) => {
      void waitFor(() => existsSync(out) && wavsIn(out).length >= 2, 15_000, 'two files').then(() => child.kill('SIGINT'));
    },
  });
  assert.equal(r.code, 130, r.stderr);
  assert.ok(wavsIn(out).length >= 2 && wavsIn(out).length < LINES.length);
  assert.deepEqual(tempsIn(out), []);
  for (const file of wavsIn(out)) assert.ok(parseWav(readFileSync(join(out, file))).data.equals(pcmFor(server, LINES[Number(file.slice(0, 4)) - 1])), file);
});

test('a manifest on stdin (-) with --manifest-format, and --force redoes finished items', async (t) => {
  const server = await startServer(t);
  const dir = tempDir(t);
  const out = join(dir, 'out');
  const stdin = `${JSON.stringify({ id: 'a', text: LINES[3] })}\n${JSON.stringify({ id: 'b', text: LINES[4], speed: '1.5' })}\n`;
  const args = ['batch', '-', '--manifest-format', 'jsonl', '--out-dir', out, ...serverArgs(server)];
  assert.equal((await runCli(args, { stdin })).code, 0);
  assert.equal((await runCli(args, { stdin })).code, 0);
  assert.equal(server.requests.length, 2, 'the second run found both finished');
  assert.equal(server.requests[1].body.speed, 1.5);
  const forced = await runCli([...args, '--force'], { stdin });
  assert.equal(forced.code, 0, forced.stderr);
  assert.deepEqual(texts(server, 2), [LINES[3], LINES[4]]);
});
