// One run of audio (a one-shot request or a released segment): engine pieces → word_timestamp and chunk frames → complete, with faults.
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import type { SpeechEngine, SynthesisParams } from './engines/engine.js';
import { CLOSE_CODES } from '../protocol/close-codes.js';
import { chunkFrame, completeFrame, errorFrame, newTaskId, wordTimestampFrame, type FrameIds } from '../protocol/frames.js';
import type { Outbox } from './outbox.js';
import type { WireFormat } from '../protocol/request-fields.js';
import { chunkEncoder } from './output-format.js';
import { splitText } from '../text/releases.js';
import type { RequestRecord, WavesServerOptions } from './server-options.js';

interface Run {
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
  await new SynthesisRun(run, host).execute();
}

/** One run's progress: what has been produced, timed and sent. */
class SynthesisRun {
  private readonly options: WavesServerOptions;
  private readonly outbox: Outbox;
  private readonly signal: AbortSignal;
  private readonly chunkBytes: number;
  private readonly bytesPerSecond: number;
  private readonly started = performance.now();
  private chunks = 0;
  private sentBytes = 0;
  /** Word timings not yet sent: each goes out just before the chunk that holds its first sample. */
  private readonly stamps: Stamp[] = [];
  private readonly pcmParts: Buffer[] = [];
  private nextWordId = 0;

  constructor(
    private readonly run: Run,
    private readonly host: RunHost,
  ) {
    this.options = host.options;
    this.outbox = host.outbox;
    this.signal = host.signal;
    this.chunkBytes = Math.max(1, this.options.chunkBytes ?? 4800);
    this.bytesPerSecond = run.params.sampleRate * 2;
  }

  async execute(): Promise<void> {
    const { run, options, signal } = this;
    try {
      if (run.segment && options.segmentDelayMs) await sleep(options.segmentDelayMs, undefined, { signal });
      if (!(await this.gate()) || !(await this.produce()) || !(await this.gate())) {
        run.record.outcome = 'dropped';
        return;
      }
      await sleep(run.completeBackoffMs, undefined, { signal });
      if (!this.outbox.open) {
        run.record.outcome = 'dropped';
        return;
      }
      this.complete();
    } catch (error) {
      this.failed(error);
    } finally {
      if (options.record) run.record.pcm = Buffer.concat(this.pcmParts);
    }
  }

  /** The faults that act at a chunk boundary; false: the run is over (socket closed or stalled). */
  private async gate(): Promise<boolean> {
    const { options, host, chunks } = this;
    const close = options.closeWith;
    if (close && chunks >= (close.afterChunks ?? 0)) {
      host.closeSocket(close.code, close.reason ?? '');
      host.log(`#${host.id} closed with ${close.code} after ${chunks} chunks (fault)`);
      return false;
    }
    if (options.stallAfterChunks !== undefined && chunks >= options.stallAfterChunks) {
      host.log(`#${host.id} stalled after ${chunks} chunks (fault)`);
      await untilAborted(this.signal);
      return false;
    }
    return this.outbox.open;
  }

  /** Engine pieces of each part of the text, cut into chunks as they come; false: the run is over. */
  private async produce(): Promise<boolean> {
    const { params } = this.run;
    const encoder = await chunkEncoder(this.run.format, params.sampleRate);
    let pending = Buffer.alloc(0);
    let producedSamples = 0;
    for (const text of splitText(params.text)) {
      for await (const piece of this.host.engine.synthesize({ ...params, text }, this.signal)) {
        if (this.signal.aborted || !this.outbox.open) return false;
        if (this.run.words) this.stampWords(piece.words ?? [], producedSamples / params.sampleRate);
        const samples = piece.samples;
        producedSamples += samples.length;
        const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
        pending = pending.length ? Buffer.concat([pending, bytes]) : Buffer.from(bytes);
        while (pending.length >= this.chunkBytes) {
          const pcm = pending.subarray(0, this.chunkBytes);
          if (!(await this.sendChunk(pcm, encoder.encode(pcm)))) return false;
          pending = pending.subarray(this.chunkBytes);
        }
        await yieldToLoop(); // other connections get their turn between pieces
      }
    }
    const last = Buffer.concat([encoder.encode(pending), encoder.finish()]);
    if ((pending.length > 0 || last.length > 0) && !(await this.sendChunk(pending, last))) return false;
    this.sendStampsBefore(Infinity);
    return true;
  }

