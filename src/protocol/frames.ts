// The frames a server sends, as they travel: ws_ session ids, task_ request ids, the client's ids
// echoed, chunk / word_timestamp / complete, and errors in both documented shapes. decodeFrame
// (messages.ts) reads them back on the client's side.
import { randomBytes } from 'node:crypto';
import { CLIENT_ID_PATTERN } from './request-fields.js';

export const newSessionId = (): string => `ws_${randomBytes(8).toString('hex')}`;
export const newTaskId = (): string => `task_${randomBytes(8).toString('hex')}`;

/** The ids every frame of a run carries. */
export interface FrameIds {
  session_id: string;
  request_id: string;
  external_request_id?: string;
  external_session_id?: string;
}

/** One word's timing as it travels: seconds from the start of the run's audio. */
interface WireWord {
  id: number;
  word: string;
  start: number;
  end: number;
}

type ChunkFrame = FrameIds & { status: 'chunk'; data: { audio: string } };
type WordTimestampFrame = FrameIds & { status: 'word_timestamp'; data: WireWord };
type CompleteFrame = FrameIds & { status: 'complete' };
/** The flat shape (the idle timeout's, the one the vendor's Python SDK reads). */
type FlatErrorFrame = Partial<FrameIds> & { status: 'error'; message: string };
/** The nested shape, with a code. */
type NestedErrorFrame = Partial<FrameIds> & { status: 'error'; error: { message: string; code: string } };

/** Ids for a run: the socket's session, a run's task id, and the client's own ids when it sent them. */
export function frameIds(sessionId: string, requestId: string, client: { requestId?: string; sessionId?: string } = {}): FrameIds {
  const ids: FrameIds = { session_id: sessionId, request_id: requestId };
  if (client.requestId !== undefined) ids.external_request_id = client.requestId;
  if (client.sessionId !== undefined) ids.external_session_id = client.sessionId;
  return ids;
}

export function chunkFrame(ids: FrameIds, audio: Buffer): ChunkFrame {
  return { ...ids, status: 'chunk', data: { audio: audio.toString('base64') } };
}

export function wordTimestampFrame(ids: FrameIds, { id, word, start, end }: WireWord): WordTimestampFrame {
  return { ...ids, status: 'word_timestamp', data: { id, word, start, end } };
}

export function completeFrame(ids: FrameIds): CompleteFrame {
  return { ...ids, status: 'complete' };
}

/** An error in both documented shapes at once: the flat `message` and the nested `error` {message, code}. */
export function errorFrame(ids: FrameIds | Record<string, never>, code: string, message: string): FlatErrorFrame & NestedErrorFrame {
  return { ...ids, status: 'error', message, error: { message, code } };
}

/** The client's ids from a parsed body, when they are well-formed strings (echoed even on refused frames). */
export function clientIds(body: unknown): { requestId?: string; sessionId?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const r = body as Record<string, unknown>;
  const ok = (v: unknown) => (typeof v === 'string' && CLIENT_ID_PATTERN.test(v) ? v : undefined);
  return { requestId: ok(r.request_id), sessionId: ok(r.session_id) };
}
