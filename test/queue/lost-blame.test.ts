import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Blame } from '../../src/model/executor.js';
import type { Failure } from '../../src/model/failure.js';
import { blameOf, lostFields } from '../../src/queue/lost-blame.js';

const oom: Failure = { code: 'ERR_OUT_OF_MEMORY', name: 'Error', message: 'out of memory' };

test('every blame crosses the wire and comes back as it was, a thread\'s finished inputs included (was: dropped, the culprit run again among suspects)', () => {
  const blames: Blame[] = ['none', 'unknown', { culprit: oom, durationMs: 12 }, { unbegun: oom }, { finished: 3, then: { culprit: oom } }, { finished: 1, then: 'none' }, { finished: 2, then: 'unknown' }, 'suspect', { finished: 2, then: 'suspect' }];
  for (const blame of blames) assert.deepEqual(blameOf(JSON.parse(JSON.stringify(lostFields(blame)))), blame);
});
