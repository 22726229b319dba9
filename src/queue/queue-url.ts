import { PrunError } from '../errors.js';

/** A URL as it may be shown: without its password, in the user part or in the query. */
export function shownUrl(url: string): string {
  // a URL that does not parse, or has no host (toString() gives `redis:/` for `redis://`), is
  // shown as typed up to its query; one with an @ in it, only by its scheme: where its
  // password ends cannot be told (was: from the scheme to the last @ cut, and a password typed
  // with / or @ in it, or one in the query with an @, `?password=a@b`, shown in part: reviews)
  const scheme = /^[A-Za-z][\w+.-]*:/.exec(url)?.[0];
  const typed = url.includes('@') ? `${scheme ?? ''}//…` : url.replace(/[?#][^]*$/, '');
  try {
    const parsed = new URL(url);
    if (parsed.hostname === '') return typed;
    parsed.password = '';
    parsed.username = '';
    // ioredis takes a `password` of the query too, as URLSearchParams reads it (the last of
    // several, `%70assword`): none is shown (was: the outage notices, the spinner and the
    // worker's warning printed `?password=...` whole: reviews). A # in such a password begins
    // the fragment, which a Redis URL has no use for: not shown either
    for (const key of [...parsed.searchParams.keys()]) if (key.toLowerCase() === 'password') parsed.searchParams.delete(key);
    parsed.hash = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return typed;
  }
}

/** Checks the URL's form; a bad one is a usage error. */
export function checkQueueUrl(url: string): void {
  // the URL parser drops them and ioredis does not, reading `\tredis://:pw@host` as a socket
  // path whose error showed the password (or a stack trace for a space): a review
  if (/^\s|\s$|[\0-\x1f\x7f]/.test(url)) {
    throw new PrunError('ERR_USAGE', `--queue: the URL has a space or a control character around or in it: ${shownUrl(url.trim().replace(/[\0-\x1f\x7f]/g, ''))}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // a password holding `#`, `/` or `@` breaks the URL where it stands (was: no word of why)
    const password = url.includes('@') ? '; a password holds no @ / # ? : unless percent-encoded (%40 %2F %23 %3F %3A)' : '';
    throw new PrunError('ERR_USAGE', `--queue: not a URL: ${shownUrl(url)} (expected redis://[:PASSWORD@]HOST[:PORT][/DB]${password})`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new PrunError('ERR_USAGE', `--queue: expected redis:// or rediss://, got ${shownUrl(url)}`);
  }
  // ioredis decodes them, and a bare `%` threw URIError with a stack trace (`:50%off@`)
  for (const part of [parsed.username, parsed.password]) {
    try {
      decodeURIComponent(part);
    } catch {
      throw new PrunError('ERR_USAGE', `--queue: the password or user of ${shownUrl(url)} has a % that is no percent-encoding: write % as %25`);
    }
  }
  // ioredis would take no host for 127.0.0.1:6379, perhaps another's Redis
  if (parsed.hostname === '') throw new PrunError('ERR_USAGE', `--queue: ${shownUrl(url)} names no host (expected redis://[:PASSWORD@]HOST[:PORT][/DB])`);
  // ioredis reads /1.5 and /2/x as databases 1 and 2, and sends /abc as SELECT NaN, whose
  // refusal came out as a stack trace
  const db = parsed.searchParams.get('db') ?? parsed.pathname.slice(1);
  if (!/^\d*$/.test(db)) throw new PrunError('ERR_USAGE', `--queue: the database of ${shownUrl(url)} is not a number: ${db}`);
}
