import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gnuExitStatus } from '../../src/cli/gnu-exit-status.js';

const counts = (failed: number, succeeded: number, total: number | undefined, haltedBy?: { failed: number; status: number; code?: 'ERR_TIMEOUT' }) => ({ failed, succeeded, total, haltedBy });

test('without --halt: the number of failed jobs, 101 for more than 100', () => {
  assert.equal(gnuExitStatus(undefined, counts(3, 1, 4)), 3);
  assert.equal(gnuExitStatus(undefined, counts(250, 0, 250)), 101);
  assert.equal(gnuExitStatus('never', counts(2, 0, 2)), 2);
});

test('--halt ...,fail=1 and done=1: the status of the job that met it', () => {
  assert.equal(gnuExitStatus('now,fail=1', counts(1, 1, 3, { failed: 1, status: 3 })), 3);
  assert.equal(gnuExitStatus('soon,done=1', counts(0, 1, 3, { failed: 0, status: 0 })), 0);
  assert.equal(gnuExitStatus('now,fail=1', counts(1, 0, 1, { failed: 1, status: 137 })), 137);
  // a timed-out job is Exitval -1 to GNU parallel
  assert.equal(gnuExitStatus('now,fail=1', counts(1, 0, 1, { failed: 1, status: 1, code: 'ERR_TIMEOUT' })), 255);
});

test('--halt ...,fail=N: the failures when it halted, not those after', () => {
  assert.equal(gnuExitStatus('soon,fail=2', counts(3, 0, 5, { failed: 2, status: 4 })), 2);
});

test('--halt on a percentage: the share of all jobs failed then, rounded up; never met: of those run', () => {
  assert.equal(gnuExitStatus('now,fail=30%', counts(2, 1, 5, { failed: 2, status: 4 })), 40);
  assert.equal(gnuExitStatus('soon,fail=90%', counts(3, 2, 5)), 60);
  assert.equal(gnuExitStatus('soon,fail=90%', counts(1, 2, 3)), 34);
  // a percentage that is one job: as fail=1
  assert.equal(gnuExitStatus('now,fail=10%', counts(1, 0, 10, { failed: 1, status: 7 })), 7);
});

test('--halt ...,success=N met: 0', () => {
  assert.equal(gnuExitStatus('now,success=1', counts(2, 1, 5, { failed: 2, status: 0 })), 0);
});
