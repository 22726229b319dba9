import { format } from 'node:util';

/**
 * BullMQ and ioredis warn through console.warn, unprefixed, and some once a connection
 * (ioredis's password warning came three times): from here on, each is said once, as
 * `PREFIX message`. `said`: warnings the caller says itself, with more to go on, dropped
 * (the producer's own line on the eviction policy). Neither process runs the user's code on
 * its main thread, so console.warn there is only theirs and ours.
 */
export function ownLibraryWarnings(prefix: string, said: (text: string) => boolean = () => false): void {
  const seen = new Set<string>();
  console.warn = (...args: unknown[]) => {
    const text = format(...args).trim().replace(/\s*\n\s*/g, ' ').replace(/^\[WARN\]\s*/, '');
    if (said(text) || seen.has(text)) return;
    seen.add(text);
    process.stderr.write(`${prefix}${text}\n`);
  };
}

/** BullMQ's line on a maxmemory-policy other than noeviction. */
export const isEvictionWarning = (text: string): boolean => text.startsWith('IMPORTANT! Eviction policy');
