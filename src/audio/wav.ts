// 16-bit mono WAV: the header, a file sink written atomically, and a stdout sink.
import { createWriteStream, renameSync, writeSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { SmallestTtsError } from '../errors.js';
import { outputTarget } from './output-target.js';
import { StreamSink, type AudioSink } from './sink.js';

/** Sizes past 4 GiB do not fit; a streaming header uses the largest value, as most readers expect. */
const UNKNOWN_SIZE = 0xffffffff;

export function wavHeader(sampleRate: number, dataBytes: number | null): Buffer {
  const header = Buffer.alloc(44);
  // Past 4 GiB no size is true: "unknown", as a stream's header says, rather than a wrong length.
  const data = dataBytes === null || dataBytes > UNKNOWN_SIZE - 36 ? UNKNOWN_SIZE : dataBytes;
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(data === UNKNOWN_SIZE ? UNKNOWN_SIZE : data + 36, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data, 40);
  return header;
}

export function writeFailure(path: string, error: unknown): SmallestTtsError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT' ? 'its folder does not exist'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EISDIR' ? 'it is a directory'
    : code === 'ENOSPC' ? 'the disk is full'
    : code === 'EROFS' ? 'the file system is read-only'
    : (error as Error).message;
  return new SmallestTtsError(`Cannot write ${path}: ${why}.`, { cause: error });
}

/**
 * Streams into a temporary file beside the target and renames it into place on end(), so a
 * reader never sees a half-written file and a failed run leaves an existing file untouched.
 * With `raw`, writes headerless PCM.
 */
export class WavFileSink implements AudioSink {
  readonly path: string;
  private readonly tempPath: string;
  private readonly sampleRate: number;
  private readonly raw: boolean;
  private readonly handle: FileHandle;
  private dataBytes = 0;
  private finished = false;
  /** How far end() has got, while it runs: finishSync() completes the rest. */
  private ending: 'header' | 'closing' | null = null;

  private constructor(path: string, tempPath: string, handle: FileHandle, sampleRate: number, raw: boolean) {
    this.path = path;
    this.tempPath = tempPath;
    this.handle = handle;
    this.sampleRate = sampleRate;
    this.raw = raw;
  }

  /**
   * Fails now, before any synthesis, when the file cannot be written. A target that exists and is
   * not a regular file (/dev/null, a FIFO) is written in place as a stream: renaming over it would
   * replace the device.
   */
  static async open(path: string, sampleRate: number, options: { raw?: boolean } = {}): Promise<WavFileSink | StreamSink> {
    const target = await outputTarget(path);
    if (target.kind === 'directory') throw writeFailure(path, Object.assign(new Error(), { code: 'EISDIR' }));
    if (target.kind === 'in-place') return openStreamTarget(path, sampleRate, options.raw ?? false);
    let handle: FileHandle;
    try {
      handle = await open(target.tempPath, 'wx', target.mode);
    } catch (error) {
      throw writeFailure(path, error);
    }
    const sink = new WavFileSink(target.path, target.tempPath, handle, sampleRate, options.raw ?? false);
    // A full disk may refuse even the header: the temporary file goes too.
    if (!sink.raw) await sink.put(wavHeader(sampleRate, 0)).catch(async (error: unknown) => {
      await sink.abort();
      throw error;
    });
    return sink;
  }

  get bytesWritten(): number {
    return this.dataBytes;
  }

  private async put(buffer: Buffer, position?: number): Promise<void> {
    try {
      await this.handle.write(buffer, 0, buffer.length, position);
    } catch (error) {
      throw writeFailure(this.path, error);
    }
  }

  async write(pcm: Buffer): Promise<void> {
    await this.put(pcm);
    this.dataBytes += pcm.length;
  }

  /** Patches the header with the final sizes and moves the file into place. */
  async end(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.ending = 'header';
    try {
      if (!this.raw) await this.put(wavHeader(this.sampleRate, this.dataBytes), 0);
      this.ending = 'closing';
      await this.handle.close();
      await rename(this.tempPath, this.path);
    } catch (error) {
      await unlink(this.tempPath).catch(() => {});
      throw error instanceof SmallestTtsError ? error : writeFailure(this.path, error);
    } finally {
      this.ending = null;
    }
  }

  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.handle.close().catch(() => {});
    await unlink(this.tempPath).catch(() => {});
  }

  /**
   * end() for a process about to exit (a second Ctrl-C): the header covers the writes that have
   * completed, so the file is a valid WAV of them.
   */
  finishSync(): void {
    // Also when end() is half done (a second signal during it): finish what it has not.
    if (this.finished && this.ending === null) return;
    const ending = this.ending;
    this.finished = true;
    this.ending = null;
    if (ending !== 'closing') {
      if (!this.raw) writeSync(this.handle.fd, wavHeader(this.sampleRate, this.dataBytes), 0, 44, 0);
      // Not closeSync(fd): the FileHandle would still count as open, and when collected it would
      // close whatever file had reused the descriptor by then.
      void this.handle.close().catch(() => {});
    }
    try {
      renameSync(this.tempPath, this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // end() got there first
    }
  }
}

/** A device, FIFO or the like opened for writing in place; a failure to open is a writeFailure. */
export async function openInPlace(path: string): Promise<NodeJS.WritableStream> {
  const stream = createWriteStream(path, { flags: 'w' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error) => reject(writeFailure(path, error)));
  });
  return stream;
}

async function openStreamTarget(path: string, sampleRate: number, raw: boolean): Promise<StreamSink> {
  const stream = await openInPlace(path);
  const sink = raw ? new StreamSink(stream) : new WavStreamSink(stream, sampleRate);
  sink.ownsStream = true;
  return sink;
}

/** WAV to a stream (stdout): the header announces an unknown length, as streaming WAV writers do. */
export class WavStreamSink extends StreamSink {
  constructor(stream: NodeJS.WritableStream, sampleRate: number) {
    super(stream, wavHeader(sampleRate, null));
  }
}
