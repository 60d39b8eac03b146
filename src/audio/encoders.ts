// Compressed formats behind one interface: FLAC (libFLAC compiled to JavaScript), MP3 and Ogg Vorbis (LAME and libvorbis in WebAssembly).
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

/** Where STREAMINFO's 34 bytes start ("fLaC" and a 4-byte block header come first). */
export const FLAC_STREAMINFO_OFFSET = 8;
const FLAC_COMPRESSION = 5; // libFLAC's default: 4096-sample blocks, LPC up to order 8

type Flac = typeof import('libflacjs/dist/libflac.js');
type StreamMetadata = import('libflacjs/dist/libflac.js').StreamMetadata;
let libflac: Promise<Flac> | undefined;

/**
 * libFLAC compiled to JavaScript (its asm.js build: one self-contained file, nothing to read or fetch at
 * run time). Not the .wasm build: its emscripten glue loads the .wasm with fetch() whenever fetch exists,
 * which in Node ≥ 18 rejects on a file path and leaves the library never ready.
 */
function loadLibflac(): Promise<Flac> {
  libflac ??= import('libflacjs/dist/libflac.js').then(async ({ default: Flac }) => {
    if (!Flac.isReady()) await new Promise<void>((resolve) => Flac.on('ready', () => resolve()));
    return Flac;
  });
  return libflac;
}

/**
 * An encoder dropped without finish() (an aborted sink) gives its memory back to libFLAC once collected.
 * The registry watches the returned object, which nothing of libFLAC's (it keeps our callbacks until
 * delete) can reach: the callbacks see only `state`.
 */
const unfinished = new FinalizationRegistry<() => void>((release) => release());

/** s16le samples widened to the 32-bit integers libFLAC takes. */
function toInt32(pcm: Buffer) {
  const out = new Int32Array(pcm.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = pcm.readInt16LE(i * 2);
  return out;
}

/**
 * libFLAC's STREAMINFO as written at the start, with what it reported at the end: frame sizes, total
 * samples (36 bits; the binding reads only the low 32, so the count kept by the encoder) and the MD5.
 */
function flacStreamInfoPatch(header: Buffer, streamInfo: StreamMetadata, samples: number): Patch {
  const info = Buffer.from(header.subarray(FLAC_STREAMINFO_OFFSET, FLAC_STREAMINFO_OFFSET + 34));
  // No frames at all (empty audio): libFLAC's "not yet seen" minimum becomes 0, "unknown".
  info.writeUIntBE(streamInfo.max_framesize === 0 ? 0 : streamInfo.min_framesize, 4, 3);
  info.writeUIntBE(streamInfo.max_framesize, 7, 3);
  info[13] = (info[13] & 0xf0) | (Math.floor(samples / 2 ** 32) & 0x0f);
  info.writeUInt32BE(samples % 2 ** 32, 14);
  Buffer.from(streamInfo.md5sum, 'hex').copy(info, 18);
  return { offset: FLAC_STREAMINFO_OFFSET, bytes: info };
}

async function flacEncoder(sampleRate: number): Promise<StreamEncoder> {
  const Flac = await loadLibflac();
  // Total samples 0: "unknown" in the header written now; no verification pass (it doubles the work).
  const id = Flac.create_libflac_encoder(sampleRate, 1, 16, FLAC_COMPRESSION, 0, false);
  if (id === 0) throw new Error(`libFLAC could not create an encoder for ${sampleRate} Hz`);
  const state: { pending: Buffer[]; streamInfo?: StreamMetadata; samples: number; finished: boolean } = {
    pending: [],
    samples: 0,
    finished: false,
  };
  const status = Flac.init_encoder_stream(
    id,
    (bytes) => void state.pending.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)),
    // Without seek callbacks (the binding passes none) libFLAC cannot rewrite its header at the end:
    // it hands over the final STREAMINFO here instead, for finalPatch().
    (info) => void (state.streamInfo = info),
  );
  if (status !== 0) {
    Flac.FLAC__stream_encoder_delete(id);
    throw new Error(`libFLAC could not start encoding at ${sampleRate} Hz (init status ${status})`);
  }
  const take = (): Buffer => {
    const out = state.pending.length === 1 ? state.pending[0] : Buffer.concat(state.pending);
    state.pending = [];
    return out;
  };
  // libFLAC writes "fLaC", STREAMINFO and a VORBIS_COMMENT (its vendor string) during init.
  const header = take();
  const encoder: StreamEncoder = {
    header: () => header,
    encode: (pcm) => {
      const n = pcm.length >> 1;
      if (n === 0) return Buffer.alloc(0);
      if (!Flac.FLAC__stream_encoder_process_interleaved(id, toInt32(pcm), n)) {
        throw new Error(`libFLAC failed to encode (encoder state ${Flac.FLAC__stream_encoder_get_state(id)})`);
      }
      state.samples += n;
      return take();
    },
    finish: () => {
      if (state.finished) return Buffer.alloc(0);
      state.finished = true;
      // Encodes the last, shorter block; libFLAC then calls back with the final STREAMINFO.
      Flac.FLAC__stream_encoder_finish(id);
      Flac.FLAC__stream_encoder_delete(id);
      unfinished.unregister(state);
      return take();
    },
    finalPatch: () => (state.streamInfo ? flacStreamInfoPatch(header, state.streamInfo, state.samples) : null),
  };
  unfinished.register(encoder, () => Flac.FLAC__stream_encoder_delete(id), state);
  return encoder;
}

export function createStreamEncoder(format: EncodedFormat, sampleRate: number): Promise<StreamEncoder> {
  return format === 'flac' ? flacEncoder(sampleRate) : wasmEncoder(format, sampleRate);
}
