// Checks a contender's output once, before it is timed, so a broken contender is reported, not timed.
// The checksum is order-independent (a sum of per-line hashes), which says the same as a hash of the
// sorted output without sorting 1e7 lines; order is reported separately.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Expected } from './types.js';

/** Two 32-bit FNV-1a variants of a line; their sums mod 2^32 make the multiset checksum. */
function hashPair(line: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ line.length;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return [a >>> 0, b >>> 0];
}

export class Checksum {
  lines = 0;
  private a = 0;
  private b = 0;

  add(line: string): void {
    const [ha, hb] = hashPair(line);
    this.a = (this.a + ha) >>> 0;
    this.b = (this.b + hb) >>> 0;
    this.lines++;
  }

  get sum(): string {
    return `${this.a.toString(16).padStart(8, '0')}${this.b.toString(16).padStart(8, '0')}`;
  }
}

/** The Expected of the lines `lineAt(0..count-1)`. */
export function expectLines(count: number, lineAt: (i: number) => string): Expected {
  const sum = new Checksum();
  for (let i = 0; i < count; i++) sum.add(lineAt(i));
  return { lines: count, sum: sum.sum, lineAt };
}

export interface CheckOutcome {
  /** Why the output is wrong, or undefined when it is right. */
  problem: string | undefined;
  /** Whether the lines came in input order (undefined when the case has no order). */
  ordered: boolean | undefined;
}

export async function checkOutput(path: string, expected: Expected): Promise<CheckOutcome> {
  const sum = new Checksum();
  let ordered = expected.lineAt !== undefined;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (ordered && (sum.lines >= expected.lines || expected.lineAt!(sum.lines) !== line)) ordered = false;
    sum.add(line);
  }
  const order = expected.lineAt ? ordered : undefined;
  if (sum.lines !== expected.lines) {
    return { problem: `wrong output: ${sum.lines} lines, expected ${expected.lines}`, ordered: order };
  }
  if (sum.sum !== expected.sum) return { problem: 'wrong output: checksum differs', ordered: order };
  return { problem: undefined, ordered: order };
}
