// A streaming FLAC encoder for 16-bit mono PCM: fixed predictors with Rice-coded residuals; pure, lossless.
import { createHash, type Hash } from 'node:crypto';
import { BitWriter, crc16, crc8 } from './bit-writer.js';

/** FLAC's frame-header codes for common rates; others are read from STREAMINFO (code 0). */
const RATE_CODES: Record<number, number> = { 8000: 4, 16000: 5, 22050: 6, 24000: 7, 32000: 8, 44100: 9, 48000: 10 };

/** Frame numbers use UTF-8's variable-length scheme, extended to 31 bits. */
function utf8Number(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  let limit = 0x3f; // payload bits that fit in the first byte, shrinking as continuation bytes are added
  let lead = 0xc0;
  let rest = n;
  while (rest > limit >> 1) {
    out.unshift(0x80 | (rest & 0x3f));
    rest = Math.floor(rest / 64);
    limit >>= 1;
    lead = (lead >> 1) | 0x80;
  }
  out.unshift(((lead << 1) & 0xff) | rest);
  return out;
}

/** Residuals of the fixed polynomial predictor of `order` over x[order..]. */
function fixedResiduals(x: Int32Array, order: number, out: Int32Array): void {
  for (let i = order; i < x.length; i++) {
    switch (order) {
      case 0: out[i] = x[i]; break;
      case 1: out[i] = x[i] - x[i - 1]; break;
      case 2: out[i] = x[i] - 2 * x[i - 1] + x[i - 2]; break;
      case 3: out[i] = x[i] - 3 * x[i - 1] + 3 * x[i - 2] - x[i - 3]; break;
      default: out[i] = x[i] - 4 * x[i - 1] + 6 * x[i - 2] - 4 * x[i - 3] + x[i - 4];
    }
  }
}

interface RicePlan {
  bits: number;
  partitionOrder: number;
  params: number[];
}

/** The Rice parameter (0–14) and its cost in bits for `count` values summing to `sum`. */
function bestParam(count: number, sum: number): [number, number] {
  const mean = count > 0 ? sum / count : 0;
  const guess = mean < 1 ? 0 : Math.min(14, Math.floor(Math.log2(mean)));
  let best: [number, number] = [0, Infinity];
  for (let k = Math.max(0, guess - 1); k <= Math.min(14, guess + 1); k++) {
    const cost = count * (k + 1) + Math.floor(sum / 2 ** k);
    if (cost < best[1]) best = [k, cost];
  }
  return best;
}

/**
 * The cheapest Rice partitioning of the zig-zagged residuals `u[order..n)`, as an upper bound in
 * bits: sums at the finest partition order, merged pairwise for the coarser ones.
 */
function planRice(u: Uint32Array, n: number, order: number): RicePlan {
  let maxOrder = 0;
  while (maxOrder < 8 && n % (1 << (maxOrder + 1)) === 0 && n >> (maxOrder + 1) > order) maxOrder++;
  let sums: number[] = [];
  const size = n >> maxOrder;
  for (let part = 0; part < 1 << maxOrder; part++) {
    let sum = 0;
    for (let i = part === 0 ? order : part * size; i < (part + 1) * size; i++) sum += u[i];
    sums.push(sum);
  }
  let best: RicePlan = { bits: Infinity, partitionOrder: 0, params: [] };
  for (let p = maxOrder; p >= 0; p--) {
    const partSize = n >> p;
    let bits = 2 + 4;
    const params = sums.map((sum, part) => {
      const [k, cost] = bestParam(part === 0 ? partSize - order : partSize, sum);
      bits += 4 + cost;
      return k;
    });
    if (bits < best.bits) best = { bits, partitionOrder: p, params };
    sums = Array.from({ length: sums.length >> 1 }, (_, i) => sums[2 * i] + sums[2 * i + 1]);
  }
  return best;
}

export class FlacEncoder {
  /** Bytes before the first frame: "fLaC" and the STREAMINFO block. */
  static readonly HEADER_BYTES = 42;
  /** Where STREAMINFO's 34 bytes start, for patching them once the totals are known. */
  static readonly STREAMINFO_OFFSET = 8;

  readonly sampleRate: number;
  readonly blockSize: number;
  private readonly block: Int32Array;
  private filled = 0;
  private frameNumber = 0;
  private totalSamples = 0;
  private minFrame = 0;
  private maxFrame = 0;
  private readonly md5: Hash = createHash('md5');

  constructor(sampleRate: number, blockSize = 4096) {
    this.sampleRate = sampleRate;
    this.blockSize = blockSize;
    this.block = new Int32Array(blockSize);
  }

  /** The stream header; sizes, totals and MD5 read "unknown" until patched with streamInfo(). */
  header(): Buffer {
    return Buffer.concat([Buffer.from('fLaC', 'ascii'), Buffer.from([0x80, 0, 0, 34]), this.streamInfo(false)]);
  }

