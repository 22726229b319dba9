import { quoted, usageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `30s`, `2m`, `1h`, or a bare number of seconds, in milliseconds. */
export function parseDuration(name: string, value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  const ms = match ? Number(match[1]) * UNITS[match[2] ?? 's']! : Number.NaN;
  // past a safe integer of ms the error came later, naming neither the flag nor what was typed
  if (ms > 0 && !Number.isSafeInteger(Math.round(ms))) {
    // a duration all the same: say what is wrong with it (was: "must be a duration such as 500ms")
    throw usageError(`${name} is too long: at most ${Number.MAX_SAFE_INTEGER} ms (about 285,000 years), got ${quoted(value)}`);
  }
  // a zero is a duration, but none these options can take (GNU parallel's --timeout 0, no
  // timeout, is prun exec's alone): said as such (was: as if 0 were not a duration)
  if (ms === 0) throw usageError(`${name} must be more than 0, got ${quoted(value)}`);
  if (!(ms > 0)) throw usageError(`${name} must be a duration such as 500ms, 30s or 2m, got ${quoted(value)}`);
  // more than 0, however little: never rounded down to none
  return Math.max(1, Math.round(ms));
}

/** A duration of zero as written (`0`, `0s`, `0.0ms`): what `--retry-delay` takes for "at once". */
export function isZeroDuration(text: string): boolean {
  return /^\s*0+(?:\.0*)?\s*(?:ms|s|m|h)?\s*$/.test(text);
}

// the failure messages say durations too, and the model imports nothing of the api
export { formatDuration } from '../model/duration-text.js';

const SIZES: Record<string, number> = { k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 };

/** `512M`, `2G`, `800MB`, `1T`: a memory size in MiB, its letter a power of 1024 in either case. */
export function parseSizeMb(name: string, value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt])?i?b?\s*$/i.exec(value);
  const mb = match ? Number(match[1]) * SIZES[(match[2] ?? 'm').toLowerCase()]! : Number.NaN;
  // was: "at least 16M" said of 1T too, whose letter was not known
  if (!Number.isFinite(mb)) throw usageError(`${name} must be a size such as 512M or 2G (K, M, G, T: powers of 1024), got ${quoted(value)}`);
  if (mb < 16) throw usageError(`${name} must be at least 16M, got ${quoted(value)}`);
  // was: the library's check of the number named memoryLimit, past what a number holds whole
  if (!Number.isSafeInteger(Math.round(mb))) throw usageError(`${name} is too large, got ${quoted(value)}`);
  return Math.round(mb);
}
