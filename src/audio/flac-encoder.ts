// A streaming FLAC encoder for 16-bit mono PCM: fixed predictors with Rice-coded residuals; pure, lossless.
import { createHash, type Hash } from 'node:crypto';

/** Appends bits MSB-first into a growing byte buffer. */
class BitWriter {
  private bytes: Buffer;
  private length = 0;
  private acc = 0;
  private bits = 0;

  constructor(capacity: number) {
    this.bytes = Buffer.alloc(capacity);
  }

  private push(byte: number): void {
    if (this.length === this.bytes.length) {
      const bigger = Buffer.alloc(this.bytes.length * 2);
      this.bytes.copy(bigger);
      this.bytes = bigger;
    }
    this.bytes[this.length++] = byte;
  }

  /** Writes the low `count` bits of `value` (count ≤ 24). */
  write(value: number, count: number): void {
    if (count === 0) return;
    this.acc = (this.acc << count) | (value & ((1 << count) - 1));
    this.bits += count;
    while (this.bits >= 8) {
      this.bits -= 8;
      this.push((this.acc >>> this.bits) & 0xff);
    }
    this.acc &= (1 << this.bits) - 1;
  }

  zeros(count: number): void {
    for (; count > 24; count -= 24) this.write(0, 24);
    this.write(0, count);
  }

  alignToByte(): void {
    if (this.bits > 0) this.write(0, 8 - this.bits);
  }

  get byteLength(): number {
    return this.length;
  }

  /** A copy of the whole bytes written so far. */
  toBuffer(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.length));
  }
}

function crcTable(poly: number, width: 8 | 16): Uint16Array {
  const top = 1 << (width - 1);
  const mask = (1 << width) - 1;
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << (width - 8);
    for (let b = 0; b < 8; b++) crc = crc & top ? ((crc << 1) ^ poly) & mask : (crc << 1) & mask;
    table[i] = crc;
  }
  return table;
}
const CRC8 = crcTable(0x07, 8);
const CRC16 = crcTable(0x8005, 16);

function crc8(bytes: Buffer): number {
  let crc = 0;
  for (const b of bytes) crc = CRC8[crc ^ b];
  return crc;
}

function crc16(bytes: Buffer): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16[(crc >>> 8) ^ b];
  return crc;
}

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

/** The cheapest Rice partitioning of the residuals (zig-zagged in `u`), as an upper bound in bits. */
function planRice(u: Uint32Array, n: number, order: number): RicePlan {
  let best: RicePlan = { bits: Infinity, partitionOrder: 0, params: [] };
  for (let p = 0; p <= 8 && n % (1 << p) === 0 && n >> p > order; p++) {
    const size = n >> p;
    const params: number[] = [];
    let bits = 2 + 4;
    for (let part = 0; part < 1 << p; part++) {
      const start = part === 0 ? order : part * size;
      const end = (part + 1) * size;
      let sum = 0;
      for (let i = start; i < end; i++) sum += u[i];
      const count = end - start;
      let bestK = 0;
      let bestBits = Infinity;
      for (let k = 0; k <= 14; k++) {
        const cost = count * (k + 1) + Math.floor(sum / 2 ** k);
        if (cost < bestBits) [bestK, bestBits] = [k, cost];
      }
      params.push(bestK);
      bits += 4 + bestBits;
    }
    if (bits < best.bits) best = { bits, partitionOrder: p, params };
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
    const residual = new Int32Array(n);
    const u = new Uint32Array(n);
    let best = { order: -1, plan: { bits: n * 16, partitionOrder: 0, params: [] as number[] } };
    for (let order = 0; order <= Math.min(4, n - 1); order++) {
      fixedResiduals(x, order, residual);
      for (let i = order; i < n; i++) u[i] = residual[i] >= 0 ? residual[i] * 2 : -residual[i] * 2 - 1;
      const plan = planRice(u, n, order);
      if (plan.bits + order * 16 < best.plan.bits) best = { order, plan };
    }
    if (best.order < 0) {
      w.write(0x02, 8); // VERBATIM
      for (const v of x) w.write(v, 16);
      return;
    }
    const { order, plan } = best;
    w.write((0x08 | order) << 1, 8); // FIXED, this order, no wasted bits
    for (let i = 0; i < order; i++) w.write(x[i], 16);
    fixedResiduals(x, order, residual);
    w.write(0, 2); // Rice, 4-bit parameters
    w.write(plan.partitionOrder, 4);
    const size = n >> plan.partitionOrder;
    plan.params.forEach((k, part) => {
      w.write(k, 4);
      const mask = (1 << k) - 1;
      for (let i = part === 0 ? order : part * size; i < (part + 1) * size; i++) {
        const r = residual[i];
        const v = r >= 0 ? r * 2 : -r * 2 - 1;
        w.zeros(Math.floor(v / 2 ** k));
        w.write(1, 1);
        w.write(v & mask, k);
      }
    });
  }
}
