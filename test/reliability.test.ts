// Issue 19's rows on signals, FIFOs, links and late checks: real processes, a real FIFO, a real
// terminal (tmux) for the REPL. Each test is named after the row it covers.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openFileSink } from '../src/audio/output.js';
import { BIN, parseWav, runCli, sentPcm, serverArgs, serverSettled, startServer, tempDir, waitFor, type RunResult } from './helpers.js';
import { modelArgs } from './model-args.js';
import { prose } from './prose.js';

const MODEL = await modelArgs();
const TEXT = prose(1500, 3);
const hasSox = spawnSync('sox', ['--version']).status === 0;
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const parts = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.part'));

/** A valid WAV whose header matches its data, holding a prefix of `sent`. */
function assertWavPrefix(file: string, sent: Buffer): void {
  const wav = parseWav(readFileSync(file));
  assert.equal(wav.dataSize, wav.data.length, 'the header size matches the data');
  assert.equal(wav.riffSize, wav.data.length + 36);
  assert.deepEqual(wav.data, sent.subarray(0, wav.data.length), 'a prefix of what the server sent');
}

function decode(path: string): Buffer {
  return execFileSync('sox', [path, '-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1', '-'], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the CLI and times from `kill` to its exit. */
async function killedAfter(args: string[], ready: () => boolean, signal: NodeJS.Signals, options: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult & { ms: number }> {
  let sentAt = 0;
  const r = await runCli(args, {
    ...options,
    timeoutMs: 15_000,
    onSpawn: (child) =>
      void waitFor(ready, 10_000, 'the waiting phase').then(() => {
        sentAt = Date.now();
        child.kill(signal);
      }),
  });
  return { ...r, ms: Date.now() - sentAt };
}

describe('issue 19 row 2: two signals in a row while writing', () => {
  for (const format of ['mp3', 'ogg', 'flac', 'wav'] as const) {
    test(`row 2: a second signal at every step of end() leaves a valid ${format} in place and no .part (regression: the closing handle taken for a finished commit)`, { skip: format !== 'wav' && !hasSox && 'sox is not installed' }, async (t) => {
      const dir = tempDir(t);
      const pcm = Buffer.alloc(48_000);
      for (let i = 0; i < pcm.length / 2; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin(i / 7)), i * 2);
      // end() takes a few turns of the event loop (write the tail, patch, close, rename): stop it after each number of turns.
      const endings: unknown[] = [];
      for (let turns = 0; turns < 12; turns++) {
        const path = join(dir, `cut-${turns}.${format}`);
        const sink = await openFileSink(path, { format, sampleRate: 24000 });
        await sink.write(pcm);
        const ending = sink.end().catch((error: Error) => error);
        for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
        sink.finishSync?.();
        assert.ok(existsSync(path), `after ${turns} turns: the file is in place before the process would exit`);
        assert.deepEqual(parts(dir), [], `after ${turns} turns: no .part`);
        const settled = await ending;
        if (format === 'wav') assertWavPrefix(path, pcm);
        else assert.ok(decode(path).length > 0, `after ${turns} turns: the ${format} decodes`);
        endings.push(settled);
      }
      assert.deepEqual(endings.filter(Boolean), [], 'end() settles quietly once finishSync() has finished it');
    });
  }

  test('row 2: a second signal during abort() leaves no .part and the old file untouched', async (t) => {
    const dir = tempDir(t);
    for (let turns = 0; turns < 6; turns++) {
      const path = join(dir, `old-${turns}.mp3`);
      writeFileSync(path, 'old');
      const sink = await openFileSink(path, { format: 'mp3', sampleRate: 24000 });
      await sink.write(Buffer.alloc(4800));
      const aborting = sink.abort();
      for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
      sink.finishSync?.();
      await aborting;
      assert.equal(readFileSync(path, 'utf8'), 'old');
    }
    assert.deepEqual(parts(dir), []);
  });

  for (const format of ['mp3', 'ogg'] as const) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      test(`row 2: say -o out.${format}, two ${signal}s in a row while writing: out.${format} valid, no .part`, { skip: !hasSox && 'sox is not installed' }, async (t) => {
        const server = await startServer(t, { realtimeFactor: 4 });
        const dir = tempDir(t);
        const out = join(dir, `out.${format}`);
        const r = await runCli(['say', ...MODEL, TEXT, '-o', out, ...serverArgs(server)], {
          onSpawn: (child) =>
            void waitFor(() => (server.requests[0]?.bytes ?? 0) > 24_000, 10_000, 'audio flowing').then(() => {
              child.kill(signal);
              child.kill(signal);
            }),
        });
        assert.equal(r.code, signal === 'SIGINT' ? 130 : 143, r.stderr);
        assert.deepEqual(readdirSync(dir), [`out.${format}`]);
        assert.ok(decode(out).length > 0, 'decodes');
      });
    }
  }
});

