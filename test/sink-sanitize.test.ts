// StreamSink under backpressure and a leaving reader; WavFileSink.finishSync during end(); safeText; suggest.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutputClosedError, OutputWriteError, StreamSink } from '../src/audio/sink.js';
import { WavFileSink } from '../src/audio/wav.js';
import { parseWav, tempDir } from './helpers.js';
import { safeLine, safeText } from '../src/cli/terminal/sanitize.js';
import { exitCodeFor, hintForCode } from '../src/cli/hints.js';
import { editDistance, suggest } from '../src/cli/suggest.js';

/** A stream that is always full: every write waits for a later tick (a slow stdout). */
function slowStream(): Writable {
  return new Writable({ highWaterMark: 8, write: (_chunk, _encoding, done) => setImmediate(done) });
}

test('StreamSink: regression, a drain listener leaked per backpressured write (MaxListenersExceededWarning)', async () => {
  const stream = slowStream();
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  const sink = new StreamSink(stream);
  const errorListeners = stream.listenerCount('error');
  for (let i = 0; i < 40; i++) await sink.write(Buffer.alloc(64));
  await sink.end();
  await new Promise((resolve) => setImmediate(resolve));
  process.off('warning', onWarning);
  assert.equal(stream.listenerCount('drain'), 0);
  assert.equal(stream.listenerCount('error'), errorListeners);
  assert.deepEqual(warnings.map((w) => w.name), []);
  assert.equal(sink.bytesWritten, 40 * 64);
});

test('StreamSink: EPIPE is the reader leaving, another error a write failure with a message', async () => {
  for (const [code, type] of [['EPIPE', OutputClosedError], ['ENOSPC', OutputWriteError]] as const) {
    let writes = 0;
    const stream = new Writable({
      highWaterMark: 8,
      write: (_chunk, _encoding, done) => (++writes > 2 ? done(Object.assign(new Error(`write ${code}`), { code })) : setImmediate(done)),
    });
    const sink = new StreamSink(stream);
    await assert.rejects(async () => {
      for (let i = 0; i < 10; i++) await sink.write(Buffer.alloc(16));
    }, type);
    await assert.rejects(sink.write(Buffer.alloc(16)), type, 'later writes fail the same way');
  }
  assert.equal(exitCodeFor(new OutputClosedError()), 141);
  const full = new OutputWriteError(Object.assign(new Error('x'), { code: 'ENOSPC' }));
  assert.match(full.message, /no space left on device/);
  assert.deepEqual([full.code, full.data.errno], ['output_write_failed', 'ENOSPC']);
  assert.match(hintForCode(full) ?? '', /another output with -o/);
});

test('WavFileSink: regression, a second signal during end() left a .part file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'out.wav');
  const sink = await WavFileSink.open(path, 16000);
  const pcm = Buffer.alloc(3200, 7);
  await sink.write(pcm);
  const ending = sink.end().catch(() => {}); // the process would exit before this settles
  (sink as WavFileSink).finishSync();
  assert.deepEqual(readdirSync(dir), ['out.wav'], 'in place before the process exits');
  await ending;
  const wav = parseWav(readFileSync(path));
  assert.equal(wav.dataSize, pcm.length);
  assert.deepEqual(wav.data, pcm);
});

test('safeText strips escape sequences and control characters, keeps line feeds, cuts with an ellipsis', () => {
  const cases: [string, string][] = [
    ['plain text, Mr. Smith.', 'plain text, Mr. Smith.'],
    ['\u001b[31mred\u001b[0m and \u001b[2J cleared', 'red and  cleared'],
    ['title \u001b]0;pwned\u0007 set', 'title  set'],
    ['title \u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\', 'title link'],
    ['bell\u0007 backspace\b nul\u0000 del\u007f c1\u009b31m', 'bell backspace nul del c1'],
    ['line one\nline two\r\nline three\rover', 'line one\nline two\nline three\nover'],
    ['tab\there', 'tab here'],
    ['bidi \u202eevil\u202c', 'bidi evil'],
  ];
  for (const [input, expected] of cases) assert.equal(safeText(input), expected, JSON.stringify(input));
  const long = safeText('word '.repeat(200), 50);
  assert.equal(long.length, 50);
  assert.ok(long.endsWith('…'));
  assert.ok(!/[\uD800-\uDBFF]…$/.test(safeText('😀'.repeat(40), 10)), 'no lone surrogate before the ellipsis');
  assert.equal(safeLine('two\nlines'), 'two lines');
});

test('suggest: close names first, nothing for an exact or a distant name', () => {
  const keys = ['model', 'voice', 'language', 'speed', 'consistency', 'similarity', 'enhancement', 'sample-rate', 'base-url', 'api-key'];
  assert.deepEqual(suggest('sped', keys), ['speed']);
  assert.deepEqual(suggest('vocie', keys), ['voice']);
  assert.deepEqual(suggest('samplerate', keys), ['sample-rate']);
  assert.deepEqual(suggest('apikey', keys), ['api-key']);
  assert.deepEqual(suggest('voice', keys), [], 'an exact name needs no suggestion');
  assert.deepEqual(suggest('Voice', keys), ['voice'], 'only the case differs');
  assert.deepEqual(suggest('xyzzy', keys), []);
  assert.deepEqual(suggest('emly', ['emily', 'emma', 'ryan', 'sophia']), ['emily']);
  assert.deepEqual(suggest('sophi', ['sophia', 'sophie', 'ryan'], 1), ['sophia']);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});
