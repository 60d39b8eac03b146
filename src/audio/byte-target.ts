// Where a file's bytes go: a temporary file renamed into place at the end, or a stream written in place.
import { once } from 'node:events';
import { closeSync, createWriteStream, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { SmallestTtsError } from '../core/errors.js';
import { isFifo, openFifoForWriting } from '../core/files/fifo.js';
import { trackTemp } from '../core/files/temp-files.js';
import { OutputClosedError, flushStream } from './sink.js';
import { isLink, nameTooLong, outputTarget } from './output-target.js';

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
  /**
   * commit() for a process about to exit, synchronously, in any state: covers every append made so
   * far; during commit() it completes that commit; during discard() it completes the discard; after
   * either it does nothing.
   */
  commitSync(tail: Buffer, patch: Patch | null): void;
  /** discard() for a process about to exit: an open file is removed; a commit under way is completed instead. */
  discardSync(): void;
}

export function writeFailure(path: string, error: unknown): SmallestTtsError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT' ? 'its folder does not exist'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EISDIR' ? 'it is a directory'
    : code === 'ENOSPC' ? 'the disk is full'
    : code === 'EROFS' ? 'the file system is read-only'
    : code === 'ENAMETOOLONG' ? 'the name is too long'
    : code === 'ELOOP' ? 'its links go round in a loop'
    : (error as Error).message;
  return new SmallestTtsError(`Cannot write ${path}: ${why}.`, { cause: error });
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * A temporary file beside the target: a reader never sees a half-written file; a failed run leaves
 * an old one untouched. Its state is one value, so a synchronous finish (a second signal) knows
 * whether the commit is still to do, under way, or done — a closing handle is not a finished commit.
 */
class AtomicFileTarget implements ByteTarget {
  readonly seekable = true;
  private position = 0;
  /** Writes issued and not yet confirmed: a synchronous finish writes them again (the same bytes at the same place). */
  private readonly pending = new Set<Patch>();
  private state: { kind: 'open' } | { kind: 'committing'; tail: Patch; patch: Patch | null } | { kind: 'discarding' } | { kind: 'settled' } = { kind: 'open' };
  private readonly forget: () => void;

  constructor(
    private readonly path: string,
    private readonly tempPath: string,
    private readonly handle: FileHandle,
    forget: () => void,
  ) {
    this.forget = forget;
  }

  private async writeAt(bytes: Buffer, offset: number): Promise<void> {
    const write = { offset, bytes };
    this.pending.add(write);
    try {
      await this.handle.write(bytes, 0, bytes.length, offset);
    } catch (error) {
      throw writeFailure(this.path, error);
    } finally {
      this.pending.delete(write);
    }
  }

  async append(bytes: Buffer): Promise<void> {
    if (bytes.length === 0 || this.state.kind !== 'open') return;
    const at = this.position;
    this.position += bytes.length;
    await this.writeAt(bytes, at);
  }

  async commit(tail: Buffer, patch: Patch | null): Promise<void> {
    if (this.state.kind !== 'open') return;
    const state = { kind: 'committing' as const, tail: { offset: this.position, bytes: tail }, patch };
    this.state = state;
    this.position += tail.length;
    try {
      if (tail.length > 0) await this.writeAt(tail, state.tail.offset);
      if (patch) await this.writeAt(patch.bytes, patch.offset);
      await this.handle.close();
      await rename(this.tempPath, this.path);
      this.settle();
    } catch (error) {
      if ((this.state as { kind: string }).kind === 'settled') return; // commitSync() finished it meanwhile
      this.state = { kind: 'discarding' };
      await this.handle.close().catch(() => {});
      await unlink(this.tempPath).catch(() => {});
      this.settle();
      throw error instanceof SmallestTtsError ? error : writeFailure(this.path, error);
    }
  }

  async discard(): Promise<void> {
    if (this.state.kind !== 'open') return;
    this.state = { kind: 'discarding' };
    await this.handle.close().catch(() => {});
    await unlink(this.tempPath).catch(() => {});
    this.settle();
  }

  private settle(): void {
    this.state = { kind: 'settled' };
    this.forget();
  }

  discardSync(): void {
    if (this.state.kind === 'open') {
      this.state = { kind: 'discarding' };
      void this.handle.close().catch(() => {});
    }
    this.commitSync(Buffer.alloc(0), null);
  }