describe('issue 19 row 6 and guarantee 2: a FIFO never blocks a signal', () => {
  for (const format of ['wav', 'mp3'] as const) {
    test(`row 6: say -o f.${format} (a FIFO) with no reader ends on one SIGTERM within a second`, async (t) => {
      const server = await startServer(t);
      const dir = tempDir(t);
      const fifo = join(dir, `f.${format}`);
      execFileSync('mkfifo', [fifo]);
      const started = Date.now();
      const r = await killedAfter(['say', ...MODEL, 'Hello there.', '-o', fifo, ...serverArgs(server)], () => Date.now() - started > 1500, 'SIGTERM');
      assert.equal(r.code, 143, r.stderr);
      assert.ok(r.ms < 1000, `ended ${r.ms} ms after the signal`);
      assert.ok(statSync(fifo).isFIFO(), 'still a FIFO');
      assert.deepEqual(readdirSync(dir), [`f.${format}`]);
    });
  }

  test('row 6: a FIFO whose reader comes later is written in place', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const fifo = join(dir, 'later.wav');
    execFileSync('mkfifo', [fifo]);
    const got: Buffer[] = [];
    let closed: Promise<unknown> = Promise.resolve();
    const r = await runCli(['say', ...MODEL, 'Hello there.', '-o', fifo, ...serverArgs(server)], {
      onSpawn: () =>
        void new Promise((resolve) => setTimeout(resolve, 700)).then(() => {
          const reader = spawn('cat', [fifo]);
          reader.stdout.on('data', (d: Buffer) => got.push(d));
          closed = new Promise((resolve) => reader.on('close', resolve));
        }),
    });
    assert.equal(r.code, 0, r.stderr);
    await closed;
    assert.deepEqual(parseWav(Buffer.concat(got)).data, server.requests[0].pcm);
  });

  test('guarantee 2: say -f FIFO opens it once and reads it as a writer writes it', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const fifo = join(dir, 'text.txt');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `sleep 0.5; printf 'Line one.\\nLine two.\\n' > '${fifo}'`]);
    const written = new Promise((resolve) => writer.on('close', resolve));
    const r = await runCli(['say', ...MODEL, '-f', fifo, '-o', join(dir, 'out.wav'), ...serverArgs(server)]);
    await written;
    assert.equal(r.code, 0, r.stderr);
    assert.match(server.requests.map((q) => q.text).join(' '), /Line one\. *Line two\./);
    assertWavPrefix(join(dir, 'out.wav'), sentPcm(server));
  });

  test('guarantee 2: say -f FIFO with no writer, or a writer gone quiet mid-speech, ends on one SIGTERM within a second', async (t) => {
    const server = await startServer(t, { realtimeFactor: 1 });
    const dir = tempDir(t);
    const fifo = join(dir, 'text.txt');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const waiting = await killedAfter(['say', ...MODEL, '-f', fifo, '-o', join(dir, 'a.wav'), ...serverArgs(server)], () => Date.now() - started > 1500, 'SIGTERM');
    assert.equal(waiting.code, 143, waiting.stderr);
    assert.ok(waiting.ms < 1000, `ended ${waiting.ms} ms after the signal`);
    // A writer that sends one sentence and then holds the FIFO open for a minute.
    const writer = spawn('sh', ['-c', `exec 3>'${fifo}'; printf 'A first sentence arrives now.\\n' >&3; sleep 60`], { stdio: 'ignore', detached: true });
    t.after(() => process.kill(-writer.pid!));
    const quiet = await killedAfter(['say', ...MODEL, '-f', fifo, '-o', join(dir, 'b.wav'), ...serverArgs(server)], () => (server.requests[0]?.bytes ?? 0) > 4800, 'SIGTERM');
    assert.equal(quiet.code, 143, quiet.stderr);
    assert.ok(quiet.ms < 1500, `ended ${quiet.ms} ms after the signal`);
    assert.deepEqual(parts(dir), []);
    await serverSettled(server);
    assertWavPrefix(join(dir, 'b.wav'), Buffer.concat(server.requests.map((q) => q.pcm ?? Buffer.alloc(0))));
  });
});

