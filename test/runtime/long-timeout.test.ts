import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { prun, runtimes } from '../helpers/prun.js';
import { MAX_TIMEOUT_MS, setLongTimeout } from '../../src/runtime/long-timeout.js';

describe('setLongTimeout', () => {
  test('waits past 2^31-1 ms in steps, and fires once, at the end', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let fired = 0;
      setLongTimeout(() => fired++, 2 * MAX_TIMEOUT_MS + 5);
      mock.timers.tick(MAX_TIMEOUT_MS);
      mock.timers.tick(MAX_TIMEOUT_MS);
      assert.equal(fired, 0);
      mock.timers.tick(5);
      assert.equal(fired, 1);
      mock.timers.tick(MAX_TIMEOUT_MS);
      assert.equal(fired, 1);
    } finally {
      mock.timers.reset();
    }
  });

  test('clear() disarms it between steps', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let fired = 0;
      const timer = setLongTimeout(() => fired++, MAX_TIMEOUT_MS + 5);
      mock.timers.tick(MAX_TIMEOUT_MS);
      timer.clear();
      mock.timers.tick(10);
      assert.equal(fired, 0);
    } finally {
      mock.timers.reset();
    }
  });

  test('a real timer past 2^31-1 ms neither fires early nor warns', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warning.name === 'TimeoutOverflowWarning' && warnings.push(warning);
    process.on('warning', onWarning);
    let fired = false;
    const timer = setLongTimeout(() => {
      fired = true;
    }, MAX_TIMEOUT_MS + 1);
    // setTimeout's overflow fires after 1 ms: a 20 ms timer armed later always fires after it
    await new Promise((resolve) => setTimeout(resolve, 20));
    timer.clear();
    process.off('warning', onWarning);
    assert.equal(fired, false);
    assert.deepEqual(warnings, []);
  });
});

describe('--timeout 1000h times every task out after 1 ms (TimeoutOverflowWarning)', () => {
  for (const runtime of runtimes) {
    test(`map ${runtime}: quick tasks succeed, nothing on stderr`, async () => {
      const result = await prun(['map', 'fixtures/square.ts', runtime, '2', '--timeout', '1000h', ':::', '1', '2', '3']);
      assert.equal(result.stderr, '');
      assert.equal(result.exitCode, 0);
      assert.equal(result.stdout, '1\n4\n9');
    });
  }

  test('exec: quick jobs succeed, nothing on stderr', async () => {
    const result = await prun(['exec', '-j', '2', '--timeout', '1000h', 'echo {}', ':::', 'a', 'b', 'c']);
    assert.equal(result.stderr, '');
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, 'a\nb\nc');
  });
});
