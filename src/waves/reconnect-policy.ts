// When a lost socket is worth reopening, how long to wait between attempts, and a wait that can be cancelled.
import { setTimeout as sleep } from 'node:timers/promises';

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

/** Waits `ms`; resolves false at once when `signal` aborts. */
export async function cancellableDelay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await sleep(ms, undefined, { signal, ref: true });
    return true;
  } catch {
    return false;
  }
}

/** Delays with up to 20% jitter, so many clients dropped at once do not return in step. */
export function withJitter(delays: readonly number[], random = Math.random): number[] {
  return delays.map((d) => Math.round(d * (1 + 0.2 * random())));
}

/** How long a refusal for being over the account's limit is retried: a first wait and a ceiling. */
export interface RetryPolicy {
  /** First delay, doubled per attempt. Default 250 ms. */
  baseMs?: number;
  /** Longest delay. Default 8000 ms. */
  maxMs?: number;
  /** Retries of one item before its over-limit error counts as its failure. Default 20 (about two minutes of waiting). */
  attempts?: number;
}

/**
 * The wait before retry number `attempt` (0-based): a uniform draw between half and all of
 * min(max, base·2^attempt) ("equal jitter"), so clients refused together do not come back together.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy = {}, random: () => number = Math.random): number {
  const base = policy.baseMs ?? 250;
  const ceiling = Math.min(policy.maxMs ?? 8000, base * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
