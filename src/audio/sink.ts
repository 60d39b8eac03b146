// The AudioSink contract every output implements, and a stream sink (stdout, pipes) with backpressure.
import { once } from 'node:events';
import { SmallestTtsError } from '../core/errors.js';

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

/** The reader of a pipe left (EPIPE): not a failure of ours; the CLI ends quietly. */
export class OutputClosedError extends SmallestTtsError {
  constructor() {
    super('The output was closed before all audio was written (broken pipe).', { code: 'output_closed' });
  }
}

const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  EFBIG: 'the file is too large',
};

/** Writing the audio output failed (a full disk, a device error). */
export class OutputWriteError extends SmallestTtsError {
  constructor(cause: NodeJS.ErrnoException) {
    const why = (cause.code && WRITE_FAILURES[cause.code]) ?? cause.message;
    super(`Cannot write the audio output: ${why}${cause.code ? ` (${cause.code})` : ''}.`, { cause, code: 'output_write_failed', data: { errno: cause.code }, hint: 'Free some space or choose another output.' });
  }
}

function outputFailure(error: NodeJS.ErrnoException): SmallestTtsError {
  if (error instanceof SmallestTtsError) return error;
  return error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED' ? new OutputClosedError() : new OutputWriteError(error);
}

/**
 * Waits until what was written to `stream` has gone out and, when `owns`, the stream has ended, then
 * a tick more for an 'error' event emitted after end(). Returns the errors the callbacks gave: a
 * failed write (ENOSPC on /dev/full) may surface only there.
 */
export async function flushStream(stream: NodeJS.WritableStream, owns: boolean): Promise<Error[]> {
  const errors: Error[] = [];
  const note = (error?: Error | null) => void (error && errors.push(error));
  await new Promise<void>((resolve) => stream.write('', (error) => (note(error), resolve())));
  if (owns) await new Promise<void>((resolve) => stream.end((error?: Error | null) => (note(error), resolve())));
  if (owns) await new Promise((resolve) => setImmediate(resolve));
  return errors;
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
      this.failure ??= outputFailure(error);
    });
    if (header) stream.write(header);
  }

  async write(pcm: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.bytesWritten += pcm.length;
    if (!this.stream.write(pcm)) {
      // once() also settles on 'error' and removes both of its listeners either way.
      await once(this.stream, 'drain').catch((error: NodeJS.ErrnoException) => {
        this.failure ??= outputFailure(error);
      });
      if (this.failure) throw this.failure;
    }
  }

  async end(): Promise<void> {
    if (this.failure) throw this.failure;
    // A destroyed stream's callbacks say only that: its own 'error' event names the cause.
    for (const error of await flushStream(this.stream, this.ownsStream)) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_DESTROYED') this.failure ??= outputFailure(error);
    }
    if (this.failure) throw this.failure;
  }

  /** Set when the sink opened the stream itself (a device or FIFO) and must end it. */
  ownsStream = false;

  /** A stream opened here (a device, a FIFO) is closed at once; one given (stdout) is left as it is. */
  async abort(): Promise<void> {
    if (this.ownsStream) (this.stream as NodeJS.WritableStream & { destroy?(): void }).destroy?.();
  }
}
