// How long to wait before trying again, for every retry in the house: reopening a dropped socket,
// resending a request cut again, an over-limit refusal, a batch item. One backoff, several policies.
import { setTimeout as sleep } from 'node:timers/promises';

/** A backoff: a first delay grown by `factor` per attempt up to a ceiling, then drawn within `jitter`. */
interface Backoff {
  /** First delay. Default 250 ms. */
  baseMs?: number;
  /** Longest delay before jitter. Default 8000 ms. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** The delay is drawn uniformly between these fractions of the grown delay. Default [0.5, 1] ("equal jitter"). */
  jitter?: readonly [low: number, high: number];
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

/** No jitter: the grown delay itself. */
const EXACT = [1, 1] as const;

/** `ms` drawn between `low·ms` and `high·ms`. */
function jittered(ms: number, [low, high]: readonly [number, number], random: () => number): number {
  return Math.round(ms * low + random() * ms * (high - low));
}

/**
 * The wait before retry number `attempt` (0-based): min(max, base·factor^attempt) drawn within the
 * jitter. With the defaults, a uniform draw between half and all of min(8000, 250·2^attempt), so
 * clients refused together do not come back together.
 */
export function backoffDelay(attempt: number, policy: Backoff = {}, random: () => number = Math.random): number {
  const base = policy.baseMs ?? 250;
  const grown = base * (policy.factor ?? 2) ** Math.min(attempt, 30);
  return jittered(Math.min(policy.maxMs ?? 8000, grown), policy.jitter ?? [0.5, 1], random);
}

/** An over-limit refusal seen by the client: from half a second, doubled, to five seconds. */
export const OVER_LIMIT_BACKOFF: Backoff = { baseMs: 500, maxMs: 5000 };

/** A request cut by a drop more than once: 250 ms, then four times longer each time, no jitter. */
const RESEND_BACKOFF: Backoff = { baseMs: 250, factor: 4, maxMs: Number.POSITIVE_INFINITY, jitter: EXACT };

/** The wait before resending a request after its `drops`-th drop: the first resend goes at once, then 250 ms, 1 s, 4 s, … */
export function resendDelayMs(drops: number): number {
  return drops > 1 ? backoffDelay(drops - 2, RESEND_BACKOFF) : 0;
}

/** Reopening a dropped socket: 250 ms, 1 s, then 2 s, before jitter. */
const RECONNECT_BACKOFF: Backoff = { baseMs: 250, factor: 4, maxMs: 2000, jitter: EXACT };

/** Reconnect jitter: up to 20% longer, so many clients dropped at once do not return in step. */
const RECONNECT_JITTER = [1, 1.2] as const;

/** The default waits before each attempt to reopen a dropped socket (the first at once): 0, 250, 1000, 2000 ms. */
export const RECONNECT_DELAYS_MS: readonly number[] = [0, ...[0, 1, 2].map((attempt) => backoffDelay(attempt, RECONNECT_BACKOFF))];

/** Delays with up to 20% jitter, so many clients dropped at once do not return in step. */
export function withJitter(delays: readonly number[], random: () => number = Math.random): number[] {
  return delays.map((ms) => jittered(ms, RECONNECT_JITTER, random));
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
