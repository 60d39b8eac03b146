import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { completeLine } from '../src/cli/commands/repl/repl-session.js';
import { API_KEY, BIN, alsaCaptureHome, speakerInstalled, parseWav, runCli, sentPcm, serverArgs, serverSettled, startServer, tempDir, waitFor } from './helpers.js';

describe('repl with piped input', () => {
  test('each setting change reaches the next request, in order; a model change opens the new route', async (t) => {
    const server = await startServer(t, { retiredModels: [] });
    const out = join(tempDir(t), 'session.wav');
    const script = [
      'First line.',
      '/voice emily',
      'Second line.',
      '/speed 1.5',
      '/language de',
      'Third line.',
      '/model lightning-v2',
      '/consistency 0.7',
      '/enhancement 2',
      'Fourth line.',
      '/model lightning-v3.1',
      'Fifth line.',
      '/reset',
      'Sixth line.',
    ].join('\n');
    const r = await runCli(['repl', '-o', out, ...serverArgs(server)], { stdin: `${script}\n` });
    assert.equal(r.code, 0, r.stderr);
    const seen = server.requests.map((q) => [q.model, q.body.text, q.body.voice_id, q.body.speed, q.body.language, q.body.consistency, q.body.enhancement]);
    assert.deepEqual(seen, [
      ['lightning_v3.1', 'First line.', 'sophia', undefined, 'en', undefined, undefined],
      ['lightning_v3.1', 'Second line.', 'emily', undefined, 'en', undefined, undefined],
      ['lightning_v3.1', 'Third line.', 'emily', 1.5, 'de', undefined, undefined],
      ['lightning-v2', 'Fourth line.', 'emily', 1.5, 'de', 0.7, 2],
      ['lightning_v3.1', 'Fifth line.', 'emily', 1.5, 'de', undefined, undefined],
      ['lightning_v3.1', 'Sixth line.', 'sophia', undefined, 'en', undefined, undefined],
    ]);
    assert.deepEqual(server.upgrades.map((u) => u.path), [
      '/waves/v1/tts/live',
      '/waves/v1/lightning-v2/get_speech/stream',
      '/waves/v1/tts/live',
    ]);
    assert.match(r.stderr, /\/model lightning_v3\.1 \(cleared \/consistency, \/enhancement: lightning-v2 only\): reconnecting/);
    assert.deepEqual(parseWav(readFileSync(out)).data, sentPcm(server), '-o holds everything spoken, in order');
  });

  test('refused settings are never sent, the session goes on, and the exit code says so', async (t) => {
    const server = await startServer(t);
    const script = ['/consistency 0.5', '/speed 9', '/speed fast', '/language xx', '/rate 22050', '/nonsense', 'Spoken anyway.'].join('\n');
    const r = await runCli(['repl', '-o', join(tempDir(t), 'x.wav'), ...serverArgs(server)], { stdin: `${script}\n` });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\/consistency works only with model lightning-v2 \(the model is lightning_v3\.1\)/);
    assert.match(r.stderr, /\/speed must be between 0\.5 and 2 on lightning_v3\.1 \(got 9\)/);
    assert.match(r.stderr, /\/speed must be a number \(got "fast"\)/);
    assert.match(r.stderr, /\/language must be one of/);
    assert.match(r.stderr, /\/rate cannot change while writing/);
    assert.match(r.stderr, /Unknown command \/nonsense/);
    assert.deepEqual(server.requests.map((q) => ({ ...q.body, request_id: undefined })), [{ text: 'Spoken anyway.', voice_id: 'sophia', model: 'lightning_v3.1', language: 'en', sample_rate: 24000, complete_backoff_ms: 0, request_id: undefined }]);
  });

  test('/save records what is spoken from then on, until /save off', async (t) => {
    const server = await startServer(t);
    const dir = tempDir(t);
    const saved = join(dir, 'saved.wav');
    const script = ['Not recorded.', `/save ${saved}`, 'Recorded one.', 'Recorded two.', '/save off', 'Not recorded either.'].join('\n');
    const r = await runCli(['repl', '-o', join(dir, 'all.wav'), ...serverArgs(server)], { stdin: `${script}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /saved .*saved\.wav \(\d+\.\d s\)/);
    assert.deepEqual(parseWav(readFileSync(saved)).data, sentPcm(server, (b) => String(b.text).startsWith('Recorded')));
    assert.deepEqual(parseWav(readFileSync(join(dir, 'all.wav'))).data, sentPcm(server));
  });

  test('idle: nothing is sent, and a socket the server closed for idleness is reopened for the next line (regression: the REPL locked up after its first keepalive)', async (t) => {
    const server = await startServer(t);
    const out = join(tempDir(t), 'idle.wav');
    const r = await runCli(['repl', '-o', out, '--idle-timeout', '1', ...serverArgs(server)], {
      keepStdinOpen: true,
      onSpawn: (child) => {
        child.stdin!.write('Before the pause.\n');
        void waitFor(() => server.connections() === 1 && server.requests.length === 1 && server.upgrades[0].path.endsWith('?timeout=1'), 5000, 'the first line')
          .then(() => new Promise((resolve) => setTimeout(resolve, 1600)))
          .then(() => child.stdin!.end('After the pause.\n'));
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(server.requests.map((q) => q.body.text), ['Before the pause.', 'After the pause.'], 'no blank keepalive requests');
    assert.equal(server.connections(), 2);
    assert.doesNotMatch(r.stderr, /error/i);
    assert.deepEqual(parseWav(readFileSync(out)).data, sentPcm(server));
  });

  test('Ctrl-C with piped input: speech stops, the WAV is finished, exit 130 (regression: a .part file was left)', async (t) => {
    const server = await startServer(t, { realtimeFactor: 1 });
    const dir = tempDir(t);
    const r = await runCli(['repl', '-o', join(dir, 'out.wav'), ...serverArgs(server)], {
      keepStdinOpen: true,
      timeoutMs: 8000,
      onSpawn: (child) => {
        child.stdin!.write('A first line that is spoken slowly, word by word.\nA second line.\n');
        void waitFor(() => (server.requests[0]?.bytes ?? 0) > 9600, 5000, 'audio flowing').then(() => child.kill('SIGINT'));
      },
    });
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(readdirSync(dir), ['out.wav']);
    const wav = parseWav(readFileSync(join(dir, 'out.wav')));
    assert.ok(wav.data.length > 0 && wav.dataSize === wav.data.length);
    await serverSettled(server);
    assert.deepEqual(wav.data, server.requests[0].pcm!.subarray(0, wav.data.length));
    assert.ok(!server.requests.some((q) => q.body.text === 'A second line.' && q.outcome === 'complete'));
  });

  test('-o - is refused: the REPL writes files', async () => {
    const r = await runCli(['repl', '-o', '-', '--api-key', 'k']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /-o FILE, in the format of its extension/);
  });
});

test('completion: commands, then models, languages, rates and voices', () => {
  assert.deepEqual(completeLine('/mo', []), [['/model'], '/mo']);
  assert.deepEqual(completeLine('/s', []), [['/speed', '/similarity', '/settings', '/save'], '/s']);
  assert.deepEqual(completeLine('/model lightning', []), [['lightning_v3.1', 'lightning_v3.1_pro', 'lightning-v2'], 'lightning']);
  assert.deepEqual(completeLine('/language h', []), [['hi'], 'h'], 'lightning_v3.1 has no Hebrew');
  assert.deepEqual(completeLine('/language j', [], 'lightning_v3.1_pro'), [['ja'], 'j']);
  assert.deepEqual(completeLine('/language h', [], 'lightning-v2'), [['hi', 'he'], 'h']);
  assert.deepEqual(completeLine('/voice em', ['emily', 'sophia']), [['emily'], 'em']);
  assert.deepEqual(completeLine('/rate 4', []), [['44100'], '4']);
  assert.deepEqual(completeLine('plain text', []), [[], 'plain text']);
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

describe('repl in a real terminal (tmux)', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  test('Ctrl-C mid-utterance drops the socket and reconnects; the next line is spoken; Ctrl-D exits 0', async (t) => {
    const server = await startServer(t, { realtimeFactor: 1 });
    const { home } = alsaCaptureHome(t);
    const dir = tempDir(t);
    const session = `smallest-tts-test-${process.pid}`;
    const output = speakerInstalled ? [] : ['-o', join(dir, 'out.wav')];
    const command = [process.execPath, BIN, 'repl', ...serverArgs(server), ...output].map((a) => `'${a}'`).join(' ');
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', session, ...args], { encoding: 'utf8' });
    tmux('new-session', '-d', '-s', 'repl', '-x', '150', '-y', '40', `env HOME='${home}' ${command}; echo EXIT=$?; sleep 60`);
    t.after(() => spawnSync('tmux', ['-L', session, 'kill-server']));
    const screen = () => tmux('capture-pane', '-p', '-t', 'repl');
    await waitFor(() => screen().includes('tts›'), 10_000, 'the prompt');
    tmux('send-keys', '-t', 'repl', 'A long utterance with a great many words that takes seconds and seconds to speak in real time', 'Enter');
    await waitFor(() => (server.requests[0]?.bytes ?? 0) > 0, 10_000, 'audio flowing');
    tmux('send-keys', '-t', 'repl', 'C-c');
    await waitFor(() => server.connections() === 2, 5000, 'a new connection');
    await waitFor(() => server.requests[0].outcome === 'dropped', 5000, 'the first request cut off');
    await waitFor(() => screen().includes('stopped'), 5000, 'the stopped notice');
    tmux('send-keys', '-t', 'repl', 'Next line', 'Enter');
    await waitFor(() => server.requests.some((q) => q.body.text === 'Next line' && q.outcome === 'complete'), 10_000, 'the next line spoken');
    assert.equal(server.requests[1].connection, 2, 'spoken on the new connection');
    await waitFor(() => /tts›\s*$/.test(screen().trimEnd()), 5000, 'the prompt again');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let "Next line" play out at real time
    tmux('send-keys', '-t', 'repl', 'C-d');
    await waitFor(() => screen().includes('EXIT='), 10_000, 'exit');
    assert.match(screen(), /EXIT=0/);
    assert.ok(!screen().includes(API_KEY));
  });

  test('karaoke: while a line plays, the prompt line shows it with the word being heard in reverse video; a key gives the prompt back', { skip: !speakerInstalled && 'speaker is not installed' }, async (t) => {
    const server = await startServer(t, { realtimeFactor: 1 });
    const { home } = alsaCaptureHome(t);
    const session = `smallest-tts-karaoke-${process.pid}`;
    const command = [process.execPath, BIN, 'repl', '--voice', 'liam', ...serverArgs(server)].map((a) => `'${a}'`).join(' ');
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', session, ...args], { encoding: 'utf8' });
    tmux('new-session', '-d', '-s', 'repl', '-x', '100', '-y', '30', `env HOME='${home}' ${command}; echo EXIT=$?; sleep 60`);
    t.after(() => spawnSync('tmux', ['-L', session, 'kill-server']));
    const screen = (escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'repl');
    await waitFor(() => screen().includes('tts›'), 10_000, 'the prompt');
    tmux('send-keys', '-t', 'repl', 'Mr. Holmes took his seat by the fire, and Watson poured the tea while the clock ticked.', 'Enter');
    await waitFor(() => /\x1b\[7m(took|his|seat|by|the|fire,)\x1b\[/.test(screen(true)), 10_000, 'a word highlighted');
    assert.equal(server.requests[0].body.word_timestamps, true);
    tmux('send-keys', '-t', 'repl', 'typed');
    await waitFor(() => /tts› typed\s*$/.test(screen().trimEnd()), 3000, 'the prompt back with what was typed');
    tmux('send-keys', '-t', 'repl', 'C-u', 'C-d');
    await waitFor(() => screen().includes('EXIT='), 15_000, 'exit');
    assert.match(screen(), /EXIT=0/);
  });
});
