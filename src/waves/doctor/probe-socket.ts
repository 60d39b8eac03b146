// One socket of the doctor's probe: every frame received is kept with its arrival time, decoded and
// raw, and traced; waiting is by "the next frame, the close, or a timeout", never by protocol rules.
import type WebSocket from 'ws';
import { openSocket } from '../ws-transport.js';
import { decodeFrame, type Frame } from '../../protocol/messages.js';
import { receivedFrame, sentFrame, socketId, type Tracer } from '../trace.js';

export interface Seen {
  /** performance.now() at arrival. */
  at: number;
  frame: Frame;
  /** The parsed JSON (undefined when it was not JSON). */
  raw: unknown;
}

export interface SocketEnd {
  at: number;
  code: number;
  reason: string;
}

interface ProbeSocketOptions {
  url: string;
  apiKey: string;
  model: string;
  trace?: Tracer;
  connectTimeoutMs?: number;
}

export class ProbeSocket {
  readonly seen: Seen[] = [];
  end?: SocketEnd;
  readonly openedAt = performance.now();
  private wake?: () => void;

  private constructor(private readonly ws: WebSocket, private readonly trace?: Tracer) {
    ws.on('message', (data) => {
      trace?.(receivedFrame(ws, data));
      const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      let raw: unknown;
      try {
        raw = JSON.parse(buffer.toString('utf8'));
      } catch {
        raw = undefined;
      }
      this.seen.push({ at: performance.now(), frame: decodeFrame(buffer), raw });
      this.poke();
    });
    ws.on('close', (code, reason) => {
      this.end = { at: performance.now(), code, reason: reason.toString() };
      trace?.({ dir: 'in', kind: 'close', socket: socketId(ws), code, reason: this.end.reason });
      this.poke();
    });
    ws.on('error', () => {}); // the close that follows says it
  }

  /** Opens a socket; a refused upgrade or a failed connection throws openSocket's typed error. */
  static async open(options: ProbeSocketOptions): Promise<ProbeSocket> {
    const ws = await openSocket({ url: options.url, apiKey: options.apiKey, model: options.model, trace: options.trace, connectTimeoutMs: options.connectTimeoutMs });
    return new ProbeSocket(ws, options.trace);
  }

  get isOpen(): boolean {
    return this.end === undefined;
  }

  /** Sends one JSON frame; returns when it left. */
  send(body: unknown): number {
    this.ws.send(JSON.stringify(body));
    this.trace?.(sentFrame(this.ws, body));
    return performance.now();
  }

  /** Resolves when a frame beyond `count` has arrived, the socket has closed, or `ms` passed; true if something came. */
  async waitBeyond(count: number, ms: number): Promise<boolean> {
    if (this.seen.length > count || this.end) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(false);
      }, Math.max(0, ms));
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(true);
      };
    });
  }

  /** Closes the socket (terminating it after a second) and waits for it. */
  async close(): Promise<void> {
    if (this.end) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.ws.terminate(), 1000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close(1000, 'doctor done');
    });
  }

  private poke(): void {
    this.wake?.();
  }
}
