// What a trace records: connect attempts, opens, frames each way (audio as a byte count), closes, HTTP answers.
// The core calls a Tracer synchronously; whoever listens stamps the time and writes it somewhere.

/** `out`: from this process; `in`: from the service. */
type TraceDirection = 'out' | 'in';

export type TraceEvent =
  | { dir: 'out'; kind: 'connect'; socket: number; url: string }
  | { dir: 'in'; kind: 'open'; socket: number }
  | { dir: TraceDirection; kind: 'frame'; socket: number; status?: string; audioBytes?: number; frame: unknown }
  | { dir: 'in'; kind: 'close'; socket: number; code: number; reason: string }
  | { dir: 'in'; kind: 'error'; socket?: number; message: string }
  | { dir: 'out'; kind: 'http'; method: string; url: string; socket?: number }
  | { dir: 'in'; kind: 'http'; status: number; url: string; socket?: number };

/** Receives every event as it happens; must not throw. */
export type Tracer = (event: TraceEvent) => void;

const ids = new WeakMap<object, number>();
let lastId = 0;

/** A small number naming one socket in a trace (given on first sight). */
export function socketId(ws: object): number {
  let id = ids.get(ws);
  if (id === undefined) {
    id = ++lastId;
    ids.set(ws, id);
  }
  return id;
}

/** Bytes a base64 string decodes to, without decoding it. */
function base64Bytes(text: string): number {
  const clean = text.replace(/[^A-Za-z0-9+/=_-]/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

/** A frame as traced: its audio replaced by `audioBytes`, everything else as it was. */
function summarise(message: unknown): { status?: string; audioBytes?: number; frame: unknown } {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return { frame: message };
  const m = message as Record<string, unknown>;
  const status = typeof m.status === 'string' ? m.status : undefined;
  const data = m.data;
  if (typeof data === 'object' && data !== null && typeof (data as Record<string, unknown>).audio === 'string') {
    const { audio, ...rest } = data as Record<string, unknown>;
    const audioBytes = base64Bytes(audio as string);
    return { status, audioBytes, frame: { ...m, data: { ...rest, audioBytes } } };
  }
  return { status, frame: m };
}

/** The event for a request frame sent on `ws`. */
export function sentFrame(ws: object, body: unknown): TraceEvent {
  return { dir: 'out', kind: 'frame', socket: socketId(ws), ...summarise(body) };
}

/** The event for a frame received on `ws`; what is not JSON is traced as its length. */
export function receivedFrame(ws: object, data: unknown): TraceEvent {
  const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data as Buffer[]) : data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.from(String(data));
  let message: unknown;
  try {
    message = JSON.parse(buffer.toString('utf8'));
  } catch {
    return { dir: 'in', kind: 'frame', socket: socketId(ws), frame: { notJson: true, bytes: buffer.length } };
  }
  return { dir: 'in', kind: 'frame', socket: socketId(ws), ...summarise(message) };
}

/** Gives `alias` the number of `original`: a wrapper traced as the socket it wraps. */
export function sameSocket(alias: object, original: object): void {
  ids.set(alias, socketId(original));
}
