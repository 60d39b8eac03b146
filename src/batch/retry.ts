// Which failures a batch retries (the account's concurrency limit) and how long it waits: exponential backoff with jitter.
import { ApiError } from '../errors.js';

export interface RetryPolicy {
  /** First delay, doubled per attempt. Default 250 ms. */
  baseMs?: number;
  /** Longest delay. Default 8000 ms. */
  maxMs?: number;
  /** Retries of one item before its over-limit error counts as its failure. Default 20 (about two minutes of waiting). */
  attempts?: number;
}

/** The API refused the request because too many run at once: an error frame CONCURRENCY_LIMIT, or HTTP 429 on the upgrade. */
export function isOverLimit(error: unknown): boolean {
  return error instanceof ApiError && (error.code === 'CONCURRENCY_LIMIT' || error.status === 429);
}

/**
 * The wait before retry number `attempt` (0-based): a uniform draw between half and all of
 * min(max, base·2^attempt) ("equal jitter"), so workers refused together do not come back together.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy = {}, random: () => number = Math.random): number {
  const base = policy.baseMs ?? 250;
  const ceiling = Math.min(policy.maxMs ?? 8000, base * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
