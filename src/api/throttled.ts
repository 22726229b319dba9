import { usageError } from '../errors.js';

/** What `throttled()` reads of a fetch Response: any object shaped like one will do. */
export interface ThrottledResponse {
  /** A fetch Response's (and axios's) status; got's and Node's IncomingMessage say statusCode. */
  status?: number;
  statusCode?: number;
  statusText?: string;
  /** A fetch Headers, or a plain object of them (axios's, got's); none: no Retry-After. */
  headers?: { get(name: string): string | null } | Record<string, string | string[] | undefined>;
  url?: string;
  /** Cancelled, when there is one: an unread body keeps its connection from the next request. */
  body?: { cancel(): Promise<void> } | null;
}

/** The error `throttled()` makes: prun backs the input's key off when `status` is 429 or 503. */
export class ThrottledError extends Error {
  override readonly name = 'ThrottledError';

  constructor(
    message: string,
    readonly status: number,
    /** The Retry-After header as the server sent it (seconds or an HTTP date), if it did. */
    readonly retryAfter: string | undefined,
  ) {
    super(message);
  }
}

/** Reasons for the statuses that mean "slow down", for a Response with no statusText (HTTP/2). */
const REASONS: Record<number, string> = { 429: 'Too Many Requests', 503: 'Service Unavailable' };

/**
 * The error to throw when a server says "slow down" (`if (res.status === 429) throw
 * throttled(res)`): its status and Retry-After travel with the failure, so prun backs the
 * input's key off for as long as the server asked, and tries the input again.
 */
export function throttled(response: ThrottledResponse): ThrottledError {
  // was: a raw TypeError for no response, and a ThrottledError of status 0 for one without a status
  const given: unknown = response;
  const status = typeof given === 'object' && given !== null ? (response.status ?? response.statusCode) : undefined;
  if (typeof status !== 'number') {
    throw usageError(`throttled() takes the response that said to slow down (an object with a numeric status or statusCode), not ${describe(given)}`);
  }
  // was: status only, so got's response made 'throttled: undefined', which no key backed off for
  const reason = response.statusText || REASONS[status];
  const words = ['throttled:', String(status), reason, response.url].filter(Boolean);
  const error = new ThrottledError(words.join(' '), status, retryAfterOf(response.headers));
  // a body already read or locked cannot be cancelled: nothing is kept from the connection then
  response.body?.cancel().catch(() => {});
  return error;
}

/**
 * The Retry-After header of a fetch Headers or of a plain object of headers (was: a TypeError,
 * `response.headers.get is not a function`, for axios's shape, and the input failed instead
 * of backing its key off).
 */
function retryAfterOf(headers: ThrottledResponse['headers']): string | undefined {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') return (headers.get as (name: string) => string | null)('retry-after') ?? undefined;
  const plain = headers as Record<string, string | string[] | undefined>;
  const name = Object.keys(plain).find((key) => key.toLowerCase() === 'retry-after');
  const value = name === undefined ? undefined : plain[name];
  return Array.isArray(value) ? value[0] : value;
}

/** What was given, short: a response of got or axios, written whole, would be pages long (api/arguments.ts writes values whole). */
function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  return 'an object without one';
}
