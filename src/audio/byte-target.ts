// Where an encoded file's bytes go: a temporary file renamed into place at the end, or a stream written in place.
import { once } from 'node:events';
import { renameSync, writeSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { SmallestTtsError } from '../errors.js';
import { OutputClosedError } from './sink.js';
import { outputTarget } from './output-target.js';
import { openInPlace, writeFailure } from './wav.js';

export interface Patch {
  offset: number;
  bytes: Buffer;
}

export interface ByteTarget {
  /** Header bytes can be rewritten at the end (a regular file, not a pipe). */
  readonly seekable: boolean;
  append(bytes: Buffer): Promise<void>;
  /** Finish: `tail` appended, `patch` applied when seekable, the file moved into place or the stream ended. */
  commit(tail: Buffer, patch: Patch | null): Promise<void>;
  /** Leave nothing behind (an existing file stays as it was). */
  discard(): Promise<void>;
  /** commit() for a process about to exit: synchronous, covers the appends that completed. */
  commitSync(tail: Buffer, patch: Patch | null): void;
}

/** A temporary file beside the target: a reader never sees a half-written file; a failed run leaves an old one untouched. */
class AtomicFileTarget implements ByteTarget {
  readonly seekable = true;
  private position = 0;
  /** Where commit() put the tail, once it started. */
  private tailAt: number | undefined;

  constructor(
    private readonly path: string,
    private readonly tempPath: string,
    private readonly handle: FileHandle,
  ) {}

  async append(bytes: Buffer): Promise<void> {
    if (bytes.length === 0) return;
    const at = this.position;
    this.position += bytes.length;
    try {
      await this.handle.write(bytes, 0, bytes.length, at);
    } catch (error) {
      throw writeFailure(this.path, error);
    }
  }

  async commit(tail: Buffer, patch: Patch | null): Promise<void> {
    this.tailAt = this.position;
    try {
      await this.append(tail);
      if (patch) await this.handle.write(patch.bytes, 0, patch.bytes.length, patch.offset);
      await this.handle.close();
      await rename(this.tempPath, this.path);
    } catch (error) {
      await this.handle.close().catch(() => {});
      await unlink(this.tempPath).catch(() => {});
      throw error instanceof SmallestTtsError ? error : writeFailure(this.path, error);
    }
  }

  async discard(): Promise<void> {
    await this.handle.close().catch(() => {});
    await unlink(this.tempPath).catch(() => {});
  }

  commitSync(tail: Buffer, patch: Patch | null): void {
    // Also when commit() is under way (a second signal during it): the tail goes where commit put it.
    try {
      writeSync(this.handle.fd, tail, 0, tail.length, this.tailAt ?? this.position);
      if (patch) writeSync(this.handle.fd, patch.bytes, 0, patch.bytes.length, patch.offset);
      renameSync(this.tempPath, this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'EBADF') throw error; // commit() got there first
    }
    // Not closeSync(fd): the FileHandle would still count as open, and when collected it would close
    // whatever file had reused the descriptor by then.
    void this.handle.close().catch(() => {});
  }
}

/** A stream (stdout, a FIFO, a device): written in order, no header patching; ended only if it was opened here. */
class StreamTarget implements ByteTarget {
  readonly seekable = false;
  private failure: Error | null = null;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly owns: boolean,
  ) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      this.failure = error.code === 'EPIPE' ? new OutputClosedError() : error;
    });
  }

  async append(bytes: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    // once() rejects when 'error' comes first; the listener above has turned it into this.failure.
    if (bytes.length > 0 && !this.stream.write(bytes)) await once(this.stream, 'drain').catch(() => {});
    if (this.failure) throw this.failure;
  }

  async commit(tail: Buffer): Promise<void> {
    await this.append(tail);
    // A failed write (ENOSPC on /dev/full) may surface only here, in a callback or after end().
    const failed = (error?: Error | null) => {
      if (error) this.failure ??= (error as NodeJS.ErrnoException).code === 'EPIPE' ? new OutputClosedError() : error;
    };
    await new Promise<void>((resolve) => this.stream.write('', (error) => (failed(error), resolve())));
    if (this.owns) await new Promise<void>((resolve) => this.stream.end((error?: Error | null) => (failed(error), resolve())));
    if (this.owns) await new Promise((resolve) => setImmediate(resolve)); // an 'error' event emitted after end()
    if (this.failure) throw this.failure instanceof SmallestTtsError ? this.failure : writeFailure('the output', this.failure);
  }

  async discard(): Promise<void> {
    if (this.owns) this.stream.end();
  }

  commitSync(tail: Buffer): void {
    const fd = (this.stream as { fd?: unknown }).fd;
    if (typeof fd === 'number') writeSync(fd, tail);
    else this.stream.write(tail);
  }
}

export function streamTarget(stream: NodeJS.WritableStream): ByteTarget {
  return new StreamTarget(stream, false);
}

/**
 * Fails now, before any synthesis, when the file cannot be written. A target that exists and is
 * not a regular file (/dev/null, a FIFO) is written in place: renaming over it would replace it.
 */
export async function openByteTarget(path: string): Promise<ByteTarget> {
  const target = await outputTarget(path);
  if (target.kind === 'directory') throw writeFailure(path, Object.assign(new Error(), { code: 'EISDIR' }));
  if (target.kind === 'in-place') return new StreamTarget(await openInPlace(path), true);
  try {
    const handle = await open(target.tempPath, 'wx', target.mode);
    return new AtomicFileTarget(target.path, target.tempPath, handle);
  } catch (error) {
    throw writeFailure(path, error);
  }
}
