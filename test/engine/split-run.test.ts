import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Batch } from '../../src/model/batch.js';
import { Reorder } from '../../src/engine/reorder.js';
import type { Delivery } from '../../src/model/delivery.js';
import { addRecords, journalRecords } from '../../src/engine/journal-records.js';
import { splitRun } from '../../src/engine/split-run.js';
import { NEWLINE } from '../../src/model/payload.js';
import { type Run } from '../../src/model/run.js';

const batch: Batch = { id: 0, first: 10, count: 4, payload: ['a', 'b', 'c', 'd'], separator: NEWLINE, attempt: 1, retried: 0, isolated: false, fresh: false, origin: undefined };
// b fails and will be tried again; c fails for good
const run: Run = {
  count: 4,
  text: 'A\nD\n',
  values: undefined,
  failures: [
    { offset: 1, at: 2, input: 'b', error: { code: 'ERR_TASK_FAILED', name: 'Error', message: 'again' } },
    { offset: 2, at: 2, input: 'c', error: { code: 'ERR_TASK_FAILED', name: 'Error', message: 'for good' } },
  ],
  durationsMs: undefined,
};

/** The deliveries as short words: `text 10-11`, `failure 12`, `records 12,13`. */
function describe(delivery: Delivery): string {
  if (delivery.type === 'records') return `records ${delivery.records.map((record) => record.index).join(',')}`;
  if (delivery.type === 'failure') return `failure ${delivery.first}`;
  return `${delivery.type} ${delivery.first}-${delivery.first + delivery.count}`;
}

test('records follow the output of their own range, and pass the reorder buffer with it (was: logged as they settled)', () => {
  const { ranges, finals } = splitRun(batch, 0, run, 0, (offset, input, error) =>
    offset === 1 ? undefined : { index: batch.first + offset, input, origin: undefined, attempts: 1, error },
  );
  addRecords(ranges, journalRecords(batch, 0, run, finals, 'text'));
  assert.deepEqual(
    ranges.map((range) => [range.start, range.end, range.deliveries.map(describe)]),
    [
      [10, 11, ['text 10-11', 'records 10']],
      [12, 14, ['failure 12', 'text 13-14', 'records 12,13']],
    ],
  );
  // nothing after b, records included, leaves the reorder buffer before b's retry settles
  const emitted: string[] = [];
  const reorder = new Reorder((delivery) => emitted.push(describe(delivery)));
  for (const range of [...ranges].reverse()) reorder.add(range.start - 10, range.end - 10, range.deliveries);
  assert.deepEqual(emitted, ['text 10-11', 'records 10']);
  reorder.add(1, 2, [
    { type: 'text', first: 11, count: 1, text: 'B\n' },
    { type: 'records', first: 11, count: 0, records: [] },
  ]);
  assert.deepEqual(emitted, ['text 10-11', 'records 10', 'text 11-12', 'records ', 'failure 12', 'text 13-14', 'records 12,13']);
});

test("an input's stderr comes right after its output, a failed one's before its failure; a retried input's range closes before it", () => {
  // a and d succeed with stderr; c fails for good after printing `C` and complaining; b is tried again
  // the same failures as `run`'s, c's now after its output
  const withStderr: Run = {
    ...run,
    text: 'A\nC\nD\n',
    failures: [run.failures[0]!, { ...run.failures[1]!, at: 4 }],
    stderr: [
      { offset: 0, at: 2, text: 'a says\n' },
      { offset: 2, at: 4, text: 'c says\n' },
      { offset: 3, at: 6, text: 'd says\n' },
    ],
  };
  const { ranges } = splitRun(batch, 0, withStderr, 0, (offset, input, error) =>
    offset === 1 ? undefined : { index: batch.first + offset, input, origin: undefined, attempts: 1, error },
  );
  const shown = (delivery: Delivery): string =>
    delivery.type === 'text' ? `${describe(delivery)} ${JSON.stringify(delivery.text)}` : delivery.type === 'stderr' ? `stderr ${delivery.first} ${JSON.stringify(delivery.text)}` : describe(delivery);
  assert.deepEqual(
    ranges.map((range) => [range.start, range.end, range.deliveries.map(shown)]),
    [
      [10, 11, ['text 10-11 "A\\n"', 'stderr 10 "a says\\n"']],
      [12, 14, ['text 12-12 "C\\n"', 'stderr 12 "c says\\n"', 'failure 12', 'text 13-14 "D\\n"', 'stderr 13 "d says\\n"']],
    ],
  );
});
