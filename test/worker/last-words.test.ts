import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ends } from '../../src/worker/last-words.js';

test('a kill of itself says last words only for a signal that ends it: not a probe (0), not one that stops or is ignored, not one it listens for (was: a message every input of a liveness probe)', () => {
  assert.equal(ends(0), false);
  assert.equal(ends('SIGCONT'), false);
  assert.equal(ends('SIGSTOP'), false);
  assert.equal(ends('SIGKILL'), true);
  assert.equal(ends(9), true);
  assert.equal(ends('SIGUSR2'), true);
  const handler = (): void => {};
  process.on('SIGUSR2', handler);
  try {
    assert.equal(ends('SIGUSR2'), false);
  } finally {
    process.off('SIGUSR2', handler);
  }
});
