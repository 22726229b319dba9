import type { Failure } from '../model/failure.js';

/** A failure that says the server wants its key to slow down, and for how long if it said so. */
export interface ThrottleSignal {
  retryAfterMs: number | undefined;
}

/** 429 Too Many Requests and 503 Service Unavailable: the statuses that come with Retry-After. */
const THROTTLE_STATUSES = new Set([429, 503]);

/**
 * A failure is a throttle signal when its status (or statusCode in its fields, for a failure
 * made before taskFailed read statusCode as the status) is 429 or 503.
 * `wallNowMs` (Date.now(), not a monotonic clock) reads a Retry-After given as an HTTP date.
 */
export function throttleSignal(failure: Failure, wallNowMs: number): ThrottleSignal | undefined {
  const statusCode = failure.fields?.statusCode;
  const status = failure.status ?? (typeof statusCode === 'number' ? statusCode : undefined);
  if (status === undefined || !THROTTLE_STATUSES.has(status)) return undefined;
  const raw = failure.retryAfter;
  return { retryAfterMs: raw === undefined ? undefined : retryAfterMs(raw, wallNowMs) };
}

// asctime's layout (`Sun Nov  6 08:49:37 1994`), the one HTTP date that names no zone
const ASCTIME = /^[a-z]{3} [a-z]{3} +\d{1,2} \d\d:\d\d:\d\d \d{4}$/i;

/**
 * A Retry-After as milliseconds from now: a number of seconds, or the raw header, which
 * RFC 9110 (10.2.3) allows as seconds or as an HTTP date. A date already past is 0; what is
 * neither (a negative number, text) is undefined, and the caller backs off as without one.
 */
export function retryAfterMs(value: number | string, wallNowMs: number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  // an HTTP date names its month in letters and gives a time of day; Date.parse alone reads
  // "12" or "Oct 2015" as a date too (was: 'Oct 2015' taken for a date long past, no wait at all)
  if (!/[a-z]/i.test(text) || !/\d:\d\d/.test(text)) return undefined;
  // every HTTP date is in GMT, asctime's too, which says no zone: Date.parse would read it in
  // the machine's (was: 5 hours off in New York, a whole --max-retry-after waited: a review);
  // any other date is read as it says (was, for a while: `+02:00`, `EDT` and ISO dates taken for GMT)
  const at = Date.parse(ASCTIME.test(text) ? `${text} GMT` : text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - wallNowMs);
}
