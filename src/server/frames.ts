// Frame ids and shapes the server sends: ws_ session ids, task_ request ids, client ids echoed, error frames in both shapes.
import { randomBytes } from 'node:crypto';

export const newSessionId = (): string => `ws_${randomBytes(8).toString('hex')}`;
export const newTaskId = (): string => `task_${randomBytes(8).toString('hex')}`;

/** The ids every frame of a run carries. */
export interface FrameIds {
  session_id: string;
  request_id: string;
  external_request_id?: string;
  external_session_id?: string;
}

/** Ids for a run: the socket's session, a run's task id, and the client's own ids when it sent them. */
export function frameIds(sessionId: string, requestId: string, client: { requestId?: string; sessionId?: string } = {}): FrameIds {
  const ids: FrameIds = { session_id: sessionId, request_id: requestId };
  if (client.requestId !== undefined) ids.external_request_id = client.requestId;
  if (client.sessionId !== undefined) ids.external_session_id = client.sessionId;
  return ids;
}

/** An error in both documented shapes at once: the flat `message` and the nested `error` {message, code}. */
export function errorFrame(ids: FrameIds | Record<string, never>, code: string, message: string): object {
  return { ...ids, status: 'error', message, error: { message, code } };
}

/** The client's ids from a parsed body, when they are well-formed strings (echoed even on refused frames). */
export function clientIds(body: unknown): { requestId?: string; sessionId?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const r = body as Record<string, unknown>;
  const ok = (v: unknown) => (typeof v === 'string' && /^[a-zA-Z0-9_.-]{1,128}$/.test(v) ? v : undefined);
  return { requestId: ok(r.request_id), sessionId: ok(r.session_id) };
}