  /** Queues a piece's word timings, moved by `offset` seconds (where the piece starts in the run's audio). */
  private stampWords(words: readonly { word: string; start: number; end: number }[], offset: number): void {
    const rate = this.run.params.sampleRate;
    for (const w of words) {
      const start = offset + w.start;
      this.stamps.push({ id: this.nextWordId++, word: w.word, start, end: offset + w.end, startByte: Math.round(start * rate) * 2 });
    }
  }

  /** Sends the word timings whose audio starts before `byte`. */
  private sendStampsBefore(byte: number): void {
    while (this.stamps.length > 0 && this.stamps[0].startByte < byte) {
      const { id, word, start, end } = this.stamps.shift()!;
      this.outbox.send(wordTimestampFrame(this.run.ids, { id, word, start, end }));
    }
  }

  /** Waits as the realtime and first-chunk faults say, before the chunk at `sentBytes`. */
  private async pace(): Promise<void> {
    const { options, signal } = this;
    if (this.sentBytes === 0 && options.firstChunkDelayMs) await sleep(options.firstChunkDelayMs, undefined, { signal });
    const factor = options.realtimeFactor ?? 0;
    if (factor > 0) {
      const due = this.started + (options.firstChunkDelayMs ?? 0) + (this.sentBytes / this.bytesPerSecond / factor) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait, undefined, { signal });
    }
  }

  /** Sends `audio`, a piece of PCM in the run's format, as one chunk (none while the encoder holds it); false: the run is over. */
  private async sendChunk(pcm: Buffer, audio: Buffer): Promise<boolean> {
    const { options, outbox, host, run } = this;
    await this.pace();
    if (!(await outbox.room()) || !(await this.gate())) return false;
    this.sendStampsBefore(this.sentBytes + pcm.length);
    this.sentBytes += pcm.length;
    run.record.bytes += pcm.length;
    if (options.record) this.pcmParts.push(Buffer.from(pcm));
    if (audio.length === 0) return true; // the encoder holds it for now (mp3)
    if (options.foreignFrames) {
      outbox.send(chunkFrame({ ...run.ids, request_id: newTaskId(), external_request_id: 'foreign-request' }, Buffer.alloc(audio.length, 0x55)));
    }
    outbox.send(chunkFrame(run.ids, audio));
    options.onChunkSent?.({ connection: host.id, bytes: audio.length, at: performance.now() });
    this.chunks++;
    if (host.dropAfterChunks !== undefined && ++host.chunksSent >= host.dropAfterChunks) {
      host.terminate();
      host.log(`#${host.id} dropped after ${host.chunksSent} chunks (fault)`);
      return false;
    }
    return true;
  }

  private complete(): void {
    const { run, host } = this;
    const { params } = run;
    this.outbox.send(completeFrame(run.ids));
    run.record.outcome = 'complete';
    const seconds = (this.sentBytes / this.bytesPerSecond).toFixed(2);
    host.log(`#${host.id} request ${params.voice} ${params.language} ${params.sampleRate}Hz ${params.text.length} chars -> ${seconds}s audio in ${Math.round(performance.now() - this.started)}ms`);
    if (this.options.closeAfterComplete && !run.segment) host.closeSocket(CLOSE_CODES.NORMAL, 'request complete'); // a continuation keeps its socket
  }

  /** A dropped socket ends the run quietly; an engine failure becomes an error frame. */
  private failed(error: unknown): void {
    const { run, host } = this;
    if (this.signal.aborted || !this.outbox.open) {
      run.record.outcome = 'dropped';
      return;
    }
    run.record.outcome = 'error';
    const message = error instanceof Error ? error.message : String(error);
    this.outbox.send(errorFrame(run.ids, 'ENGINE_ERROR', `synthesis failed: ${message.slice(0, 300)}`));
    host.log(`#${host.id} engine ${host.engine.name} failed: ${message.slice(0, 300)}`);
  }
}
