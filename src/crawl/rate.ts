import { quoted, usageError } from '../errors.js';

/** At most `count` starts every `perMs` milliseconds: `2/s` is { count: 2, perMs: 1000 }. */
export interface Rate {
  count: number;
  perMs: number;
}

const PER: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/**
 * `2/s`, `30/m`, `1000/h`. The count is a whole number: a slower rate is said with a longer
 * unit (`30/m` rather than `0.5/s`), so that every rate has one spelling.
 */
export function parseRate(option: string, text: string): Rate {
  const match = /^\s*(\d+)\s*\/\s*([smh])\s*$/.exec(text);
  const count = match ? Number(match[1]) : Number.NaN;
  if (!match || !Number.isSafeInteger(count) || count < 1) {
    throw usageError(`${option} must be a rate such as 2/s, 30/m or 1000/h (a whole number of starts a second, minute or hour), got ${quoted(text)}`);
  }
  return { count, perMs: PER[match[2]!]! };
}

/** The time between two starts at that rate, in milliseconds. */
export function intervalOf(rate: Rate): number {
  return rate.perMs / rate.count;
}

/** A rate as `parseRate` reads it back. */
export function formatRate(rate: Rate): string {
  const unit = Object.entries(PER).find(([, ms]) => ms === rate.perMs)?.[0];
  return unit ? `${rate.count}/${unit}` : `${rate.count}/${rate.perMs}ms`;
}
