import { usageError } from '../errors.js';
import { describe } from './arguments.js';
import { parseDuration } from './duration.js';

/** A whole number of at least `min`, from a number or a command-line string. */
export function wholeNumber(name: string, value: unknown, min: number): number {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < min) {
    throw usageError(`${name} must be a whole number of ${min} or more, got ${describe(value)}`);
  }
  return number;
}

export function yesOrNo(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw usageError(`${name} must be true or false, got ${describe(value)}`);
  return value;
}

export function text(name: string, value: unknown): string {
  if (typeof value !== 'string') throw usageError(`${name} must be a string, got ${describe(value)}`);
  return value;
}

/** Milliseconds: a whole number of them, or a duration as the CLI reads it ('500ms', '30s', '2m'). */
export function milliseconds(name: string, value: unknown, min = 1): number {
  return typeof value === 'string' ? parseDuration(name, value) : wholeNumber(name, value, min);
}
