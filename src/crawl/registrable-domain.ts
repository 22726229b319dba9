import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type * as Tldts from 'tldts';

/**
 * tldts, the public suffix list behind `--key domain`, takes 40-80 ms to load (its list is
 * built when it loads): loaded on first use only, so that a run without `--key domain` never
 * pays for it. Synchronously, since a key is computed per input in the main thread.
 */
const load = createRequire(import.meta.url);
let tldts: typeof Tldts | undefined;

/** Loads the public suffix list now: a run that keys by domain pays for it before it starts. */
export function loadPublicSuffixes(): void {
  tldts ??= load('tldts') as typeof Tldts;
}

/**
 * The registrable domain of a host name (`news.example.co.uk` -> `example.co.uk`). An IP
 * address is its own domain, and so is a host with none (`localhost`, a bare public suffix).
 * By the list's ICANN section only (tldts' default): the private section's suffixes
 * (`github.io`, `herokuapp.com`) are one operator's, whose servers take every site under
 * them, so that politeness keys them together.
 */
export function registrableDomain(hostname: string): string {
  if (isIP(hostname) !== 0 || hostname.startsWith('[')) return hostname;
  loadPublicSuffixes();
  return tldts!.getDomain(hostname, { extractHostname: false }) ?? hostname;
}
