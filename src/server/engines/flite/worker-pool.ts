// A few Flite worker processes side by side: each job goes to the least busy, so sentences overlap.
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import type { FliteJob, FliteResult } from './flite-run.js';
import { FliteWorker, WORKER_SCRIPT, type FliteWorkerEvents } from './worker-client.js';

export interface FlitePoolOptions {
  /** Worker processes; default 2, or 1 on a single-core machine. */
  size?: number;
  script?: string;
}

export class FlitePool extends EventEmitter<FliteWorkerEvents> {
  readonly workers: FliteWorker[];

  constructor(options: FlitePoolOptions = {}) {
    super();
    const size = Math.max(1, Math.floor(options.size ?? Math.min(2, availableParallelism())));
    this.workers = Array.from({ length: size }, () => {
      const worker = new FliteWorker(options.script ?? WORKER_SCRIPT);
      worker.on('spawn', (pid) => this.emit('spawn', pid));
      worker.on('exit', (pid, code, signal) => this.emit('exit', pid, code, signal));
      return worker;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** Pids of the worker processes running now. */
  get pids(): number[] {
    return this.workers.flatMap((w) => (w.pid === undefined ? [] : [w.pid]));
  }

  warm(): void {
    for (const worker of this.workers) worker.warm();
  }

  /** Results come back in whatever order the workers finish; callers keep their own order. */
  run(job: FliteJob): Promise<FliteResult> {
    const idlest = this.workers.reduce((best, w) => (w.load < best.load ? w : best));
    return idlest.run(job);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
