// The worker's wire format on stdio: length-prefixed frames, each a JSON header and optional bytes.
//
// Frame: u32 LE header length, u32 LE payload length, header (UTF-8 JSON object), payload.

interface Frame {
  header: Record<string, unknown>;
  payload: Buffer;
}

const PREFIX = 8;
/** Far above any real frame (a 200-character sentence is a few hundred KB of PCM). */
const MAX_FRAME = 64 * 1024 * 1024;

export function encodeFrame(header: Record<string, unknown>, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(PREFIX);
  prefix.writeUInt32LE(json.length, 0);
  prefix.writeUInt32LE(payload.byteLength, 4);
  return Buffer.concat([prefix, json, payload]);
}

/** Collects stream chunks and hands out whole frames; a malformed stream is an error, never a guess. */
export class FrameDecoder {
  private buffered: Buffer[] = [];
  private length = 0;
  /** Bytes the next frame needs in all, once its prefix has arrived. */
  private needed = PREFIX;

  /** Returns the frames completed by this chunk. Throws when the stream is not made of frames. */
  push(chunk: Buffer): Frame[] {
    this.buffered.push(chunk);
    this.length += chunk.length;
    if (this.length < this.needed) return [];
    let data = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
    const frames: Frame[] = [];
    this.needed = PREFIX;
    while (data.length >= PREFIX) {
      const headerLength = data.readUInt32LE(0);
      const payloadLength = data.readUInt32LE(4);
      if (headerLength + payloadLength > MAX_FRAME) throw new Error(`frame of ${headerLength + payloadLength} bytes is too large`);
      const total = PREFIX + headerLength + payloadLength;
      if (data.length < total) {
        this.needed = total;
        break;
      }
      const header: unknown = JSON.parse(data.toString('utf8', PREFIX, PREFIX + headerLength));
      if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error('frame header is not a JSON object');
      frames.push({ header: header as Record<string, unknown>, payload: Buffer.from(data.subarray(PREFIX + headerLength, total)) });
      data = data.subarray(total);
    }
    this.buffered = data.length ? [data] : [];
    this.length = data.length;
    return frames;
  }

  get pendingBytes(): number {
    return this.length;
  }
}