  /** STREAMINFO's 34 bytes; with `final`, the real frame sizes, total samples and MD5 of the PCM. */
  streamInfo(final = true): Buffer {
    const w = new BitWriter(34);
    w.write(this.blockSize, 16);
    w.write(this.blockSize, 16);
    w.write(final ? this.minFrame : 0, 24);
    w.write(final ? this.maxFrame : 0, 24);
    w.write(this.sampleRate >>> 4, 16);
    w.write(this.sampleRate & 0xf, 4);
    w.write(0, 3); // one channel
    w.write(15, 5); // 16 bits per sample
    const total = final ? this.totalSamples : 0;
    w.write(Math.floor(total / 2 ** 32), 4);
    w.write(Math.floor(total / 65536) & 0xffff, 16);
    w.write(total & 0xffff, 16);
    const info = w.toBuffer();
    const md5 = final ? this.md5.copy().digest() : Buffer.alloc(16);
    return Buffer.concat([info, md5]);
  }

  /** Takes whole s16le samples; returns the frames completed (possibly none). */
  encode(pcm: Buffer): Buffer {
    this.md5.update(pcm);
    const frames: Buffer[] = [];
    for (let at = 0; at + 1 < pcm.length; at += 2) {
      this.block[this.filled++] = pcm.readInt16LE(at);
      if (this.filled === this.blockSize) frames.push(this.frame(this.block));
    }
    return frames.length === 1 ? frames[0] : Buffer.concat(frames);
  }

  /** The last, shorter frame. Call once, then streamInfo() for the final header. */
  finish(): Buffer {
    return this.filled > 0 ? this.frame(this.block.subarray(0, this.filled)) : Buffer.alloc(0);
  }

  private frame(x: Int32Array): Buffer {
    const n = x.length;
    this.filled = 0;
    const w = new BitWriter(n * 2 + 64);
    w.write(0xfff8, 16); // sync code, fixed block size
    const sizeCode = n === 4096 ? 12 : n <= 256 ? 6 : 7;
    w.write(sizeCode, 4);
    w.write(RATE_CODES[this.sampleRate] ?? 0, 4);
    w.write(0x08, 8); // mono, 16 bits per sample
    for (const byte of utf8Number(this.frameNumber++)) w.write(byte, 8);
    if (sizeCode === 6) w.write(n - 1, 8);
    if (sizeCode === 7) w.write(n - 1, 16);
    w.write(crc8(w.toBuffer()), 8);
    this.subframe(w, x);
    w.alignToByte();
    w.write(crc16(w.toBuffer()), 16);
    const bytes = w.toBuffer();
    this.totalSamples += n;
    this.minFrame = this.minFrame === 0 ? bytes.length : Math.min(this.minFrame, bytes.length);
    this.maxFrame = Math.max(this.maxFrame, bytes.length);
    return bytes;
  }

  private subframe(w: BitWriter, x: Int32Array): void {
    const n = x.length;
    if (x.every((v) => v === x[0])) {
      w.write(0, 8); // CONSTANT
      w.write(x[0], 16);
      return;
    }
    // The predictor order with the smallest residuals, then the best Rice partitioning for it.
    const residual = new Int32Array(n);
    let order = 0;
    let smallest = Infinity;
    for (let candidate = 0; candidate <= Math.min(4, n - 1); candidate++) {
      fixedResiduals(x, candidate, residual);
      let sum = 0;
      for (let i = candidate; i < n; i++) sum += Math.abs(residual[i]);
      if (sum < smallest) [order, smallest] = [candidate, sum];
    }
    fixedResiduals(x, order, residual);
    const u = new Uint32Array(n);
    for (let i = order; i < n; i++) u[i] = residual[i] >= 0 ? residual[i] * 2 : -residual[i] * 2 - 1;
    const plan = planRice(u, n, order);
    if (plan.bits + order * 16 >= n * 16) {
      w.write(0x02, 8); // VERBATIM
      for (const v of x) w.write(v, 16);
      return;
    }
    w.write((0x08 | order) << 1, 8); // FIXED, this order, no wasted bits
    for (let i = 0; i < order; i++) w.write(x[i], 16);
    w.write(0, 2); // Rice, 4-bit parameters
    w.write(plan.partitionOrder, 4);
    const size = n >> plan.partitionOrder;
    plan.params.forEach((k, part) => {
      w.write(k, 4);
      const mask = (1 << k) - 1;
      for (let i = part === 0 ? order : part * size; i < (part + 1) * size; i++) {
        const v = u[i];
        const q = Math.floor(v / 2 ** k);
        if (q + 1 + k <= 24) {
          w.write((1 << k) | (v & mask), q + 1 + k); // q zeros, a one, then the low k bits
        } else {
          w.zeros(q);
          w.write(1, 1);
          w.write(v & mask, k);
        }
      }
    });
  }
}
