// SIGTERM and SIGHUP end say and repl as Ctrl-C does: a valid WAV of what arrived, no .part file,
// exit 143 / 129; a second signal exits at once and the file is still valid.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BIN, parseWav, runCli, serverArgs, serverSettled, startServer, tempDir, waitFor } from './helpers.js';
import { modelArgs } from './model-args.js';
import { prose } from './prose.js';

const MODEL = await modelArgs();
const TEXT = prose(1500, 3);

function assertValidPrefix(file: string, sent: Buffer): void {
  const wav = parseWav(readFileSync(file));
  assert.equal(wav.dataSize, wav.data.length, 'the header size matches the data');
  assert.equal(wav.riffSize, wav.data.length + 36);
  assert.ok(wav.data.length > 0, 'some audio was kept');
  assert.deepEqual(wav.data, sent.subarray(0, wav.data.length), 'a prefix of what the server sent');
}

describe('say ended by a signal', () => {
  for (const [signal, code, twice] of [['SIGTERM', 143, false], ['SIGHUP', 129, false], ['SIGTERM', 143, true], ['SIGINT', 130, false]] as const) {
    test(`${signal}${twice ? ' twice' : ''} mid-stream: exit ${code}, a valid WAV of what arrived, no .part file`, async (t) => {
      const server = await startServer(t, { realtimeFactor: 1 });
      const dir = tempDir(t);
      const out = join(dir, 'speech.wav');
      const r = await runCli(['say', ...MODEL, TEXT, '-o', out, ...serverArgs(server)], {
        onSpawn: (child) =>
          void waitFor(() => (server.requests[0]?.bytes ?? 0) > 9600, 10_000, 'audio flowing').then(() => {
            child.kill(signal);
            if (twice) child.kill(signal);
          }),
      });
      assert.equal(r.code, code, r.stderr);
      assert.equal(r.signal, null, 'ended by its own handler, not killed');
      assert.doesNotMatch(r.stderr, /error/i);
      assert.deepEqual(readdirSync(dir), ['speech.wav']);
      await serverSettled(server);
      assertValidPrefix(out, Buffer.concat(server.requests.map((q) => q.pcm ?? Buffer.alloc(0))));
    });
  }
});

describe('repl ended by a signal', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    test(`${signal} with piped input: the output and a /save recording are finished, exit ${code}`, async (t) => {
      const server = await startServer(t, { realtimeFactor: 1 });
      const dir = tempDir(t);
      const r = await runCli(['repl', ...MODEL, '-o', join(dir, 'out.wav'), ...serverArgs(server)], {
        keepStdinOpen: true,
        cwd: dir,
        onSpawn: (child) => {
          child.stdin!.write(`/save take.wav\n${TEXT.replace(/\s+/g, ' ')}\nA second line, Mr. Smith.\n`);
          void waitFor(() => (server.requests[0]?.bytes ?? 0) > 9600, 10_000, 'audio flowing').then(() => child.kill(signal));
        },
      });
      assert.equal(r.code, code, r.stderr);
      assert.deepEqual(readdirSync(dir).sort(), ['out.wav', 'take.wav']);
      await serverSettled(server);
      const sent = Buffer.concat(server.requests.map((q) => q.pcm ?? Buffer.alloc(0)));
      assertValidPrefix(join(dir, 'out.wav'), sent);
      assertValidPrefix(join(dir, 'take.wav'), sent);
    });
  }
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

describe('repl in a real terminal (tmux) ended by a signal', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    test(`${signal} mid-utterance: the prompt closes, the WAV is finished, exit ${code}`, async (t) => {
      const server = await startServer(t, { realtimeFactor: 1 });
      const dir = tempDir(t);
      const out = join(dir, 'out.wav');
      const socket = `smallest-tts-signal-${process.pid}-${signal}`;
      const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
      const command = [process.execPath, BIN, 'repl', ...MODEL, '-o', out, ...serverArgs(server)].map((a) => `'${a}'`).join(' ');
      tmux('new-session', '-d', '-s', 'repl', '-x', '150', '-y', '40', `env HOME='${dir}' ${command}; echo EXIT=$?; sleep 60`);
      t.after(() => spawnSync('tmux', ['-L', socket, 'kill-server']));
      const screen = () => tmux('capture-pane', '-p', '-t', 'repl');
      await waitFor(() => screen().includes('tts›'), 10_000, 'the prompt');
      tmux('send-keys', '-t', 'repl', TEXT.replace(/\s+/g, ' ').slice(0, 400), 'Enter');
      await waitFor(() => (server.requests[0]?.bytes ?? 0) > 9600, 10_000, 'audio flowing');
      // The REPL is the shell's child in the pane.
      const shell = tmux('display-message', '-p', '-t', 'repl', '#{pane_pid}').trim();
      const repl = Number(execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' }).trim().split(/\s+/)[0]);
      process.kill(repl, signal);
      await waitFor(() => screen().includes('EXIT='), 10_000, 'the REPL to exit');
      assert.match(screen(), new RegExp(`EXIT=${code}\\b`), screen());
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.part')), []);
      await serverSettled(server);
      assertValidPrefix(out, Buffer.concat(server.requests.map((q) => q.pcm ?? Buffer.alloc(0))));
    });
  }
});