describe('guarantee 2: a reader that stopped reading does not hold a signal', () => {
  test('guarantee 2: say -o - into a pipe nobody reads ends on one SIGTERM within a second', { timeout: 10_000 }, async (t) => {
    const server = await startServer(t, { realtimeFactor: 20 });
    const child = spawn(process.execPath, [BIN, 'say', ...MODEL, TEXT, '-o', '-', ...serverArgs(server)], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => child.kill('SIGKILL'));
    child.stdout.pause(); // the pipe fills and stays full
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
    await waitFor(() => server.requests.reduce((n, q) => n + (q.bytes ?? 0), 0) > 200_000, 10_000, 'more audio than a pipe holds');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sentAt = Date.now();
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    assert.deepEqual([code, signal], [143, null]);
    assert.ok(Date.now() - sentAt < 1000, `ended ${Date.now() - sentAt} ms after the signal`);
  });
});

describe('issue 19 rows 1 and 5: batch manifests that are not plain files', () => {
  test('row 1: batch m.txt where m.txt is a FIFO: read once, every item written (regression: opened twice, hung)', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const fifo = join(dir, 'm.txt');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf 'Line one.\\nLine two.\\n' > '${fifo}'`]);
    const written = new Promise((resolve) => writer.on('close', resolve));
    const r = await runCli(['batch', ...MODEL, fifo, '--out-dir', join(dir, 'out'), ...serverArgs(server)], { env: { TMPDIR: dir } });
    await written;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['0001.wav', '0002.wav']);
    assert.deepEqual(readdirSync(dir).sort(), ['m.txt', 'out'], 'the copy of the manifest is gone');
  });

  test('row 1: a FIFO manifest with no writer ends on one SIGTERM within a second', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const fifo = join(dir, 'm.txt');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const r = await killedAfter(['batch', ...MODEL, fifo, '--out-dir', join(dir, 'out'), ...serverArgs(server)], () => Date.now() - started > 1500, 'SIGTERM', { env: { TMPDIR: dir } });
    assert.equal(r.code, 143, r.stderr);
    assert.ok(r.ms < 1000, `ended ${r.ms} ms after the signal`);
    assert.deepEqual(readdirSync(dir), ['m.txt']);
  });

  test('row 5: batch - from a pipe, SIGINT while stdin is still open: exit 130, no manifest copy left', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    let wrote = false;
    const r = await runCli(['batch', ...MODEL, '-', '--out-dir', join(dir, 'out'), ...serverArgs(server)], {
      env: { TMPDIR: tmp },
      keepStdinOpen: true,
      onSpawn: (child) => {
        child.stdin!.write('Line one.\n', () => (wrote = true));
        void waitFor(() => wrote && readdirSync(tmp).length > 0, 10_000, 'the copy').then(() => child.kill('SIGINT'));
      },
    });
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(readdirSync(tmp), []);
  });

  for (const twice of [false, true]) {
    test(`row 5: batch - from a pipe, ${twice ? 'two SIGINTs' : 'SIGINT'} while items are written: exit 130, no manifest copy, no .part`, async (t) => {
      const server = await startServer(t, { realtimeFactor: 1 });
      const dir = tempDir(t);
      const tmp = join(dir, 'tmp');
      mkdirSync(tmp);
      const out = join(dir, 'out');
      const manifest = Array.from({ length: 6 }, () => TEXT.slice(0, 300).replace(/\s+/g, ' ')).join('\n');
      const r = await runCli(['batch', ...MODEL, '-', '--out-dir', out, '-c', '2', ...serverArgs(server)], {
        env: { TMPDIR: tmp },
        stdin: `${manifest}\n`,
        onSpawn: (child) =>
          void waitFor(() => server.requests.some((q) => (q.bytes ?? 0) > 9600), 10_000, 'audio flowing').then(() => {
            child.kill('SIGINT');
            if (twice) child.kill('SIGINT');
          }),
      });
      assert.equal(r.code, 130, r.stderr);
      assert.deepEqual(readdirSync(tmp), [], 'the copy of the manifest is gone');
      assert.deepEqual(parts(out), []);
      for (const file of readdirSync(out)) parseWav(readFileSync(join(out, file)));
    });
  }
});

describe('issue 19 rows 8 and 15, guarantee 5: files are files', () => {
  test('row 8: --subtitles through a link to a file: the target gets the cues, the link stays a link', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    writeFileSync(join(dir, 'real.srt'), 'old');
    symlinkSync('real.srt', join(dir, 'link.srt'));
    const r = await runCli(['say', ...MODEL, 'Hello there, Mr. Smith.', '--voice', 'liam', '-o', join(dir, 'a.wav'), '--subtitles', join(dir, 'link.srt'), ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(lstatSync(join(dir, 'link.srt')).isSymbolicLink(), 'still a link');
    assert.match(readFileSync(join(dir, 'real.srt'), 'utf8'), /00:00:00,000 --> .*\nHello/);
    assert.deepEqual(parts(dir), []);
  });

  test('row 8: --subtitles through a dangling link creates its target', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    symlinkSync('made.vtt', join(dir, 'link.vtt'));
    const r = await runCli(['say', ...MODEL, 'Hello there.', '--voice', 'liam', '-o', join(dir, 'a.wav'), '--subtitles', join(dir, 'link.vtt'), ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(lstatSync(join(dir, 'link.vtt')).isSymbolicLink());
    assert.match(readFileSync(join(dir, 'made.vtt'), 'utf8'), /^WEBVTT/);
  });

  test('row 8: --subtitles through a link to /dev/full: exit 1 naming the full disk, the link stays (regression: replaced, exit 0)', { skip: !existsSync('/dev/full') && 'no /dev/full' }, async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    symlinkSync('/dev/full', join(dir, 'full.srt'));
    const r = await runCli(['say', ...MODEL, 'Hello there.', '--voice', 'liam', '-o', join(dir, 'a.wav'), '--subtitles', join(dir, 'full.srt'), ...serverArgs(server)]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /full/);
    assert.ok(lstatSync(join(dir, 'full.srt')).isSymbolicLink(), 'still a link');
  });

  test('row 8: --subtitles to a FIFO, through a link: the reader gets the cues, the FIFO stays a FIFO', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const fifo = join(dir, 'cues.srt');
    execFileSync('mkfifo', [fifo]);
    symlinkSync('cues.srt', join(dir, 'via.srt'));
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.setEncoding('utf8').on('data', (d: string) => (got += d));
    const closed = new Promise((resolve) => reader.on('close', resolve));
    const r = await runCli(['say', ...MODEL, 'Hello there.', '--voice', 'liam', '-o', join(dir, 'a.wav'), '--subtitles', join(dir, 'via.srt'), ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    await closed;
    assert.match(got, /00:00:00,000 --> /);
    assert.ok(statSync(fifo).isFIFO());
    assert.ok(lstatSync(join(dir, 'via.srt')).isSymbolicLink());
  });

  test('guarantee 5: --subtitles linking to the -o file is the same file (compared as files, not names)', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    symlinkSync('a.wav', join(dir, 'a.srt'));
    const r = await runCli(['say', ...MODEL, 'Hello.', '--voice', 'liam', '-o', join(dir, 'a.wav'), '--subtitles', join(dir, 'a.srt'), ...serverArgs(server)]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /same file/);
    assert.equal(server.requests.length, 0);
  });

  test('row 15: --subtitles naming a folder, or a 300-character name: refused before any request', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    mkdirSync(join(dir, 'DIR.srt'));
    const folder = await runCli(['say', ...MODEL, 'Hello.', '--voice', 'liam', '-o', join(dir, 'a.wav'), '--subtitles', join(dir, 'DIR.srt'), ...serverArgs(server)]);
    assert.equal(folder.code, 1, folder.stderr);
    assert.match(folder.stderr, /DIR\.srt: it is a directory/);
    const long = await runCli(['say', ...MODEL, 'Hello.', '--voice', 'liam', '-o', join(dir, 'b.wav'), '--subtitles', join(dir, `${'x'.repeat(296)}.srt`), ...serverArgs(server)]);
    assert.equal(long.code, 1, long.stderr);
    assert.match(long.stderr, /the name is too long/);
    assert.doesNotMatch(long.stderr, /ENAMETOOLONG|lstat/);
    assert.equal(server.requests.length, 0, 'no request spent');
    assert.deepEqual(readdirSync(dir), ['DIR.srt']);
  });

  test('row 15: -o with a 250-character name works (the temporary name is cut to fit); 300 characters is refused plainly', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const name = `${'y'.repeat(246)}.mp3`;
    const r = await runCli(['say', ...MODEL, 'Hello.', '-o', join(dir, name), ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(dir), [name]);
    const long = await runCli(['say', ...MODEL, 'Hello.', '-o', join(dir, `${'z'.repeat(296)}.wav`), ...serverArgs(server)]);
    assert.equal(long.code, 1, long.stderr);
    assert.match(long.stderr, /the name is too long/);
    assert.equal(server.requests.length, 1, 'the refused one spent no request');
  });

  test('guarantee 5: links that loop are refused before any request, for -o and --subtitles; the links stay', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    symlinkSync('b.wav', join(dir, 'a.wav'));
    symlinkSync('a.wav', join(dir, 'b.wav'));
    symlinkSync('d.srt', join(dir, 'c.srt'));
    symlinkSync('c.srt', join(dir, 'd.srt'));
    const audio = await runCli(['say', ...MODEL, 'Hello.', '-o', join(dir, 'a.wav'), ...serverArgs(server)]);
    assert.equal(audio.code, 1, audio.stderr);
    assert.match(audio.stderr, /a\.wav: its links go round in a loop/);
    const cues = await runCli(['say', ...MODEL, 'Hello.', '--voice', 'liam', '-o', join(dir, 'x.wav'), '--subtitles', join(dir, 'c.srt'), ...serverArgs(server)]);
    assert.equal(cues.code, 1, cues.stderr);
    assert.match(cues.stderr, /c\.srt: its links go round in a loop/);
    assert.equal(server.requests.length, 0);
    for (const link of ['a.wav', 'b.wav', 'c.srt', 'd.srt']) assert.ok(lstatSync(join(dir, link)).isSymbolicLink(), link);
  });

  test('guarantee 5: batch --force writes an item through its link; the link stays a link', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(dir, 'elsewhere.wav'), 'old');
    symlinkSync(join(dir, 'elsewhere.wav'), join(out, '0001.wav'));
    writeFileSync(join(dir, 'm.txt'), 'Through the link.\n');
    const r = await runCli(['batch', ...MODEL, join(dir, 'm.txt'), '--out-dir', out, '--force', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(lstatSync(join(out, '0001.wav')).isSymbolicLink());
    assert.deepEqual(parseWav(readFileSync(join(dir, 'elsewhere.wav'))).data, server.requests[0].pcm);
  });
});

describe('issue 19 row 9: the REPL compares files, not names', () => {
  for (const existing of [false, true]) {
    test(`row 9: /save l.wav where l.wav links to the -o file (${existing ? 'which exists' : 'not yet written'}) is refused; the -o file is intact`, async (t) => {
      const server = await startServer(t);
      const dir = tempDir(t);
      if (existing) writeFileSync(join(dir, 'r.wav'), 'old');
      symlinkSync('r.wav', join(dir, 'l.wav'));
      const r = await runCli(['repl', ...MODEL, '-o', 'r.wav', ...serverArgs(server)], { cwd: dir, stdin: '/save l.wav\nHello there.\n' });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /l\.wav is the -o file/);
      assert.doesNotMatch(r.stderr, /saved l\.wav/);
      assert.ok(lstatSync(join(dir, 'l.wav')).isSymbolicLink());
      assertWavPrefix(join(dir, 'r.wav'), sentPcm(server));
      assert.ok(parseWav(readFileSync(join(dir, 'r.wav'))).data.length > 0);
    });
  }
});

describe('issue 19 row 3: the REPL in a real terminal', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  test('row 3: -o r.wav, ten lines pasted, Ctrl-D, then Ctrl-C while the queue plays: exit 130, r.wav valid, no .part (regression: killed by SIGINT)', async (t) => {
    const server = await startServer(t, { realtimeFactor: 1 });
    const dir = tempDir(t);
    const socket = `smallest-tts-row3-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    const command = [process.execPath, BIN, 'repl', ...MODEL, '-o', 'r.wav', ...serverArgs(server)].map((a) => `'${a}'`).join(' ');
    tmux('new-session', '-d', '-s', 'repl', '-x', '150', '-y', '40', `cd '${dir}' && env HOME='${dir}' ${command}; echo EXIT=$?; sleep 60`);
    t.after(() => spawnSync('tmux', ['-L', socket, 'kill-server']));
    const screen = () => tmux('capture-pane', '-p', '-t', 'repl');
    await waitFor(() => screen().includes('tts›'), 10_000, 'the prompt');
    for (let i = 1; i <= 10; i++) tmux('send-keys', '-t', 'repl', `Line number ${i} of the pasted text, long enough to take a while to speak.`, 'Enter');
    tmux('send-keys', '-t', 'repl', 'C-d');
    await waitFor(() => (server.requests[0]?.bytes ?? 0) > 9600, 10_000, 'audio flowing');
    await new Promise((resolve) => setTimeout(resolve, 200));
    tmux('send-keys', '-t', 'repl', 'C-c');
    await waitFor(() => screen().includes('EXIT='), 10_000, 'the REPL to exit');
    assert.match(screen(), /EXIT=130\b/, screen());
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.wav') || f.endsWith('.part')), ['r.wav']);
    await serverSettled(server);
    assertWavPrefix(join(dir, 'r.wav'), Buffer.concat(server.requests.map((q) => q.pcm ?? Buffer.alloc(0))));
    assert.ok(server.requests.length < 10, 'the queue was cut short');
  });
});
