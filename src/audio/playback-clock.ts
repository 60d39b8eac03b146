// Estimates what a sound device has left to play, from what was fed to it and when: sound cards
// (and `speaker`) give no underrun signal, so underruns are counted from this clock.

export class PlaybackClock {
  /** Moments the device ran out of audio while more was still to come. */
  underruns = 0;
  /** Silence those underruns added, in total. */
  underrunMs = 0;
  private readonly bytesPerMs: number;
  private playEnd = 0;
  private running = false;
  private fedMs = 0;

  constructor(sampleRate: number) {
    this.bytesPerMs = (sampleRate * 2) / 1000;
  }

  /** `bytes` of audio were handed to the device at `now`. */
  fed(bytes: number, now = performance.now()): void {
    if (!this.running) {
      this.running = true;
      this.playEnd = now;
    } else if (now > this.playEnd + 1) {
      this.underruns++;
      this.underrunMs += now - this.playEnd;
      this.playEnd = now;
    }
    this.playEnd += bytes / this.bytesPerMs;
    this.fedMs += bytes / this.bytesPerMs;
  }

  /** All the audio fed so far, in ms (where the next audio will start). */
  get fedTotalMs(): number {
    return this.fedMs;
  }

  /** How much of the audio fed has been heard by now: the position in the stream, in ms. */
  playedMs(now = performance.now()): number {
    return this.fedMs - this.bufferedMs(now);
  }

  /** Audio fed but not yet played. */
  bufferedMs(now = performance.now()): number {
    return this.running ? Math.max(0, this.playEnd - now) : 0;
  }

  /** When everything fed will have played (performance.now() time). */
  get silentFrom(): number {
    return this.playEnd;
  }

  /** The device stopped (drained or dropped): the next audio starts afresh, not as an underrun. */
  stop(now = performance.now()): void {
    this.running = false;
    this.playEnd = Math.min(this.playEnd, now);
  }
}
