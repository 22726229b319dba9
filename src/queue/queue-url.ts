import { PrunError } from '../errors.js';

/** A URL as it may be shown: without its password. */
export function shownUrl(url: string): string {
  // what was typed, less what stands before an @: a URL that does not parse, or has no host
  // (toString() gives `redis:/` for `redis://`), is shown so
  const typed = url.replace(/\/\/[^@/]*@/, '//');
  try {
    const parsed = new URL(url);
    if (parsed.hostname === '') return typed;
    parsed.password = '';
    parsed.username = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return typed;
  }
}

/** Checks the URL's form; a bad one is a usage error. */
export function checkQueueUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PrunError('ERR_USAGE', `--queue: not a URL: ${shownUrl(url)} (expected redis://[:PASSWORD@]HOST[:PORT][/DB])`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new PrunError('ERR_USAGE', `--queue: expected redis:// or rediss://, got ${shownUrl(url)}`);
  }
  // ioredis would take no host for 127.0.0.1:6379, perhaps another's Redis
  if (parsed.hostname === '') throw new PrunError('ERR_USAGE', `--queue: ${shownUrl(url)} names no host (expected redis://[:PASSWORD@]HOST[:PORT][/DB])`);
  // ioredis reads /1.5 and /2/x as databases 1 and 2, and sends /abc as SELECT NaN, whose
  // refusal came out as a stack trace
  const db = parsed.searchParams.get('db') ?? parsed.pathname.slice(1);
  if (!/^\d*$/.test(db)) throw new PrunError('ERR_USAGE', `--queue: the database of ${shownUrl(url)} is not a number: ${db}`);
}
