// Time as an utterance sees it: the real clock, or one a test moves by hand (transitions tested without sleeping).

export interface Clock {
  now(): number;
  /** Calls `fn` after `ms`; the returned cancel stops it. */
  after(ms: number, fn: () => void): () => void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/** Resolves to `value` after `ms` on `clock`; `cancel` stops the wait. */
export function delay<T>(clock: Clock, ms: number, value: T): { promise: Promise<T>; cancel: () => void } {
  let cancel = () => {};
  const promise = new Promise<T>((resolve) => (cancel = clock.after(ms, () => resolve(value))));
  return { promise, cancel };
}
