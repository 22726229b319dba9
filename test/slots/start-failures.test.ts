// When slots dying at start end the run: the one rule of the pool and of shell lanes, in-process.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PrunError } from '../../src/errors.js';
import { MAX_START_FAILURES, StartFailures } from '../../src/slots/start-failures.js';

describe('StartFailures, as the pool uses it (fatal until one is ready)', () => {
  test('workers that die at start before any ever was ready are replaced, and end the run after MAX_START_FAILURES in a row, in the words of issue 9 (was: at the first death, `a worker failed to start`)', () => {
    const starts = new StartFailures({ fatalUntilReady: true });
    for (let i = 1; i < MAX_START_FAILURES; i++) {
      assert.equal(starts.replacesNow('worker killed by SIGKILL'), true);
      assert.equal(starts.died('worker killed by SIGKILL'), undefined, `death ${i}`);
    }
    const error = starts.died('worker killed by SIGKILL');
    assert.equal(error?.code, 'ERR_WORKER_START');
    assert.equal(error?.message, 'workers keep dying at start: worker killed by SIGKILL');
  });

  test('a script that says it cannot start is not replaced until a worker was ready: it would be started for ever', () => {
    const starts = new StartFailures({ fatalUntilReady: true });
    const loadError = new PrunError('ERR_SCRIPT_LOAD', 'script failed to load: x (task.ts:1)');
    assert.equal(starts.replacesNow(loadError), false);
    starts.ready();
    assert.equal(starts.replacesNow(loadError), true);
  });

  test('a setup() that fails before any worker was ready ends the run at once with its own words, ERR_SETUP', () => {
    const error = new StartFailures({ fatalUntilReady: true }).died(new PrunError('ERR_SETUP', 'setup() timed out after 1s'));
    assert.equal(error?.code, 'ERR_SETUP');
    assert.equal(error?.message, 'setup() timed out after 1s');
  });

  test('a script that threw when imported keeps ERR_SCRIPT_LOAD, whichever worker failed last (was: ERR_SETUP when it was not the first)', () => {
    const starts = new StartFailures({ fatalUntilReady: true });
    const loadError = new PrunError('ERR_SCRIPT_LOAD', 'script failed to load: x (task.ts:1)');
    assert.equal(starts.died(loadError, true), undefined);
    assert.equal(starts.died(loadError), loadError);
  });

  test('once one was ready: MAX_START_FAILURES deaths at start in a row end the run', () => {
    const starts = new StartFailures({ fatalUntilReady: true });
    assert.equal(starts.everReady, false);
    assert.equal(starts.ready(), 1);
    assert.equal(starts.everReady, true);
    for (let i = 1; i < MAX_START_FAILURES; i++) assert.equal(starts.died('cause'), undefined, `death ${i}`);
    const error = starts.died('exit code 3');
    assert.equal(error?.code, 'ERR_WORKER_START');
    assert.equal(error?.message, 'workers keep dying at start: exit code 3');
  });

  test('a worker that becomes ready between deaths starts the count again (regression: endless respawn)', () => {
    const starts = new StartFailures({ fatalUntilReady: true });
    starts.ready();
    for (let round = 0; round < 5; round++) {
      for (let i = 1; i < MAX_START_FAILURES; i++) assert.equal(starts.died('cause'), undefined);
      assert.equal(starts.ready(), round + 2, 'readies count replacements too');
    }
  });
});

describe('StartFailures, as shell lanes use it (counted from the first)', () => {
  test('lanes that never became ready end the run after MAX_START_FAILURES deaths, not at the first', () => {
    const starts = new StartFailures({ fatalUntilReady: false });
    for (let i = 1; i < MAX_START_FAILURES; i++) assert.equal(starts.died('sh: not found'), undefined);
    const error = starts.died('sh: not found');
    assert.equal(error?.code, 'ERR_WORKER_START');
    assert.equal(error?.message, 'workers keep dying at start: sh: not found');
  });
});
