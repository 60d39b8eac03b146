// What of an utterance's audio and words has reached its stream, so that a resend after a dropped
// socket delivers nothing twice: whole samples only, and the bytes and words already delivered skipped.

/** The counts a context has received, read when fragments are marked heard. */
interface TrackCounts {
  bytes: number;
  words: number;
}

export class Delivery {
  /** An odd byte held until its sample's other half arrives. */
  private carry: Buffer | null = null;
  /** Audio and words of this attempt that were delivered before the drop: not delivered again. */
  private skipBytes = 0;
  private skipWords = 0;
  /** Delivered since the start of the first fragment not known heard (the resend base). */
  private deliveredBytes = 0;
  private deliveredWords = 0;
  /** Of the current context's bytes and words, how many belong to fragments already heard. */
  private trackBaseBytes = 0;
  private trackBaseWords = 0;
  /** Stream seconds where the resend base's audio starts, and where the current context's starts. */
  private baseSeconds = 0;
  private contextStart = 0;
  /** Every byte this utterance has delivered. */
  private total = 0;

  constructor(private readonly bytesPerSecond: number) {}

  get bytes(): number {
    return this.total;
  }

  /** Seconds of audio delivered in all. */
  get seconds(): number {
    return this.total / this.bytesPerSecond;
  }

  /** Seconds delivered since the resend base (the audio of fragments not yet known heard). */
  get secondsSinceBase(): number {
    return this.deliveredBytes / this.bytesPerSecond;
  }

  /** Where the resend base starts in the stream (seconds). */
  get baseStart(): number {
    return this.baseSeconds;
  }

  /** Where the current context's audio starts in the stream (seconds): word times are offset by it. */
  get contextStartSeconds(): number {
    return this.contextStart;
  }

  /** Nothing delivered since the resend base. */
  get atBase(): boolean {
    return this.deliveredBytes === 0;
  }

  /** A resend is still replaying what was delivered before the drop. */
  get replaying(): boolean {
    return this.skipBytes > 0 || this.skipWords > 0;
  }

  /** The whole samples of a chunk, counted into `track`; returns what the stream has not had yet. */
  audio(chunk: Buffer, track: TrackCounts): Buffer {
    let data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const even = data.length - (data.length % 2);
    this.carry = even < data.length ? Buffer.from(data.subarray(even)) : null;
    data = data.subarray(0, even);
    track.bytes += data.length;
    if (this.skipBytes > 0) {
      const n = Math.min(this.skipBytes, data.length);
      this.skipBytes -= n;
      data = data.subarray(n);
    }
    this.deliveredBytes += data.length;
    this.total += data.length;
    return data;
  }

  /** Whether a word (already counted by its context) is new to the stream. */
  word(): boolean {
    if (this.skipWords > 0) {
      this.skipWords--;
      return false;
    }
    this.deliveredWords++;
    return true;
  }

  /** A release ended: a stray odd byte belongs to nothing. */
  releaseEnded(): void {
    this.carry = null;
  }

  /**
   * Fragments up to this point of `track` are heard: the resend base moves here. Audio delivered
   * before a drop and not yet met again belongs to the fragments after them, so it stays to be skipped.
   */
  heard(track: TrackCounts): void {
    this.deliveredBytes = Math.max(0, this.deliveredBytes - (track.bytes - this.trackBaseBytes));
    this.deliveredWords = Math.max(0, this.deliveredWords - (track.words - this.trackBaseWords));
    this.skipBytes = Math.min(this.skipBytes, this.deliveredBytes);
    this.skipWords = Math.min(this.skipWords, this.deliveredWords);
    this.trackBaseBytes = track.bytes;
    this.trackBaseWords = track.words;
    this.baseSeconds = (this.total - this.deliveredBytes) / this.bytesPerSecond;
  }

  /** Words the current context has sent back for fragments not yet heard. */
  wordsSinceBase(track: TrackCounts): number {
    return track.words - this.trackBaseWords;
  }

  /** A new context starts at the resend base. */
  contextOpened(): void {
    this.trackBaseBytes = this.trackBaseWords = 0;
    this.contextStart = this.baseSeconds;
  }

  /** The socket dropped: a resend starts at the base, and skips what was delivered since. */
  dropped(): void {
    this.carry = null;
    this.skipBytes = this.deliveredBytes;
    this.skipWords = this.deliveredWords;
  }
}
