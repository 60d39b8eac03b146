// Which failures a batch retries (the account's concurrency limit) and how long it waits: exponential backoff with jitter.
import { ApiError } from '../../core/errors.js';

/** The API refused the request because too many run at once (HTTP 429, or an error that says so in any shape). */
export function isOverLimit(error: unknown): boolean {
  return error instanceof ApiError && error.kind === 'over-limit';
}

export { backoffDelay, type RetryPolicy } from '../../waves/retry.js';
