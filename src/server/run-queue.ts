// A connection's runs, spoken one after another in the order they were queued.

export class RunQueue {
  private readonly tasks: (() => Promise<void>)[] = [];
  private running = false;

  constructor(private readonly signal: AbortSignal) {}

  push(task: () => Promise<void>): void {
    this.tasks.push(task);
    void this.pump();
  }

  /** Drops what has not started (the socket is gone). */
  clear(): void {
    this.tasks.length = 0;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.tasks.length > 0 && !this.signal.aborted) await this.tasks.shift()!();
    this.running = false;
  }
}
