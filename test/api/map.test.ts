import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { map, type Outcome } from 'prunjs';
import { root, runtimes } from '../helpers/prun.js';

const runtimeOf = { '--procs': 'process', '--threads': 'thread' } as const;

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

for (const flag of runtimes) {
  const runtime = runtimeOf[flag];
  describe(`map() with runtime '${runtime}'`, () => {
    test('yields each outcome with its index and input, in order, values as they are', async () => {
      const outcomes = await collect(map([1, 2, 3], `${root}fixtures/square.ts`, { runtime, workers: 2 }));
      assert.deepEqual(outcomes, [
        { index: 0, input: '1', ok: true, result: 1 },
        { index: 1, input: '2', ok: true, result: 4 },
        { index: 2, input: '3', ok: true, result: 9 },
      ]);
    });

    test('a failed input is an outcome with its error, not a throw', async () => {
      const outcomes: Outcome[] = await collect(map(['1', '2'], `${root}fixtures/fail-on-odd.ts`, { runtime, workers: 1 }));
      assert.equal(outcomes.length, 2);
      const [failed, passed] = outcomes;
      assert.ok(failed && !failed.ok);
      assert.equal(failed.error.message, 'odd input 1');
      assert.equal(failed.attempts, 1);
      assert.deepEqual(passed, { index: 1, input: '2', ok: true, result: 'ok 2' });
    });

    test('pulls an endless async iterable lazily, and stops when the caller breaks', async () => {
      let pulled = 0;
      async function* endless() {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      }
      const seen: unknown[] = [];
      // a fixed batch size fixes the window: 4 batches for each of the 4 a pool of 2 holds,
      // 160 inputs ahead of the consumer at most, however fast or slow the machine
      for await (const outcome of map(endless(), `${root}fixtures/square.ts`, { runtime, workers: 2, chunksize: 10 })) {
        if (outcome.ok) seen.push(outcome.result);
        if (seen.length === 5) break;
      }
      assert.deepEqual(seen, [0, 1, 4, 9, 16]);
      assert.ok(pulled <= 200, `pulled ${pulled} inputs for 5 results`);
    });

    test('rejects a script that cannot load with a PrunError code', async () => {
      await assert.rejects(collect(map(['1'], `${root}fixtures/no-default.ts`, { runtime })), { code: 'ERR_SCRIPT' });
    });
  });
}

test('validates options, naming the option and the value', () => {
  assert.throws(() => map(['1'], `${root}fixtures/square.ts`, { workers: 0 }), /workers must be a whole number/);
});
