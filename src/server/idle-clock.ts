// A socket's idle clock: it restarts on each message from the client only, never on what the server sends.

export class IdleClock {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ms: number,
    private readonly onIdle: (seconds: number) => void,
  ) {}

  /** Starts the clock again from now (the client sent something). */
  restart(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onIdle(Math.round(this.ms / 100) / 10), this.ms);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
