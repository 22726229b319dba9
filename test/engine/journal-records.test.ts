import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finalFailureRecord } from '../../src/engine/journal-records.js';
import { exitStatus, timedOut, workerExited } from '../../src/model/failure.js';

const signalName = (signal: number) => (signal === 9 ? 'SIGKILL' : undefined);

test("a failure no run reported: a timeout's record ran as long as it was let (was: no duration, 0.000 in GNU parallel's joblog)", () => {
  const record = finalFailureRecord({ index: 4, input: 'x', error: timedOut(1000), attempts: 1, origin: undefined });
  assert.equal(record.durationMs, 1000);
  assert.equal(record.code, 'ERR_TIMEOUT');
  // a worker's death says nothing of how long the input ran
  assert.equal(finalFailureRecord({ index: 4, input: 'x', error: workerExited(1, null), attempts: 1, origin: undefined }).durationMs, undefined);
});

test('a record keeps the signal that ended it, for the joblog to say without reading the message', () => {
  const record = finalFailureRecord({ index: 0, input: 'k', error: exitStatus(137, signalName), attempts: 1, origin: undefined });
  assert.equal(record.signal, 'SIGKILL');
  assert.equal(record.code, 'ERR_EXIT_STATUS');
});
