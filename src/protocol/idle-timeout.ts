// The service's notice before it closes an idle socket: built by the server, recognised by the client.
import type { Frame } from './messages.js';

/** The flat error frame's message, as the API words it. */
export function idleTimeoutMessage(seconds: number): string {
  return `Connection timed out after ${seconds} seconds of inactivity`;
}

/** Any idle limit, any case: the service's default is 60 s, `?timeout=` changes it. */
const IDLE_TIMEOUT_NOTICE = /timed out after .* inactivity/i;

/** Whether a frame is the idle notice: a normal end of an idle socket, not an error to show. */
export function isIdleTimeoutNotice(frame: Frame): boolean {
  return frame.type === 'error' && IDLE_TIMEOUT_NOTICE.test(frame.message);
}
