// The AudioSink contract every output implements, and a stream sink (stdout, pipes) with backpressure.
import { once } from 'node:events';
import { SmallestTtsError } from '../errors.js';

export interface AudioSink {
  /** Takes whole-sample s16le mono PCM; resolves when the sink can take more. */
  write(pcm: Buffer): Promise<void>;
  /** Everything was written: finish (a file complete and in place, playback drained). */
  end(): Promise<void>;
  /** Stop at once because synthesis failed: a file sink leaves no file behind and any old file as it was. */
  abort(): Promise<void>;
  /** Drop audio written but not yet heard, and stay usable (playback sinks; a file keeps what it has). */
  interrupt?(): Promise<void>;
  /** end() for a process about to exit (a second Ctrl-C), synchronously: a file sink leaves a valid file of what it has. */
  finishSync?(): void;
}

export class OutputClosedError extends SmallestTtsError {
  constructor() {
    super('The output was closed before all audio was written (broken pipe).');
  }
}

/** Writes PCM to a stream such as stdout, optionally after a header, honouring backpressure. */
export class StreamSink implements AudioSink {
  protected readonly stream: NodeJS.WritableStream;
  private failure: Error | null = null;
  /** PCM bytes written (not counting a header). */
  bytesWritten = 0;

  constructor(stream: NodeJS.WritableStream, header?: Buffer) {
    this.stream = stream;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      this.failure = error.code === 'EPIPE' ? new OutputClosedError() : error;
    });
    if (header) stream.write(header);
  }

  async write(pcm: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.bytesWritten += pcm.length;
    if (!this.stream.write(pcm)) {
      // once() rejects when 'error' comes first (EPIPE); the listener above has turned it into this.failure.
      await once(this.stream, 'drain').catch(() => {});
      if (this.failure) throw this.failure;
    }
  }

  async end(): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve) => this.stream.write('', () => resolve()));
    if (this.ownsStream) await new Promise<void>((resolve) => this.stream.end(() => resolve()));
  }

  /** Set when the sink opened the stream itself (a device or FIFO) and must end it. */
  ownsStream = false;

  async abort(): Promise<void> {}
}