  commitSync(tail: Buffer, patch: Patch | null): void {
    const state = this.state;
    if (state.kind === 'settled') return;
    this.settle();
    if (state.kind === 'discarding') return this.unlinkTempSync();
    const last = state.kind === 'committing' ? state : { tail: { offset: this.position, bytes: tail }, patch };
    // The handle's descriptor is -1 once close() has begun: then the file is opened again by name.
    // Missing by name means the rename is done.
    let fd = this.handle.fd;
    let reopened = false;
    if (fd === -1) {
      try {
        fd = openSync(this.tempPath, 'r+');
        reopened = true;
      } catch (error) {
        if (code(error) === 'ENOENT') return;
        this.unlinkTempSync();
        throw error;
      }
    }
    try {
      for (const write of [...this.pending, last.tail, ...(last.patch ? [last.patch] : [])]) {
        if (write.bytes.length > 0) writeSync(fd, write.bytes, 0, write.bytes.length, write.offset);
      }
    } catch (error) {
      // A full disk on the way out: the old file stays, and no temporary file either.
      this.unlinkTempSync();
      throw error;
    } finally {
      // Not closeSync on the handle's own descriptor: the FileHandle would still count as open, and
      // when collected it would close whatever file had reused the descriptor by then.
      if (reopened) closeSync(fd);
      else void this.handle.close().catch(() => {});
    }
    try {
      renameSync(this.tempPath, this.path);
    } catch (error) {
      if (code(error) === 'ENOENT') return; // an async rename got there first
      this.unlinkTempSync();
      throw error;
    }
  }

  private unlinkTempSync(): void {
    try {
      unlinkSync(this.tempPath);
    } catch {
      // already gone
    }
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
    for (const error of await flushStream(this.stream, this.owns)) this.failure ??= code(error) === 'EPIPE' ? new OutputClosedError() : error;
    if (this.failure) throw this.failure instanceof SmallestTtsError ? this.failure : writeFailure('the output', this.failure);
  }

  async discard(): Promise<void> {
    if (this.owns) (this.stream as NodeJS.WritableStream & { destroy(): void }).destroy();
  }

  discardSync(): void {
    // Bytes already written to a device or FIFO cannot be taken back; nothing to remove.
  }

  commitSync(tail: Buffer): void {
    const fd = (this.stream as { fd?: unknown }).fd;
    try {
      if (typeof fd === 'number') writeSync(fd, tail);
      else this.stream.write(tail);
    } catch {
      // A full pipe or a gone reader: the process is exiting; what was written stays.
    }
  }
}

export function streamTarget(stream: NodeJS.WritableStream): ByteTarget {
  return new StreamTarget(stream, false);
}

/** After `signal` aborts, a stream opened here gets this long to finish before it is destroyed (a reader that stopped reading). */
const GRACE_MS = 500;

/**
 * A device, FIFO or the like opened for writing in place; a failure to open is a writeFailure. A FIFO
 * waits for its reader without blocking a thread; aborting `signal` ends that wait, and a stream that
 * then does not finish within GRACE_MS is destroyed.
 */
export async function openInPlace(path: string, signal?: AbortSignal): Promise<NodeJS.WritableStream> {
  let stream: NodeJS.WritableStream & { destroy(): void };
  if (isFifo(path)) {
    try {
      stream = await openFifoForWriting(path, signal);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw writeFailure(path, error);
    }
  } else {
    const file = createWriteStream(path, { flags: 'w' });
    await new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve());
      file.once('error', (error) => reject(writeFailure(path, error)));
    });
    stream = file;
  }
  if (signal) {
    const onAbort = () => {
      const timer = setTimeout(() => stream.destroy(), GRACE_MS);
      stream.once('close', () => clearTimeout(timer));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', onAbort));
  }
  return stream;
}

/**
 * Fails now, before any synthesis, when the file cannot be written. A target that exists and is
 * not a regular file (/dev/null, a FIFO) is written in place: renaming over it would replace it.
 */
export async function openByteTarget(path: string, signal?: AbortSignal): Promise<ByteTarget> {
  const target = await outputTarget(path);
  if (target.kind === 'directory') throw writeFailure(path, Object.assign(new Error(), { code: 'EISDIR' }));
  if (target.kind === 'in-place') return new StreamTarget(await openInPlace(path, signal), true);
  if (nameTooLong(target.path)) throw writeFailure(path, Object.assign(new Error(), { code: 'ENAMETOOLONG' }));
  if (isLink(target.path)) throw writeFailure(path, Object.assign(new Error(), { code: 'ELOOP' })); // links that never end in a file
  const forget = trackTemp(target.tempPath); // before it exists: a forced exit while it is opened removes it too
  try {
    const handle = await open(target.tempPath, 'wx', target.mode);
    return new AtomicFileTarget(target.path, target.tempPath, handle, forget);
  } catch (error) {
    forget();
    throw writeFailure(path, error);
  }
}

/**
 * Writes `bytes` to `path` by the same rule as every output (through a link, in place for a device
 * or FIFO, else a temporary file renamed into place): for small files such as subtitles.
 */
export async function writeFileOutput(path: string, bytes: Buffer | string, signal?: AbortSignal): Promise<void> {
  const target = await openByteTarget(path, signal);
  try {
    await target.append(Buffer.from(bytes));
  } catch (error) {
    await target.discard();
    throw error;
  }
  await target.commit(Buffer.alloc(0), null);
}
