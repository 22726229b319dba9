// The thread started ahead is chosen from the command line before commander reads it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { concurrencyAsked, joblogAsked } from '../../src/cli/prestart.js';

describe('prestart', () => {
  test('reads --concurrency in both forms, the last one counting', () => {
    assert.equal(concurrencyAsked(['map', 'f.ts', '--threads', '4', '--concurrency', '25']), 25);
    assert.equal(concurrencyAsked(['map', 'f.ts', '--concurrency=25', '--concurrency', '1']), 1);
    assert.equal(concurrencyAsked(['map', 'f.ts', '--concurrency', '1', '--concurrency=8']), 8);
  });

  test('guesses one task at a time when it cannot tell', () => {
    assert.equal(concurrencyAsked(['map', 'f.ts', '--threads', '2']), 1);
    assert.equal(concurrencyAsked(['map', 'f.ts', '--concurrency']), 1);
    assert.equal(concurrencyAsked(['map', 'f.ts', '--concurrency', 'many']), 1);
  });

  test('tells whether --joblog is asked, in both forms', () => {
    assert.equal(joblogAsked(['map', 'f.ts', '--threads', '--joblog', 'j']), true);
    assert.equal(joblogAsked(['map', 'f.ts', '--threads', '--joblog=j']), true);
    assert.equal(joblogAsked(['map', 'f.ts', '--threads', '--resume']), false);
  });
});
