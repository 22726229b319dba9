import { quoted, usageError } from '../errors.js';

/**
 * Bytes, with GNU parallel's unit prefixes (its man page, UNIT PREFIX): K, M, G, T, P are
 * powers of 1024, and k, m, g, t, p powers of 1000; a bare number is bytes. At least 1.
 */
export function parseByteSize(name: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)([kmgtp]?)$/i.exec(value.trim());
  if (!match) throw usageError(`${name} must be a size (1M, 512k, 100000), got ${quoted(value)}`);
  const unit = match[2] ?? '';
  const power = ' kmgtp'.indexOf((unit || ' ').toLowerCase());
  const base = unit !== '' && unit === unit.toLowerCase() ? 1000 : 1024;
  return Math.max(1, Math.floor(Number(match[1]) * base ** power));
}
