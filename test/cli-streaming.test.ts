// say reads stdin as it arrives: lines and token trickles are spoken before the pipe closes, as one continuation.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { describe, test } from 'node:test';
import { runCli, serverArgs, startServer, waitFor } from './helpers.js';

/** Marks the order of events seen by the test. */
function timeline() {
  const events: string[] = [];
  return { events, mark: (name: string) => events.includes(name) || events.push(name) };
}

function watchStdout(child: ChildProcess, mark: (name: string) => void): void {
  child.stdout!.once('data', () => mark('first audio out'));
}

describe('say with text still arriving on stdin', () => {
  test('lines a second apart: the first is sent and heard before the second is written; a pause closes the continuation, audio exact', async (t) => {
    const server = await startServer(t);
    const { events, mark } = timeline();
    const r = await runCli(['say', '--raw', '-o', '-', ...serverArgs(server)], {
      keepStdinOpen: true,
      onSpawn: (child) => {
        watchStdout(child, mark);
        child.stdin!.write('The first line arrives on its own.\n');
        void waitFor(() => events.includes('first audio out'), 10_000, 'the first audio')
          .then(() => new Promise((resolve) => setTimeout(resolve, 1000)))
          .then(() => {
            mark('second line written');
            child.stdin!.write('Then, a second later, the second line.\n');
            return new Promise((resolve) => setTimeout(resolve, 300));
          })
          .then(() => child.stdin!.end('And a third, as the pipe closes.'));
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(events, ['first audio out', 'second line written']);
    const segments = server.requests.filter((q) => q.outcome === 'complete');
    assert.deepEqual(segments.map((q) => q.text), ['The first line arrives on its own.', 'Then, a second later, the second line.', 'And a third, as the pipe closes.']);
    const [first, second, third] = segments.map((q) => q.contextId);
    assert.notEqual(first, second, 'the input paused a second: the first continuation was closed, the next line opened another');
    assert.equal(second, third, 'lines 300 ms apart share a continuation');
    assert.deepEqual(r.stdout, Buffer.concat(segments.map((q) => q.pcm!)), 'the same bytes the server sent, in order');
  });

  test('an LLM-style trickle (a word every 80 ms, no newline): speech starts after the first sentence, before the stream ends', async (t) => {
    const server = await startServer(t);
    const { events, mark } = timeline();
    const words = 'Once upon a time, a fox lived by the river. Every morning he walked to the mill, and every evening he walked home again. Nobody knew why.'.split(' ');
    const r = await runCli(['say', '--raw', '-o', '-', ...serverArgs(server)], {
      keepStdinOpen: true,
      onSpawn: (child) => {
        watchStdout(child, mark);
        let i = 0;
        const timer = setInterval(() => {
          if (i < words.length) return void child.stdin!.write(`${i === 0 ? '' : ' '}${words[i++]}`);
          clearInterval(timer);
          mark('stream ended');
          child.stdin!.end();
        }, 80);
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(events, ['first audio out', 'stream ended']);
    const texts = server.requests.filter((q) => q.outcome === 'complete').map((q) => q.text);
    assert.equal(texts[0], 'Once upon a time, a fox lived by the river.');
    assert.equal(texts.join(' '), words.join(' '), 'nothing lost, nothing twice');
    assert.ok(texts.every((text) => text.length <= 250));
  });

  test('--route per-model (no continuations): each sentence is its own request, sent as soon as it is complete', async (t) => {
    const server = await startServer(t);
    const { events, mark } = timeline();
    const r = await runCli(['say', '--raw', '-o', '-', '--route', 'per-model', ...serverArgs(server)], {
      keepStdinOpen: true,
      onSpawn: (child) => {
        watchStdout(child, mark);
        child.stdin!.write('A complete first sentence. And the start of');
        void waitFor(() => events.includes('first audio out'), 10_000, 'the first audio').then(() => {
          mark('rest written');
          child.stdin!.end(' a second one.\n');
        });
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(events, ['first audio out', 'rest written']);
    assert.deepEqual(server.requests.map((q) => [q.text, q.contextId, q.body.model]), [
      ['A complete first sentence.', undefined, undefined],
      ['And the start of a second one.', undefined, undefined],
    ]);
    assert.deepEqual(server.upgrades.map((u) => u.path), ['/waves/v1/lightning-v3.1/get_speech/stream']);
    assert.deepEqual(r.stdout, Buffer.concat(server.requests.map((q) => q.pcm!)));
  });
});

describe('say with a quiet producer', () => {
  test('the server closes the idle socket again and again while stdin is quiet (tail -f): the next line is still spoken', async (t) => {
    const server = await startServer(t);
    const r = await runCli(['say', '--raw', '-o', '-', '--idle-timeout', '1', ...serverArgs(server)], {
      keepStdinOpen: true,
      timeoutMs: 30_000,
      onSpawn: (child) => {
        child.stdin!.write('A line before a long quiet spell.\n');
        void waitFor(() => server.requests.length >= 1 && server.connections() >= 1, 20_000, 'first line')
          .then(() => new Promise((resolve) => setTimeout(resolve, 3500))) // past three idle timeouts
          .then(() => child.stdin!.end('And a line after it.\n'));
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(server.requests.filter((q) => q.outcome === 'complete').map((q) => q.text), ['A line before a long quiet spell.', 'And a line after it.']);
  });

  test('regression (idle reconnect loop): an idle close while waiting for input does not reconnect; the next text does', async (t) => {
    const server = await startServer(t);
    let connectionsBeforeText = -1;
    const r = await runCli(['say', '--raw', '-o', '-', '--idle-timeout', '2', ...serverArgs(server)], {
      keepStdinOpen: true,
      timeoutMs: 30_000,
      onSpawn: (child) => {
        child.stdin!.write('The first line, long enough to be spoken at once.\n');
        void waitFor(() => server.requests.some((q) => q.outcome === 'complete'), 20_000, 'first line spoken')
          .then(() => new Promise((resolve) => setTimeout(resolve, 5000))) // more than two idle timeouts
          .then(() => {
            connectionsBeforeText = server.connections();
            child.stdin!.end('And the second line, after a long quiet spell.\n');
          });
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(connectionsBeforeText, 1, 'no reconnect while the input was quiet');
    assert.equal(server.connections(), 2, 'one reconnect, for the next text');
    assert.deepEqual(server.requests.map((q) => q.text), ['The first line, long enough to be spoken at once.', 'And the second line, after a long quiet spell.']);
  });
});

describe('say opens the socket while streamed text is still coming', () => {
  test('pre-connect: the socket is open before the first sentence is written', async (t) => {
    const server = await startServer(t);
    let connectedBeforeText = -1;
    const r = await runCli(['say', '--raw', '-o', '-', ...serverArgs(server)], {
      keepStdinOpen: true,
      onSpawn: (child) => {
        void waitFor(() => server.connections() >= 1, 5000, 'the early connection')
          .then(() => {
            connectedBeforeText = server.requests.length === 0 ? server.connections() : -2;
            child.stdin!.end('Now the first sentence arrives.\n');
          });
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(connectedBeforeText, 1, 'connected with nothing sent yet');
    assert.equal(server.connections(), 1, 'the same socket carried the text');
    assert.deepEqual(server.requests.map((q) => q.text), ['Now the first sentence arrives.']);
  });

  test('pre-connect: blank streamed input closes the socket unused, exit 2', async (t) => {
    const server = await startServer(t);
    const r = await runCli(['say', '--raw', '-o', '-', ...serverArgs(server)], { stdin: '  \n\n   \n' });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /nothing to speak/);
    assert.equal(server.requests.length, 0, 'nothing was sent');
  });
});
