// Bit-level output for the FLAC encoder: an MSB-first bit writer and FLAC's CRC-8 and CRC-16.

/** Appends bits MSB-first into a growing byte buffer. */
export class BitWriter {
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

export function crc8(bytes: Buffer): number {
  let crc = 0;
  for (const b of bytes) crc = CRC8[crc ^ b];
  return crc;
}

export function crc16(bytes: Buffer): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16[(crc >>> 8) ^ b];
  return crc;
}
