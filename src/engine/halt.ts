import { quoted, usageError } from '../errors.js';

/** GNU parallel's --halt: when to stop, and how hard. */
export interface HaltPolicy {
  /** soon: start no more inputs, let running ones finish; now: end running ones too. */
  when: 'soon' | 'now';
  on: 'fail' | 'success' | 'done';
  /** A count, or a fraction of the total number of inputs (never met while it is unknown). */
  count: number | undefined;
  fraction: number | undefined;
}

/** GNU parallel's older spellings, which its manual still lists "for backwards compatibility". */
const LEGACY: Readonly<Record<string, string>> = {
  '0': 'never',
  '1': 'soon,fail=1',
  '2': 'now,fail=1',
  '-1': 'soon,success=1',
  '-2': 'now,success=1',
};

/** `1%` to `99%`: soon, once that share of the inputs failed. */
function legacyPercent(value: string): string | undefined {
  return /^\d+%$/.test(value) ? `soon,fail=${value}` : undefined;
}

/**
 * `soon,fail=3`, `now,fail=10%`, `now,success=1`, `never`, as GNU parallel spells them, and
 * its older `0`, `1`, `2`, `-1`, `-2`, `N%`;
 * `name` is what an error calls it (`--halt` on the command line, `halt` in the library).
 */
export function parseHalt(value: string, name: string): HaltPolicy | undefined {
  const spelled = LEGACY[value.trim()] ?? legacyPercent(value.trim()) ?? value.trim();
  if (spelled === 'never') return undefined;
  const match = /^(soon|now),(fail|success|done)=(\d+)(%?)$/.exec(spelled);
  if (!match) {
    throw usageError(`${name} must be like soon,fail=1 or now,fail=10% (when: soon|now; on: fail|success|done), got ${quoted(value)}`);
  }
  const [, when, on, amount, percent] = match;
  const number = Number(amount);
  if (percent ? number <= 0 || number > 100 : number < 1) {
    throw usageError(`${name} needs an amount of ${percent ? '1% to 100%' : 'at least 1'}, got ${quoted(value)}`);
  }
  return {
    when: when as HaltPolicy['when'],
    on: on as HaltPolicy['on'],
    count: percent ? undefined : number,
    fraction: percent ? number / 100 : undefined,
  };
}

/**
 * Whether the policy says to halt, given the counts so far. A percentage is of all the
 * inputs, as GNU parallel computes it (`$total_jobs * $Global::halt_pct`), and not of those
 * settled so far, where one early failure would be 100%. GNU parallel reads all its input
 * to know the total; prun keeps its memory constant instead, so until the total is known
 * (counted ahead in regular files, `:::` values, or the end of the input seen) a percentage
 * never halts.
 */
export function shouldHalt(policy: HaltPolicy, counts: { succeeded: number; failed: number; total: number | undefined }): boolean {
  const counted = policy.on === 'fail' ? counts.failed : policy.on === 'success' ? counts.succeeded : counts.succeeded + counts.failed;
  if (counted === 0) return false;
  if (policy.count !== undefined) return counted >= policy.count;
  return counts.total !== undefined && counted >= policy.fraction! * counts.total;
}
