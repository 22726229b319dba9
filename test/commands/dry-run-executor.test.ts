// DryRunExecutor on its own: a batch "runs" as the commands it would run, printed.
import assert from 'node:assert/strict';
import { constants } from 'node:buffer';
import { test } from 'node:test';
import { DryRunExecutor } from '../../src/commands/dry-run-executor.js';
import type { ExecutorListener } from '../../src/model/executor.js';
import type { PrunError } from '../../src/errors.js';
import { type Batch, SHARED } from '../../src/model/batch.js';
import { NEWLINE } from '../../src/model/payload.js';

function batchOf(inputs: string[]): Batch {
  return { id: 0, first: 0, count: inputs.length, payload: inputs, separator: NEWLINE, attempt: 1, retried: 0, ...SHARED, origin: undefined };
}

/** What the executor tells its listener of one batch, in order. */
function told(executor: DryRunExecutor, inputs: string[]): string[] {
  const heard: string[] = [];
  const listener: ExecutorListener = {
    run: (_batch, from, run, last) => void heard.push(`run ${from}+${run.count}${last ? ' last' : ''}: ${String(run.text)}`),
    lost: () => void heard.push('lost'),
    free: () => {},
    fatal: (error) => void heard.push(`fatal ${(error as PrunError).code}: ${/^job \d+/.exec(error.message)?.[0]}`),
  };
  executor.start(listener);
  executor.submit(batchOf(inputs));
  return heard;
}

test('a batch is its commands, one a line, reported at once and over', () => {
  assert.deepEqual(told(new DryRunExecutor('echo {}'), ['a', 'b c']), ["run 0+2 last: echo a\necho 'b c'\n"]);
});

test('regression: an input too long to make its command of: the commands before it are reported, then the run is told ERR_INPUT naming its job (was: a RangeError with its stack)', () => {
  const half = 'x'.repeat(Math.floor(constants.MAX_STRING_LENGTH / 2) + 1);
  assert.deepEqual(told(new DryRunExecutor('echo {} {}'), ['a', half, 'c']), ['run 0+1: echo a a\n', 'fatal ERR_INPUT: job 2']);
  assert.deepEqual(told(new DryRunExecutor('echo {} {}'), [half, 'c']), ['fatal ERR_INPUT: job 1']);
});
