// One run of audio (a one-shot request or a released segment): engine pieces → word_timestamp and chunk frames → complete, with faults.
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import type { SpeechEngine, SynthesisParams } from './engine.js';
import { errorFrame, newTaskId, type FrameIds } from './frames.js';
import type { Outbox } from './outbox.js';
import { chunkEncoder, type WireFormat } from './output-format.js';
import { splitText } from '../text/releases.js';
import type { RequestRecord, WavesServerOptions } from './server-options.js';

export interface Run {
  ids: FrameIds;
  record: RequestRecord;
  params: SynthesisParams;
  /** Send word_timestamp frames. */
  words: boolean;
  completeBackoffMs: number;
  /** What the chunks carry (`output_format`). */
  format: WireFormat;
  /** A released segment of a continuation or flush (segmentDelayMs applies). */
  segment: boolean;
}

/** What a run needs from its connection. */
export interface RunHost {
  id: number;
  engine: SpeechEngine;
  outbox: Outbox;
  options: WavesServerOptions;
  signal: AbortSignal;
  /** Chunks sent on this connection so far (the drop fault counts them). */
  chunksSent: number;
  dropAfterChunks?: number;
  terminate(): void;
  closeSocket(code: number, reason: string): void;
  log(line: string): void;
}

interface Stamp {
  id: number;
  word: string;
  start: number;
  end: number;
  startByte: number;
}

/** Never resolves until the connection goes (the stall fault). */
const untilAborted = (signal: AbortSignal) => new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

export async function runSynthesis(run: Run, host: RunHost): Promise<void> {
  const { options, outbox, signal } = host;
  const { record } = run;
  const { params } = run;
  const chunkBytes = Math.max(1, options.chunkBytes ?? 4800);
  const bytesPerSecond = params.sampleRate * 2;
  const started = performance.now();
  let chunks = 0;
  let sentBytes = 0;
  const stamps: Stamp[] = [];
  const pcmParts: Buffer[] = [];

  /** The faults that act at a chunk boundary; false: the run is over (socket closed or stalled). */
  const gate = async (): Promise<boolean> => {
    const close = options.closeWith;
    if (close && chunks >= (close.afterChunks ?? 0)) {
      host.closeSocket(close.code, close.reason ?? '');
      host.log(`#${host.id} closed with ${close.code} after ${chunks} chunks (fault)`);
      return false;
    }
    if (options.stallAfterChunks !== undefined && chunks >= options.stallAfterChunks) {
      host.log(`#${host.id} stalled after ${chunks} chunks (fault)`);
      await untilAborted(signal);
      return false;
    }
    return outbox.open;
  };

  /** Sends `audio`, a piece of PCM in the run's format, as one chunk (none while the encoder holds it); false: the run is over. */
  const sendChunk = async (pcm: Buffer, audio: Buffer): Promise<boolean> => {
    if (sentBytes === 0 && options.firstChunkDelayMs) await sleep(options.firstChunkDelayMs, undefined, { signal });
    const factor = options.realtimeFactor ?? 0;
    if (factor > 0) {
      const due = started + (options.firstChunkDelayMs ?? 0) + (sentBytes / bytesPerSecond / factor) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait, undefined, { signal });
    }
    if (!(await outbox.room()) || !(await gate())) return false;
    while (stamps.length > 0 && stamps[0].startByte < sentBytes + pcm.length) {
      const { id, word, start, end } = stamps.shift()!;
      outbox.send({ ...run.ids, status: 'word_timestamp', data: { id, word, start, end } });
    }
    sentBytes += pcm.length;
    record.bytes += pcm.length;
    if (options.record) pcmParts.push(Buffer.from(pcm));
    if (audio.length === 0) return true; // the encoder holds it for now (mp3)
    if (options.foreignFrames) {
      const junk = Buffer.alloc(audio.length, 0x55);
      outbox.send({ ...run.ids, request_id: newTaskId(), external_request_id: 'foreign-request', status: 'chunk', data: { audio: junk.toString('base64') } });
    }
    outbox.send({ ...run.ids, status: 'chunk', data: { audio: audio.toString('base64') } });
    options.onChunkSent?.({ connection: host.id, bytes: audio.length, at: performance.now() });
    chunks++;
    if (host.dropAfterChunks !== undefined && ++host.chunksSent >= host.dropAfterChunks) {
      host.terminate();
      host.log(`#${host.id} dropped after ${host.chunksSent} chunks (fault)`);
      return false;
    }
    return true;
  };

  const produce = async (): Promise<boolean> => {
    const encoder = await chunkEncoder(run.format, params.sampleRate);
    let pending = Buffer.alloc(0);
    let producedSamples = 0;
    let wordId = 0;
    for (const text of splitText(params.text)) {
      for await (const piece of host.engine.synthesize({ ...params, text }, signal)) {
        if (signal.aborted || !outbox.open) return false;
        const offset = producedSamples / params.sampleRate;
        if (run.words) {
          for (const w of piece.words ?? []) {
            const start = offset + w.start;
            stamps.push({ id: wordId++, word: w.word, start, end: offset + w.end, startByte: Math.round(start * params.sampleRate) * 2 });
          }
        }
        const samples = piece.samples;
        producedSamples += samples.length;
        const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
        pending = pending.length ? Buffer.concat([pending, bytes]) : Buffer.from(bytes);
        while (pending.length >= chunkBytes) {
          const pcm = pending.subarray(0, chunkBytes);
          if (!(await sendChunk(pcm, encoder.encode(pcm)))) return false;
          pending = pending.subarray(chunkBytes);
        }
        await yieldToLoop(); // other connections get their turn between pieces
      }
    }
    const last = Buffer.concat([encoder.encode(pending), encoder.finish()]);
    if ((pending.length > 0 || last.length > 0) && !(await sendChunk(pending, last))) return false;
    for (const { id, word, start, end } of stamps.splice(0)) outbox.send({ ...run.ids, status: 'word_timestamp', data: { id, word, start, end } });
    return true;
  };

  try {
    if (run.segment && options.segmentDelayMs) await sleep(options.segmentDelayMs, undefined, { signal });
    if (!(await gate()) || !(await produce()) || !(await gate())) {
      record.outcome = 'dropped';
      return;
    }
    await sleep(run.completeBackoffMs, undefined, { signal });
    if (!outbox.open) {
      record.outcome = 'dropped';
      return;
    }
    outbox.send({ ...run.ids, status: 'complete' });
    record.outcome = 'complete';
    const seconds = (sentBytes / bytesPerSecond).toFixed(2);
    host.log(`#${host.id} request ${params.voice} ${params.language} ${params.sampleRate}Hz ${params.text.length} chars -> ${seconds}s audio in ${Math.round(performance.now() - started)}ms`);
    if (options.closeAfterComplete && !run.segment) host.closeSocket(1000, 'request complete'); // a continuation keeps its socket
  } catch (error) {
    if (signal.aborted || !outbox.open) {
      record.outcome = 'dropped';
      return;
    }
    record.outcome = 'error';
    const message = error instanceof Error ? error.message : String(error);
    outbox.send(errorFrame(run.ids, 'ENGINE_ERROR', `synthesis failed: ${message.slice(0, 300)}`));
    host.log(`#${host.id} engine ${host.engine.name} failed: ${message.slice(0, 300)}`);
  } finally {
    if (options.record) record.pcm = Buffer.concat(pcmParts);
  }
}
