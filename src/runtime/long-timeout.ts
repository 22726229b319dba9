/**
 * setTimeout fires at once (after a `TimeoutOverflowWarning`) when asked to wait longer than
 * 2^31-1 ms, about 24.8 days: a user's `--timeout 1000h` would time every task out after 1 ms.
 * A leaf module, for every timer armed with a duration the user gives.
 */

/** The longest delay setTimeout honours. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A timer armed by setLongTimeout. */
export interface LongTimeout {
  /** Disarms it; harmless once it has fired. */
  clear(): void;
}

/** Calls `callback` after `ms` milliseconds, however long that is, by waiting in steps setTimeout allows. */
export function setLongTimeout(callback: () => void, ms: number): LongTimeout {
  let timer: NodeJS.Timeout;
  const arm = (left: number): void => {
    timer = left > MAX_TIMEOUT_MS ? setTimeout(() => arm(left - MAX_TIMEOUT_MS), MAX_TIMEOUT_MS) : setTimeout(callback, left);
  };
  arm(ms);
  return { clear: () => clearTimeout(timer) };
}
