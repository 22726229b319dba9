import { usageError } from '../errors.js';

/** GNU parallel's --halt: when to stop, and how hard. */
export interface HaltPolicy {
  /** soon: start no more inputs, let running ones finish; now: end running ones too. */
  when: 'soon' | 'now';
  on: 'fail' | 'success' | 'done';
  /** A count, or a fraction of the total (of the inputs settled so far while it is unknown). */
  count: number | undefined;
  fraction: number | undefined;
}

/** `soon,fail=3`, `now,fail=10%`, `now,success=1`, `never`, as GNU parallel spells them. */
export function parseHalt(value: string): HaltPolicy | undefined {
  if (value === 'never') return undefined;
  const match = /^(soon|now),(fail|success|done)=(\d+)(%?)$/.exec(value.trim());
  if (!match) {
    throw usageError(`--halt must be like soon,fail=1 or now,fail=10% (when: soon|now; on: fail|success|done), got ${JSON.stringify(value)}`);
  }
  const [, when, on, amount, percent] = match;
  const number = Number(amount);
  if (percent ? number <= 0 || number > 100 : number < 1) throw usageError(`--halt needs an amount of at least 1, got ${JSON.stringify(value)}`);
  return {
    when: when as HaltPolicy['when'],
    on: on as HaltPolicy['on'],
    count: percent ? undefined : number,
    fraction: percent ? number / 100 : undefined,
  };
}

/** Whether the policy says to halt, given the counts so far. */
export function shouldHalt(policy: HaltPolicy, counts: { succeeded: number; failed: number; total: number | undefined }): boolean {
  const settled = counts.succeeded + counts.failed;
  const counted = policy.on === 'fail' ? counts.failed : policy.on === 'success' ? counts.succeeded : settled;
  if (counted === 0) return false;
  if (policy.count !== undefined) return counted >= policy.count;
  return counted >= policy.fraction! * (counts.total ?? settled);
}
