// Whether a lost socket is worth reopening, and a close in words. How long to wait is retry.ts's.
import { CLOSE_CODES } from '../protocol/close-codes.js';

/**
 * Whether a close code means "try again": a normal or going-away close (idle timeout, server
 * restart, close after a request), an abnormal drop, or a server error. Policy and application
 * codes (1008, 4xxx such as 4401) and protocol errors mean the same request would be refused again.
 */
export function isRecoverableClose(code: number): boolean {
  const c = CLOSE_CODES;
  return ([c.NORMAL, c.GOING_AWAY, c.NO_STATUS, c.ABNORMAL, c.SERVER_ERROR, c.SERVICE_RESTART, c.TRY_AGAIN_LATER, c.BAD_GATEWAY] as number[]).includes(code);
}

/** A close reason fit for a message: the code's meaning where it has one. */
export function describeClose(code: number, reason: string): string {
  const known: Record<number, string> = {
    [CLOSE_CODES.POLICY_VIOLATION]: 'policy violation',
    [CLOSE_CODES.MESSAGE_TOO_BIG]: 'message too big',
    [CLOSE_CODES.SERVER_ERROR]: 'server error',
    [CLOSE_CODES.TRY_AGAIN_LATER]: 'try again later',
  };
  const what = reason || known[code] || '';
  return `code ${code}${what ? `: ${what}` : ''}`;
}
