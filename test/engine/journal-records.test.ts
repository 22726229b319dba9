import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finalFailureRecord, journalRecords } from '../../src/engine/journal-records.js';
import type { Batch } from '../../src/model/batch.js';
import { exitStatus, timedOut, workerExited } from '../../src/model/failure.js';
import { NEWLINE } from '../../src/model/payload.js';
import type { Run } from '../../src/model/run.js';

const signalName = (signal: number) => (signal === 9 ? 'SIGKILL' : undefined);

test("a failure no run reported: a timeout's record ran as long as it was let (was: no duration, 0.000 in GNU parallel's joblog)", () => {
  const record = finalFailureRecord({ index: 4, input: 'x', error: timedOut(1000), attempts: 1, origin: undefined }, 'x');
  assert.equal(record.durationMs, 1000);
  assert.equal(record.code, 'ERR_TIMEOUT');
  // a worker's death says nothing of how long the input ran
  assert.equal(finalFailureRecord({ index: 4, input: 'x', error: workerExited(1, null), attempts: 1, origin: undefined }, 'x').durationMs, undefined);
});

test('a record keeps the signal that ended it, for the joblog to say without reading the message', () => {
  const record = finalFailureRecord({ index: 0, input: 'k', error: exitStatus(137, signalName), attempts: 1, origin: undefined }, 'k');
  assert.equal(record.signal, 'SIGKILL');
  assert.equal(record.code, 'ERR_EXIT_STATUS');
});

test("a run's records say when each input ended: the last when the run was reported, each before it as the durations after it began (was: the row's time of writing)", () => {
  const batch: Batch = { id: 0, first: 10, count: 3, payload: ['a', 'b', 'c'], separator: NEWLINE, attempt: 1, retried: 0, isolated: false, fresh: false, origin: undefined };
  const run: Run = { count: 3, text: 'A\nB\nC\n', values: undefined, failures: [], durationsMs: [100, 20, 5] };
  const records = journalRecords(batch, 0, run, [], 'text', 10_000);
  assert.deepEqual(records.map((record) => [record.index, record.endedAt]), [[10, 9_975], [11, 9_995], [12, 10_000]]);
  // a failure settled on its own ended when it was settled
  assert.equal(finalFailureRecord({ index: 4, input: 'x', error: workerExited(1, null), attempts: 1, origin: undefined }, 'x', 5_000).endedAt, 5_000);
});

test("a run that says when its inputs started: each record ends at its start and duration, however late the report came (was: reckoned back from the report, two starts --delay 0.3 apart came out 297 ms apart)", () => {
  const batch: Batch = { id: 0, first: 0, count: 2, payload: ['a', 'b'], separator: NEWLINE, attempt: 1, retried: 0, isolated: false, fresh: false, origin: undefined };
  const run: Run = { count: 2, text: 'A\nB\n', values: undefined, failures: [], durationsMs: [10, 10], startsMs: [1_000, 1_300] };
  const records = journalRecords(batch, 0, run, [], 'text', 9_999);
  assert.deepEqual(records.map((record) => record.endedAt - record.durationMs!), [1_000, 1_300]);
});
