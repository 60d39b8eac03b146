// Whether a lost socket is worth reopening, and a close in words. How long to wait is retry.ts's.
// (Close-code numbers stay here until src/protocol names them.)

/**
 * Whether a close code means "try again": a normal or going-away close (idle timeout, server
 * restart, close after a request), an abnormal drop, or a server error. Policy and application
 * codes (1008, 4xxx such as 4401) and protocol errors mean the same request would be refused again.
 */
export function isRecoverableClose(code: number): boolean {
  return [1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014].includes(code);
}

/** A close reason fit for a message: the code's meaning where it has one. */
export function describeClose(code: number, reason: string): string {
  const known: Record<number, string> = { 1008: 'policy violation', 1009: 'message too big', 1011: 'server error', 1013: 'try again later' };
  const what = reason || known[code] || '';
  return `code ${code}${what ? `: ${what}` : ''}`;
}
