// An AudioSink that encodes as the audio arrives (MP3, FLAC, Ogg) into a file or a stream.
import type { ByteTarget, Patch } from './byte-target.js';
import type { StreamEncoder } from './encoders.js';
import type { AudioSink } from './sink.js';

export class EncodingSink implements AudioSink {
  private readonly target: ByteTarget;
  private readonly encoder: StreamEncoder;
  /** An odd byte held until its sample's other half arrives. */
  private carry: Buffer | null = null;
  private finished = false;
  /** end()'s tail and patch while it runs (the target keeps its own copy for commitSync()). */
  private ending: { tail: Buffer; patch: Patch | null } | null = null;
  /** PCM bytes taken (before encoding). */
  bytesWritten = 0;

  private constructor(target: ByteTarget, encoder: StreamEncoder) {
    this.target = target;
    this.encoder = encoder;
  }

  /** Writes the format's header; on failure the target is discarded. */
  static async start(target: ByteTarget, encoder: StreamEncoder): Promise<EncodingSink> {
    try {
      await target.append(encoder.header());
    } catch (error) {
      await target.discard();
      throw error;
    }
    return new EncodingSink(target, encoder);
  }

  async write(pcm: Buffer): Promise<void> {
    if (this.finished) return;
    if (this.carry) {
      pcm = Buffer.concat([this.carry, pcm]);
      this.carry = null;
    }
    if (pcm.length % 2 === 1) {
      this.carry = Buffer.from(pcm.subarray(pcm.length - 1));
      pcm = pcm.subarray(0, pcm.length - 1);
    }
    this.bytesWritten += pcm.length;
    await this.target.append(this.encoder.encode(pcm));
  }

  /** Flushes the encoder, patches the header with the totals (files) and moves the file into place. */
  async end(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const tail = this.encoder.finish();
    this.ending = { tail, patch: this.target.seekable ? this.encoder.finalPatch() : null };
    await this.target.commit(this.ending.tail, this.ending.patch);
    this.ending = null;
  }

  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.target.discard();
  }

  /** end() for a process about to exit (a second signal), in any state: a valid file of what was encoded; with nothing encoded, or after abort(), no file. */
  finishSync(): void {
    if (this.finished) {
      // end() under way (the target completes its commit), or abort() (the target completes the discard), or done.
      this.target.commitSync(this.ending?.tail ?? Buffer.alloc(0), this.ending?.patch ?? null);
      return;
    }
    this.finished = true;
    // No audio yet: no file (an empty MP3 or Ogg is no valid file); an old one stays as it was.
    if (this.bytesWritten === 0) return this.target.discardSync();
    const tail = this.encoder.finish();
    this.target.commitSync(tail, this.target.seekable ? this.encoder.finalPatch() : null);
  }
}
