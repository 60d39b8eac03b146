// Compressed formats behind one interface: FLAC (our own encoder), MP3 and Ogg Vorbis (LAME and libvorbis in WebAssembly).
import type { Patch } from './byte-target.js';

/** Turns s16le mono PCM into a format's bytes, piece by piece, so memory stays flat however long the audio. */
export interface StreamEncoder {
  /** Bytes before any audio (may be empty). */
  header(): Buffer;
  /** Takes whole samples; returns what is ready (may be empty). */
  encode(pcm: Buffer): Buffer;
  /** The rest, once. */
  finish(): Buffer;
  /** Header bytes to rewrite after finish() when the target can seek (totals, checksums); else null. */
  finalPatch(): Patch | null;
}

export type EncodedFormat = 'mp3' | 'flac' | 'ogg';

/** MP3 bit rates per sample rate: constant, so every player knows the duration; ample for speech. */
const MP3_KBPS: Record<number, 24 | 32 | 48 | 64> = { 8000: 24, 16000: 32, 24000: 48, 44100: 64 };

function toFloat(pcm: Buffer): Float32Array {
  const out = new Float32Array(pcm.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = pcm.readInt16LE(i * 2) / 32768;
  return out;
}

async function wasmEncoder(format: 'mp3' | 'ogg', sampleRate: number): Promise<StreamEncoder> {
  // Loaded only for these formats: the module carries its WebAssembly inline (~800 kB).
  const { createMp3Encoder, createOggEncoder } = await import('wasm-media-encoders');
  let encode: (samples: Float32Array[]) => Uint8Array;
  let finalize: () => Uint8Array;
  if (format === 'mp3') {
    const encoder = await createMp3Encoder();
    encoder.configure({ channels: 1, sampleRate, bitrate: MP3_KBPS[sampleRate] ?? 64 });
    [encode, finalize] = [(s) => encoder.encode(s), () => encoder.finalize()];
  } else {
    const encoder = await createOggEncoder();
    encoder.configure({ channels: 1, sampleRate, vbrQuality: 4 });
    [encode, finalize] = [(s) => encoder.encode(s), () => encoder.finalize()];
  }
  return {
    header: () => Buffer.alloc(0),
    // The encoder owns the returned memory: copy it before the next call.
    encode: (pcm) => (pcm.length < 2 ? Buffer.alloc(0) : Buffer.from(encode([toFloat(pcm)]))),
    finish: () => Buffer.from(finalize()),
    finalPatch: () => null,
  };
}

async function flacEncoder(sampleRate: number): Promise<StreamEncoder> {
  const { FlacEncoder } = await import('./flac-encoder.js');
  const flac = new FlacEncoder(sampleRate);
  return {
    header: () => flac.header(),
    encode: (pcm) => flac.encode(pcm),
    finish: () => flac.finish(),
    finalPatch: () => ({ offset: FlacEncoder.STREAMINFO_OFFSET, bytes: flac.streamInfo() }),
  };
}

export function createStreamEncoder(format: EncodedFormat, sampleRate: number): Promise<StreamEncoder> {
  return format === 'flac' ? flacEncoder(sampleRate) : wasmEncoder(format, sampleRate);
}
