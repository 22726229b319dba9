import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeFailure } from '../../src/cli/report.js';
import { taskFailed } from '../../src/model/failure.js';

test("a failure's line names its causes, each by its first line (was: fetch's bare 'TypeError: fetch failed', the reason only in the joblog and --json)", () => {
  const thrown = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.5:8080\n    at internals'), { code: 'ECONNREFUSED' }) });
  const line = describeFailure({ index: 0, input: 'http://127.0.0.5:8080/x', error: taskFailed(thrown), attempts: 1, origin: undefined }, false);
  assert.equal(line, 'prun: input 0 "http://127.0.0.5:8080/x" failed: TypeError: fetch failed; cause: connect ECONNREFUSED 127.0.0.5:8080 …');
});
