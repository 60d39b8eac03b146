// A run's `output_format`: the PCM the engine makes turned into the bytes each chunk frame carries (pcm, wav, mp3, ulaw, alaw).
import { encodeG711 } from '../audio/g711.js';
import { wavHeader } from '../audio/wav.js';
import type { WireFormat } from '../protocol/request-fields.js';

/** Takes s16le PCM in any cut (a piece may end mid-sample) and gives the format's bytes for it, possibly none yet. */
interface ChunkEncoder {
  encode(pcm: Buffer): Buffer;
  /** The bytes still held, once, after the last piece. */
  finish(): Buffer;
}

const EMPTY = Buffer.alloc(0);

/** Passes whole samples on to `encode`, holding an odd byte for the next piece. */
function wholeSamples(encode: (pcm: Buffer) => Buffer, finish: () => Buffer = () => EMPTY): ChunkEncoder {
  let odd = EMPTY;
  return {
    encode: (pcm) => {
      const all = odd.length ? Buffer.concat([odd, pcm]) : pcm;
      const even = all.length & ~1;
      odd = Buffer.from(all.subarray(even));
      return even === 0 ? EMPTY : encode(all.subarray(0, even));
    },
    finish,
  };
}

/** A streamed WAV: the header (sizes unknown, as a stream's are) before the first audio, then the PCM as it comes. */
function wavEncoder(sampleRate: number): ChunkEncoder {
  let header: Buffer | undefined = wavHeader(sampleRate, null);
  const take = () => {
    const h = header ?? EMPTY;
    header = undefined;
    return h;
  };
  return { encode: (pcm) => Buffer.concat([take(), pcm]), finish: take };
}

export async function chunkEncoder(format: WireFormat, sampleRate: number): Promise<ChunkEncoder> {
  if (format === 'pcm') return { encode: (pcm) => pcm, finish: () => EMPTY };
  if (format === 'wav') return wavEncoder(sampleRate);
  if (format === 'ulaw' || format === 'alaw') return wholeSamples((pcm) => encodeG711(pcm, format));
  // MP3 loads its WebAssembly encoder only when asked for.
  const { createStreamEncoder } = await import('../audio/encoders.js');
  const mp3 = await createStreamEncoder('mp3', sampleRate);
  return wholeSamples((pcm) => mp3.encode(pcm), () => mp3.finish());
}
