// Test helper: a plain `ws` client for the local server that knows nothing of src/waves/, and run readers.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket from 'ws';
import { API_KEY } from './helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export interface RawSocket {
  ws: WebSocket;
  /** Every frame received, in order. */
  all: Json[];
  /** The next frame not yet read by `next`, waiting for it if need be. */
  next(): Promise<Json>;
  send(body: unknown): void;
}

export async function rawSocket(url: string, key = API_KEY): Promise<RawSocket> {
  const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${key}` } });
  const all: Json[] = [];
  let read = 0;
  let wake: (() => void) | undefined;
  ws.on('message', (data) => {
    all.push(JSON.parse(data.toString()) as Json);
    wake?.();
  });
  ws.on('close', () => wake?.());
  await once(ws, 'open');
  const next = async (): Promise<Json> => {
    while (read >= all.length) {
      if (ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed; frames so far: ${JSON.stringify(all).slice(0, 500)}`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
    return all[read++];
  };
  return { ws, all, next, send: (body) => ws.send(typeof body === 'string' ? body : JSON.stringify(body)) };
}

export interface RunFrames {
  frames: Json[];
  chunks: Json[];
  stamps: Json[];
  end: Json;
}

/** Reads one run: every frame up to and including its `complete` or error frame. */
export async function readRun(socket: RawSocket): Promise<RunFrames> {
  const frames: Json[] = [];
  for (;;) {
    const frame = await socket.next();
    frames.push(frame);
    if (frame.status === 'complete' || frame.status === 'error') {
      return { frames, chunks: frames.filter((f) => f.status === 'chunk'), stamps: frames.filter((f) => f.status === 'word_timestamp'), end: frame };
    }
  }
}

export async function request(socket: RawSocket, body: Json): Promise<RunFrames> {
  socket.send(body);
  return readRun(socket);
}

export const pcmOf = (chunks: Json[]): Buffer => Buffer.concat(chunks.map((c) => Buffer.from(c.data.audio, 'base64')));

/** The HTTP status and body of a refused upgrade. */
export async function refusedUpgrade(url: string, headers: Record<string, string> = { Authorization: `Bearer ${API_KEY}` }): Promise<{ status: number; body: string }> {
  const ws = new WebSocket(url, { headers });
  ws.on('error', () => {});
  const [, res] = (await once(ws, 'unexpected-response')) as [unknown, import('node:http').IncomingMessage];
  let body = '';
  for await (const part of res) body += part;
  ws.terminate();
  return { status: res.statusCode ?? 0, body };
}

export const LIVE = '/waves/v1/tts/live';
export const perModel = (model: string, prefix: 'api' | 'waves' = 'waves') => `/${prefix}/v1/${model}/get_speech/stream`;

/** Prose with capitals, abbreviations, numbers and several sentences. */
export const PROSE =
  'Dr. Smith arrived at 9 a.m. on Monday. She said the results were ready, e.g. the blood tests and the scans. ' +
  'The bill came to $100, which Mr. Jones paid at once! Was anyone surprised? Not really, since prices rose 3.5 percent last year. ' +
  'Afterwards the Smiths drove home along the coast road, past St. Ives and the old lighthouse, and talked about the summer holidays.';

/** Checks each stamp against the tone audio: silence just before its start, tone inside, silence from its end to the next word. */
export function assertStampsMatchAudio(pcm: Buffer, stamps: Json[], sampleRate: number): void {
  const sample = (i: number) => pcm.readInt16LE(i * 2);
  const total = pcm.length / 2;
  stamps.forEach((s, k) => {
    const start = Math.round(s.data.start * sampleRate);
    const end = Math.round(s.data.end * sampleRate);
    const next = k + 1 < stamps.length ? Math.round(stamps[k + 1].data.start * sampleRate) : total;
    assert.ok(end > start && next >= end && next <= total, `word ${k} ${s.data.word}: ${start}..${end} then ${next} of ${total}`);
    if (start > 0) assert.equal(sample(start - 1), 0, `silence before ${s.data.word}`);
    let loud = 0;
    for (let i = start; i < end; i++) if (sample(i) !== 0) loud++;
    assert.ok(loud > (end - start) * 0.9, `${s.data.word} is a tone from ${s.data.start} to ${s.data.end}`);
    for (let i = end; i < next; i++) assert.equal(sample(i), 0, `silence after ${s.data.word} at sample ${i}`);
  });
}
