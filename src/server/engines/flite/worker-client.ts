// The parent's side of the Flite worker process: one long-lived child, jobs in order, restart on death.
//
// Flite runs in a child process so that nothing it does (a crash, an abort, a leak) can take the
// server or the CLI with it. The child is reused across sentences. When it dies, a new one starts:
// the job it was working on is tried once more, then fails alone; queued jobs simply move over.
// The child and its pipe are unref'd while idle, so they never keep the parent alive.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { encodeFrame, FrameDecoder } from './frames.js';
import type { FliteJob, FliteResult } from './flite-run.js';

/** tsc puts this file beside flite-worker.js; the CLI bundle (scripts/bundle.mjs) does the same. */
export const WORKER_SCRIPT = fileURLToPath(new URL('./flite-worker.js', import.meta.url));

/** The worker died twice on one job, or could not be started. */
/** Variables a worker may see: locale, time zone, temp folder, coverage; never a key or a token. */
const WORKER_ENV = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'TMP', 'TEMP', 'SYSTEMROOT', 'NODE_V8_COVERAGE'];

/** The worker's environment: an allow-list of the parent's, so secrets there are not inherited. */
function workerEnvironment(from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of WORKER_ENV) if (from[name] !== undefined) env[name] = from[name];
  return env;
}

class FliteWorkerError extends Error {
  readonly code = 'ENGINE_CRASHED';
}

interface Pending {
  id: number;
  job: FliteJob;
  attempts: number;
  resolve(result: FliteResult): void;
  reject(error: Error): void;
}

interface Running {
  child: ChildProcess;
  channel: Socket;
  stderr: string;
}

export interface FliteWorkerEvents {
  spawn: [pid: number];
  exit: [pid: number, code: number | null, signal: NodeJS.Signals | null];
}

export class FliteWorker extends EventEmitter<FliteWorkerEvents> {
  private running?: Running;
  /** Sent and not yet answered, in the order the child works on them. */
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly script = WORKER_SCRIPT) {
    super();
  }

  /** The current child's pid, if one is running. */
  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  /** Jobs sent and not yet answered. */
  get load(): number {
    return this.pending.size;
  }

  /** Starts the child now rather than at the first job (it takes ~150 ms to load Flite). */
  warm(): void {
    if (!this.closed) this.ensureRunning();
  }

  run(job: FliteJob): Promise<FliteResult> {
    if (this.closed) return Promise.reject(new FliteWorkerError('the Flite engine was disposed'));
    return new Promise((resolve, reject) => {
      const running = this.ensureRunning(); // throws (so rejects) when the worker cannot start
      const entry: Pending = { id: this.nextId++, job, attempts: 1, resolve, reject };
      this.pending.set(entry.id, entry);
      this.send(running, entry);
    });
  }

  /** Ends the child (it exits when its channel closes; killed if it has not after 2 s). */
  close(): Promise<void> {
    this.closed = true;
    for (const entry of this.pending.values()) entry.reject(new FliteWorkerError('the Flite engine was disposed'));
    this.pending.clear();
    const running = this.running;
    this.running = undefined;
    if (!running || running.child.exitCode !== null || running.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => running.child.kill('SIGKILL'), 2000).unref();
      running.child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      // Held until it has gone (a few ms), so a caller awaiting close() sees it through.
      running.child.ref();
      running.channel.end();
    });
  }

  private ensureRunning(): Running {
    if (this.running) return this.running;
    if (!existsSync(this.script)) throw new FliteWorkerError(`the Flite worker script is missing: ${this.script}`);
    // Only the script: no --test or --inspect flags of a parent node, nor our CLI's arguments.
    // Detached: a Ctrl-C at the terminal is the parent's to handle, not a crash of the worker;
    // the worker still leaves as soon as the parent (and so its end of fd 3) goes.
    // Nor our environment, which may hold an API key: only what Node itself may want.
    const child: ChildProcess = spawn(process.execPath, ['--expose-gc', this.script], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], detached: true, windowsHide: true, env: workerEnvironment() });
    const channel = child.stdio[3] as Socket;
    const running: Running = { child, channel, stderr: '' };
    this.running = running;
    const decoder = new FrameDecoder();
    channel.on('data', (chunk: Buffer) => {
      try {
        for (const frame of decoder.push(chunk)) this.answer(frame.header, frame.payload);
      } catch {
        child.kill('SIGKILL'); // a garbled channel: treat it as a crash
      }
    });
    channel.on('error', () => {});
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (running.stderr = (running.stderr + text).slice(-2000)));
    child.on('error', () => {}); // spawn failures also end in 'exit' or 'close'
    child.on('close', (code, signal) => this.died(running, code, signal));
    if (child.pid !== undefined) this.emit('spawn', child.pid);
    this.updateRefs();
    return running;
  }

  private send(running: Running, entry: Pending): void {
    running.channel.write(encodeFrame({ id: entry.id, job: entry.job }));
    this.updateRefs();
  }

  private answer(header: Record<string, unknown>, payload: Buffer): void {
    const entry = typeof header.id === 'number' ? this.pending.get(header.id) : undefined;
    if (!entry) return; // 'ready', or the answer to a job abandoned by close()
    this.pending.delete(entry.id);
    this.updateRefs();
    if (header.ok !== true) {
      entry.reject(new Error(typeof header.message === 'string' ? header.message : 'flite failed'));
      return;
    }
    const samples = new Int16Array(payload.byteLength >> 1);
    for (let i = 0; i < samples.length; i++) samples[i] = payload.readInt16LE(i * 2);
    entry.resolve({ samples, words: Array.isArray(header.words) ? (header.words as FliteResult['words']) : undefined });
  }

  private died(running: Running, code: number | null, signal: NodeJS.Signals | null): void {
    if (running.child.pid !== undefined) this.emit('exit', running.child.pid, code, signal);
    if (this.running !== running) return; // closed on purpose
    this.running = undefined;
    const [current] = this.pending.values();
    if (current && ++current.attempts > 2) {
      this.pending.delete(current.id);
      const how = signal ? `signal ${signal}` : `code ${code}`;
      const said = running.stderr.trim().split('\n').slice(-3).join(' | ');
      current.reject(new FliteWorkerError(`the Flite worker died twice on one sentence (${how})${said ? `: ${said}` : ''}`));
    }
    if (this.pending.size === 0 || this.closed) {
      this.updateRefs();
      return;
    }
    let next: Running;
    try {
      next = this.ensureRunning();
    } catch (error) {
      for (const entry of this.pending.values()) entry.reject(error as Error);
      this.pending.clear();
      return;
    }
    for (const entry of this.pending.values()) this.send(next, entry);
  }

  /** Keeps the parent alive only while there is work in flight. */
  private updateRefs(): void {
    const running = this.running;
    if (!running) return;
    if (this.pending.size > 0) {
      running.child.ref();
      running.channel.ref();
    } else {
      running.child.unref();
      running.channel.unref();
    }
    (running.child.stderr as Socket | null)?.unref();
  }
}
