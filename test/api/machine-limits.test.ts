import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeMachineLimits, parseLoad, parseMemFree } from '../../src/api/machine-limits.js';
import { PrunError } from '../../src/errors.js';

const usage = (error: unknown): boolean => error instanceof PrunError && error.code === 'ERR_USAGE';
const GB = 2 ** 30;

test("--load reads as GNU parallel's --jobs: N, N% of the cores, +N, -N; 0 is 0.01; a fraction is a load", () => {
  assert.equal(parseLoad('--load', '3', 8), 3);
  assert.equal(parseLoad('--load', '50%', 8), 4);
  assert.equal(parseLoad('--load', '+2', 8), 10);
  assert.equal(parseLoad('--load', '-2', 8), 6);
  assert.equal(parseLoad('--load', '0', 8), 0.01);
  assert.equal(parseLoad('load', 1.5, 8), 1.5);
  for (const bad of ['abc', '', '2x', '%', null, {}]) assert.throws(() => parseLoad('--load', bad, 8), usage, String(bad));
});

test('--load where the load cannot be counted (no /proc) is refused: the run would wait for it for ever', () => {
  assert.throws(() => parseLoad('--load', '2', 8, () => false), usage);
  assert.equal(parseLoad('--load', '2', 8, () => true), 2);
});

test('--memfree takes sizes with GNU parallel\'s unit prefixes, and bytes; more than the machine has is refused, since nothing could ever start', () => {
  assert.equal(parseMemFree('--memfree', '2G', 8 * GB), 2 * GB);
  assert.equal(parseMemFree('--memfree', '2g', 8 * GB), 2e9);
  assert.equal(parseMemFree('memFree', 4096, 8 * GB), 4096);
  assert.throws(() => parseMemFree('--memfree', '9G', 8 * GB), usage);
  for (const bad of ['1x', '-1G', 0, 1.5, 'G']) assert.throws(() => parseMemFree('--memfree', bad, 8 * GB), usage, String(bad));
});

test('without memFree or load the run takes no look at the machine', () => {
  assert.equal(normalizeMachineLimits({}), undefined);
  assert.deepEqual(normalizeMachineLimits({ load: '+0' }), { memFreeBytes: undefined, maxLoad: (normalizeMachineLimits({ load: '100%' }))!.maxLoad });
});
