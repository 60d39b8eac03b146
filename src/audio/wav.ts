// 16-bit mono WAV: the header, a file sink written atomically, and a stdout sink.
import { openByteTarget, openInPlace, type ByteTarget, type Patch } from './byte-target.js';
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

/**
 * Streams into a temporary file beside the target and renames it into place on end(), so a
 * reader never sees a half-written file and a failed run leaves an existing file untouched.
 * With `raw`, writes headerless PCM.
 */
export class WavFileSink implements AudioSink {
  readonly path: string;
  private readonly target: ByteTarget;
  private readonly sampleRate: number;
  private readonly raw: boolean;
  /** PCM bytes given to the file (the header, patched at the end, counts them). */
  private dataBytes = 0;
  private finished = false;

  private constructor(path: string, target: ByteTarget, sampleRate: number, raw: boolean) {
    this.path = path;
    this.target = target;
    this.sampleRate = sampleRate;
    this.raw = raw;
  }

  /**
   * Fails now, before any synthesis, when the file cannot be written. A target that exists and is
   * not a regular file (/dev/null, a FIFO) is written in place as a stream: renaming over it would
   * replace the device. A FIFO waits for its reader; aborting `signal` ends the wait.
   */
  static async open(path: string, sampleRate: number, options: { raw?: boolean; signal?: AbortSignal } = {}): Promise<WavFileSink | StreamSink> {
    const raw = options.raw ?? false;
    const where = await outputTarget(path);
    if (where.kind === 'in-place') return openStreamTarget(path, sampleRate, raw, options.signal);
    const target = await openByteTarget(path, options.signal);
    const sink = new WavFileSink(path, target, sampleRate, raw);
    if (!raw) {
      try {
        await target.append(wavHeader(sampleRate, 0));
      } catch (error) {
        await target.discard();
        throw error;
      }
    }
    return sink;
  }

  get bytesWritten(): number {
    return this.dataBytes;
  }

  async write(pcm: Buffer): Promise<void> {
    if (this.finished) return;
    this.dataBytes += pcm.length;
    await this.target.append(pcm);
  }

  /** The header with the final sizes, rewritten at the start of the file. */
  private headerPatch(): Patch | null {
    return this.raw ? null : { offset: 0, bytes: wavHeader(this.sampleRate, this.dataBytes) };
  }

  /** Patches the header with the final sizes and moves the file into place. */
  async end(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.target.commit(Buffer.alloc(0), this.headerPatch());
  }

  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.target.discard();
  }

  /**
   * end() for a process about to exit (a second signal), in any state: the header covers every
   * write given so far, so the file is a valid WAV of them; with no audio yet, or after abort(), no
   * file is put in place (an old one stays as it was).
   */
  finishSync(): void {
    const ending = this.finished;
    this.finished = true;
    if (!ending && this.dataBytes === 0) this.target.discardSync();
    else this.target.commitSync(Buffer.alloc(0), this.headerPatch());
  }
}

async function openStreamTarget(path: string, sampleRate: number, raw: boolean, signal?: AbortSignal): Promise<StreamSink> {
  const stream = await openInPlace(path, signal);
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
