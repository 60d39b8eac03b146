// G.711 companding (ITU-T G.711, as in Sun's reference g711.c): 16-bit linear PCM to µ-law and A-law bytes and back.

const ULAW_BIAS = 0x84;
const ULAW_CLIP = 32635;
/** The largest 13-bit magnitude each A-law segment holds. */
const ALAW_SEGMENT_ENDS = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

/** One signed 16-bit sample as a µ-law byte. */
export function linearToUlaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(Math.abs(sample), ULAW_CLIP) + ULAW_BIAS;
  const exponent = Math.max(0, 31 - Math.clz32(magnitude) - 7);
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** One signed 16-bit sample as an A-law byte. */
export function linearToAlaw(sample: number): number {
  let pcm = sample >> 3;
  let mask = 0xd5;
  if (pcm < 0) {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  const segment = ALAW_SEGMENT_ENDS.findIndex((end) => pcm <= end);
  if (segment < 0) return 0x7f ^ mask;
  const mantissa = (segment < 2 ? pcm >> 1 : pcm >> segment) & 0x0f;
  return ((segment << 4) | mantissa) ^ mask;
}

/** A µ-law byte as a signed 16-bit sample. */
export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + ULAW_BIAS) << ((u & 0x70) >> 4);
  return u & 0x80 ? ULAW_BIAS - t : t - ULAW_BIAS;
}

/** An A-law byte as a signed 16-bit sample. */
export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const segment = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  t += segment === 0 ? 8 : 0x108;
  if (segment > 1) t <<= segment - 1;
  return a & 0x80 ? t : -t;
}

/** s16le PCM (whole samples) as G.711 bytes, one per sample. */
export function encodeG711(pcm: Buffer, law: 'ulaw' | 'alaw'): Buffer {
  const encode = law === 'ulaw' ? linearToUlaw : linearToAlaw;
  const out = Buffer.alloc(pcm.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = encode(pcm.readInt16LE(i * 2));
  return out;
}
