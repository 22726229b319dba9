import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetryPolicy } from '../../../src/engine/scheduler/retry-policy.js';

test('without --retry-delay a retry is due at once; --retries bounds the retries used', () => {
  const policy = new RetryPolicy(2, undefined);
  assert.deepEqual(policy.decide({ retried: 0 }, { throttled: false, now: 5 }), { retry: true, dueAt: undefined, usesRetry: true });
  assert.deepEqual(policy.decide({ retried: 1 }, { throttled: false, now: 5 }), { retry: true, dueAt: undefined, usesRetry: true });
  assert.deepEqual(policy.decide({ retried: 2 }, { throttled: false, now: 5 }), { retry: false });
});

test('--retry-delay: full jitter under an exponential ceiling, capped', () => {
  const delays = (random: number) => {
    const policy = new RetryPolicy(10, { baseMs: 1000, capMs: 60_000 }, () => random);
    return [0, 1, 2, 3, 6, 9].map((retried) => {
      const decision = policy.decide({ retried }, { throttled: false, now: 100 });
      return decision.retry ? decision.dueAt! - 100 : -1;
    });
  };
  assert.deepEqual(delays(0.999_999).map(Math.round), [1000, 2000, 4000, 8000, 60_000, 60_000]);
  assert.deepEqual(delays(0), [0, 0, 0, 0, 0, 0], 'full jitter goes down to zero');
});

test('a throttled input is tried again without using a retry, even with none left', () => {
  const policy = new RetryPolicy(0, { baseMs: 1000, capMs: 60_000 });
  assert.deepEqual(policy.decide({ retried: 0 }, { throttled: true, now: 0 }), { retry: true, dueAt: undefined, usesRetry: false });
});
