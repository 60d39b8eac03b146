import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { addSecret, redact } from '../src/cli/secrets.js';
import { parseWav, runCli, startServer, tempDir, waitFor } from './helpers.js';

/** A key no other text could contain by chance. */
const KEY = 'sk-trace-ZQXJ-7f3c91d0e2b4a658';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Line = Record<string, any>;

function readTrace(path: string): { raw: string; lines: Line[] } {
  const raw = readFileSync(path, 'utf8');
  assert.ok(raw.endsWith('\n'), 'every line ends with a newline');
  const lines = raw.trimEnd().split('\n').map((l) => JSON.parse(l) as Line);
  let last = -Infinity;
  for (const line of lines) {
    assert.equal(typeof line.t, 'number');
    assert.ok(line.t >= last, `time runs forward: ${line.t} after ${last}`);
    last = line.t;
    assert.ok(['in', 'out'].includes(line.dir), `dir on ${JSON.stringify(line)}`);
    assert.equal(typeof line.kind, 'string');
  }
  return { raw, lines };
}

describe('--trace FILE', () => {
  test('say: the request text, audio byte counts equal to the WAV data, a close; the key nowhere', async (t) => {
    const server = await startServer(t, { apiKey: KEY, chunkBytes: 999 });
    const dir = tempDir(t);
    const out = join(dir, 'out.wav');
    const trace = join(dir, 'trace.jsonl');
    const text = 'Tracing one request. It has two sentences.';
    const r = await runCli(['say', text, '-o', out, '--trace', trace, '--base-url', server.url], { env: { SMALLEST_API_KEY: KEY } });
    assert.equal(r.code, 0, r.stderr);
    const { raw, lines } = readTrace(trace);
    assert.ok(!raw.includes(KEY), 'the key is never written');
    assert.ok(!/Bearer/i.test(raw));
    assert.deepEqual(lines.slice(0, 2).map((l) => l.kind), ['connect', 'open']);
    const sent = lines.filter((l) => l.dir === 'out' && l.kind === 'frame');
    assert.equal(sent.map((l) => l.frame.text).join(''), text);
    const chunks = lines.filter((l) => l.dir === 'in' && l.kind === 'frame' && l.status === 'chunk');
    assert.ok(chunks.length > 1);
    assert.ok(!raw.includes('"audio"'), 'audio is never written, only its size');
    const bytes = chunks.reduce((sum, l) => sum + l.audioBytes, 0);
    assert.equal(bytes, parseWav(readFileSync(out)).dataSize);
    assert.ok(lines.some((l) => l.kind === 'frame' && l.status === 'complete'));
    const close = lines.find((l) => l.kind === 'close');
    assert.ok(close && typeof close.code === 'number', 'a close line with its code');
  });

  test('repl: every line\'s request, and the close at the end', async (t) => {
    const server = await startServer(t, { apiKey: KEY });
    const dir = tempDir(t);
    const trace = join(dir, 'trace.jsonl');
    const r = await runCli(['repl', '-o', join(dir, 'out.wav'), '--trace', trace, '--base-url', server.url], { stdin: 'First line.\nSecond line.\n', env: { SMALLEST_API_KEY: KEY } });
    assert.equal(r.code, 0, r.stderr);
    const { raw, lines } = readTrace(trace);
    assert.ok(!raw.includes(KEY));
    assert.deepEqual(lines.filter((l) => l.dir === 'out' && l.kind === 'frame').map((l) => l.frame.text), ['First line.', 'Second line.']);
    assert.equal(lines.at(-1)?.kind, 'close');
  });

  test('say ended by SIGTERM twice mid-stream: the trace holds whole lines up to the end, the audio in it equal to the WAV', async (t) => {
    const server = await startServer(t, { apiKey: KEY, realtimeFactor: 1 });
    const dir = tempDir(t);
    const out = join(dir, 'out.wav');
    const trace = join(dir, 'trace.jsonl');
    const text = 'A longer text that takes a few seconds to speak at real time, so a signal lands while audio is still flowing in.';
    const r = await runCli(['say', text, '-o', out, '--trace', trace, '--base-url', server.url], {
      env: { SMALLEST_API_KEY: KEY },
      onSpawn: (child) => void waitFor(() => (server.requests[0]?.bytes ?? 0) > 9600, 10_000, 'audio flowing').then(() => {
        child.kill('SIGTERM');
        child.kill('SIGTERM'); // the second exits at once: nothing may wait in a buffer
      }),
    });
    assert.equal(r.code, 143, r.stderr);
    const { lines } = readTrace(trace);
    const bytes = lines.filter((l) => l.status === 'chunk').reduce((sum, l) => sum + l.audioBytes, 0);
    assert.ok(bytes > 0);
    assert.ok(bytes >= parseWav(readFileSync(out)).dataSize, 'every byte written was traced first');
  });

  test('a refused key: the HTTP status of the upgrade is traced, the key is not', async (t) => {
    const server = await startServer(t, { apiKey: 'sk-the-right-one-123' });
    const trace = join(tempDir(t), 'trace.jsonl');
    const r = await runCli(['say', 'Hi.', '-o', join(tempDir(t), 'x.wav'), '--trace', trace, '--base-url', server.url, '--api-key', KEY]);
    assert.notEqual(r.code, 0);
    const { raw, lines } = readTrace(trace);
    assert.ok(!raw.includes(KEY));
    assert.ok(lines.some((l) => l.kind === 'http' && l.status === 401), raw);
  });

  test('voices: the REST call and its status', async (t) => {
    const server = await startServer(t, { apiKey: KEY });
    const trace = join(tempDir(t), 'trace.jsonl');
    const r = await runCli(['voices', '--json', '--refresh', '--trace', trace, '--base-url', server.url], { env: { SMALLEST_API_KEY: KEY } });
    assert.equal(r.code, 0, r.stderr);
    const { raw, lines } = readTrace(trace);
    assert.ok(!raw.includes(KEY));
    assert.deepEqual(lines.map((l) => [l.dir, l.kind, l.status]), [['out', 'http', undefined], ['in', 'http', 200]]);
    assert.match(lines[0].url, /get_voices$/);
  });

  test('batch: every item\'s frames, appended to an existing file', async (t) => {
    const server = await startServer(t, { apiKey: KEY });
    const dir = tempDir(t);
    const trace = join(dir, 'trace.jsonl');
    writeFileSync(trace, '{"t":0,"dir":"out","kind":"earlier"}\n');
    writeFileSync(join(dir, 'm.txt'), 'First item.\nSecond item.\n');
    const r = await runCli(['batch', join(dir, 'm.txt'), '--out-dir', join(dir, 'out'), '--trace', trace, '--base-url', server.url], { env: { SMALLEST_API_KEY: KEY } });
    assert.equal(r.code, 0, r.stderr);
    const raw = readFileSync(trace, 'utf8');
    assert.ok(raw.startsWith('{"t":0,"dir":"out","kind":"earlier"}\n'), 'appended, not replaced');
    assert.ok(!raw.includes(KEY));
    const texts = raw.trimEnd().split('\n').map((l) => JSON.parse(l) as Line).filter((l) => l.dir === 'out' && l.kind === 'frame').map((l) => l.frame.text);
    assert.deepEqual(texts, ['First item.', 'Second item.']);
  });

  test('the trace is redacted as every other output: Bearer values and the key in plain and JSON-escaped form', () => {
    addSecret('a"key-0001');
    addSecret('sk-1234');
    assert.equal(redact('{"h":"Bearer abc.def"}'), '{"h":"Bearer ***"}');
    assert.equal(redact(JSON.stringify({ x: 'a"key-0001' })), '{"x":"***"}');
    assert.equal(redact('key=sk-1234 again sk-1234'), 'key=*** again ***');
  });

});
