// One connection's outgoing frames with backpressure: production waits while too much is unsent, and reading pauses.
import type { WebSocket } from 'ws';

export interface BackpressureStats {
  pausedConnections: number;
  backpressurePauses: number;
  maxBufferedBytes: number;
}

/**
 * Counts the bytes handed to the socket whose write has not completed (the client has not taken
 * them). Over the limit, the client's socket is no longer read, so a client that stops reading can
 * neither grow our queue (audio waits in `room`) nor make us answer more frames; reading resumes
 * once half of it has drained.
 */
export class Outbox {
  private unsent = 0;
  private waiters: (() => void)[] = [];
  private paused = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly limit: number,
    private readonly stats: BackpressureStats,
  ) {
    ws.on('close', () => this.drained());
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  send(frame: object): void {
    if (!this.open) return;
    const text = JSON.stringify(frame);
    const bytes = Buffer.byteLength(text);
    this.unsent += bytes;
    this.stats.maxBufferedBytes = Math.max(this.stats.maxBufferedBytes, this.unsent);
    this.ws.send(text, () => {
      this.unsent -= bytes;
      if (this.unsent <= this.limit / 2) this.drained();
    });
    if (this.unsent > this.limit) this.pauseReading();
  }

  /** Resolves once there is room to send more (at once when there is); false if the socket closed meanwhile. */
  async room(): Promise<boolean> {
    while (this.open && this.unsent > this.limit) {
      this.pauseReading();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.open;
  }

  private pauseReading(): void {
    if (this.paused || !this.open) return;
    this.paused = true;
    this.stats.pausedConnections++;
    this.stats.backpressurePauses++;
    this.ws.pause();
  }

  private drained(): void {
    if (this.paused) {
      this.paused = false;
      this.stats.pausedConnections--;
      if (this.open) this.ws.resume();
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
