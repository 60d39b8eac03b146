// G.711 μ-law and A-law (ITU-T G.711), encoded from s16le PCM as sox and the ITU reference code do it.
import type { StreamEncoder } from './encoders.js';

type G711Law = 'ulaw' | 'alaw';

/** The top of each 3-bit segment, for the 14-bit (μ-law) and 13-bit (A-law) magnitudes. */
const ULAW_SEGMENT_END = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const ALAW_SEGMENT_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function segment(value: number, ends: readonly number[]): number {
  for (let i = 0; i < ends.length; i++) if (value <= ends[i]) return i;
  return ends.length;
}

/**
 * A 16-bit sample rounded to `bits` (as sox does: to the nearest step, the top clipped), which G.711
 * then encodes; rounding rather than cutting keeps the error symmetric.
 */
function reduce(sample: number, bits: 13 | 14): number {
  const shift = 16 - bits;
  return Math.min((1 << (bits - 1)) - 1, (sample + (1 << (shift - 1))) >> shift);
}

/** One 16-bit sample as a μ-law byte: 14 bits, biased by 33, sign in the top bit, all bits inverted. */
export function ulawByte(sample: number): number {
  let value = reduce(sample, 14);
  let mask = 0xff;
  if (value < 0) {
    value = -value;
    mask = 0x7f;
  }
  value = Math.min(value, 8159) + 33;
  const seg = segment(value, ULAW_SEGMENT_END);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((value >> (seg + 1)) & 0x0f)) ^ mask;
}

/** One 16-bit sample as an A-law byte: 13 bits, sign in the top bit, even bits inverted (0x55). */
export function alawByte(sample: number): number {
  let value = reduce(sample, 13);
  let mask = 0xd5;
  if (value < 0) {
    value = -value - 1;
    mask = 0x55;
  }
  const seg = segment(value, ALAW_SEGMENT_END);
  if (seg >= 8) return 0x7f ^ mask;
  const quant = (seg < 2 ? value >> 1 : value >> seg) & 0x0f;
  return ((seg << 4) | quant) ^ mask;
}

/** Every 16-bit sample's byte, computed once (64 kB): encoding is then one lookup per sample. */
function table(law: G711Law): Uint8Array {
  const out = new Uint8Array(65536);
  const byte = law === 'ulaw' ? ulawByte : alawByte;
  for (let s = -32768; s < 32768; s++) out[s & 0xffff] = byte(s);
  return out;
}

const tables: Partial<Record<G711Law, Uint8Array>> = {};

/** Headerless G.711 (one byte per sample), as telephony systems read .ulaw and .alaw files. */
export function g711Encoder(law: G711Law): StreamEncoder {
  const lookup = (tables[law] ??= table(law));
  return {
    header: () => Buffer.alloc(0),
    encode: (pcm) => {
      const out = Buffer.allocUnsafe(pcm.length >> 1);
      for (let i = 0; i < out.length; i++) out[i] = lookup[pcm.readUInt16LE(i * 2)];
      return out;
    },
    finish: () => Buffer.alloc(0),
    finalPatch: () => null,
  };
}

/** s16le PCM (whole samples) as G.711 bytes, one per sample, at once. */
export function encodeG711(pcm: Buffer, law: G711Law): Buffer {
  return g711Encoder(law).encode(pcm);
}
