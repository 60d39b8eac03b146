// One connection's outgoing frames with backpressure: production waits while too much is unsent, and reading pauses.
import type { WebSocket } from 'ws';

export interface BackpressureStats {
  pausedConnections: number;
  backpressurePauses: number;
  maxBufferedBytes: number;
}

export class Outbox {
  /** Bytes handed to the socket whose write has not completed (the client has not taken them). */
  private unsent = 0;
  private waiters: (() => void)[] = [];
  private paused = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly limit: number,
    private readonly stats: BackpressureStats,
  ) {
    ws.on('close', () => this.wake());
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
      if (this.unsent <= this.limit / 2) this.wake();
    });
  }

  /**
   * Resolves once there is room to send more (at once when there is). While waiting, the client's
   * socket is not read either, so a client that stops reading can neither grow our queue nor send more.
   * Resolves false if the socket closes meanwhile.
   */
  async room(): Promise<boolean> {
    while (this.open && this.unsent > this.limit) {
      if (!this.paused) {
        this.paused = true;
        this.stats.pausedConnections++;
        this.stats.backpressurePauses++;
        this.ws.pause();
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.paused && this.waiters.length === 0) {
      this.paused = false;
      this.stats.pausedConnections--;
      if (this.open) this.ws.resume();
    }
    return this.open;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
    if (!this.open && this.paused) {
      this.paused = false;
      this.stats.pausedConnections--;
    }
  }
}
