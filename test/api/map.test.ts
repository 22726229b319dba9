import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { map, type Outcome, PrunError } from 'prunjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../helpers/files.js';
import { assertAllEnded } from '../helpers/processes.js';
import { goesQuiet } from '../helpers/streams.js';
import { root, runtimes } from '../helpers/prun.js';

const dir = scratchDir('api-map');

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
        { index: 0, input: 1, ok: true, result: 1 },
        { index: 1, input: 2, ok: true, result: 4 },
        { index: 2, input: 3, ok: true, result: 9 },
      ]);
    });

    test('object inputs reach the function as objects (a Date, a Map), and results come back as values', async () => {
      const orders = [
        { id: 1, placed: new Date(Date.UTC(2026, 0, 2)), lines: new Map([['tea', 3], ['cake', 4]]) },
        { id: 2, placed: new Date(Date.UTC(2026, 0, 3)), lines: new Map([['bread', 5]]) },
      ];
      const outcomes = await collect(map(orders, `${root}fixtures/value-input.ts`, { runtime, workers: 2, chunksize: 1 }));
      assert.deepEqual(
        outcomes.map((outcome) => outcome.ok && outcome.result),
        [
          { id: 1, placed: new Date(Date.UTC(2026, 0, 2)), total: 7, kind: 'object:true:true' },
          { id: 2, placed: new Date(Date.UTC(2026, 0, 3)), total: 5, kind: 'object:true:true' },
        ],
      );
      // the outcome gives back the very value it was made from
      outcomes.forEach((outcome, i) => assert.equal(outcome.input, orders[i]));
    });

    test('a failed object input is an outcome with that very object', async () => {
      const inputs = [{ id: 1, placed: new Date(0), lines: new Map() }, { id: 2 }];
      const [passed, failed] = await collect(map(inputs, `${root}fixtures/value-input.ts`, { runtime, workers: 1 }));
      assert.ok(passed?.ok);
      assert.ok(failed && !failed.ok);
      assert.equal(failed.input, inputs[1]);
      assert.equal(failed.error.name, 'TypeError');
    });

    for (const concurrency of [1, 3]) {
      test(`concurrency ${concurrency}: an input structured clone cannot carry ends the run with ERR_USAGE, after the outcomes before it`, { timeout: 180_000 }, async () => {
        // with several lanes, batches leave for the worker at the end of the turn, after submit() returned
        const seen: unknown[] = [];
        await assert.rejects(
          async () => {
            for await (const outcome of map([2, 3, { f: () => 1 }, 4], `${root}fixtures/square.ts`, { runtime, workers: 1, chunksize: 1, concurrency })) seen.push(outcome.input);
          },
          (error: Error & { code?: string }) => error instanceof PrunError && error.code === 'ERR_USAGE',
        );
        assert.deepEqual(seen, [2, 3]);
      });
    }

    test('an input that cannot be sent, batched with others, ends the inputs there: every one before it ends in an outcome (was: those batched with it lost, unsaid)', { timeout: 180_000 }, async () => {
      for (let run = 0; run < 3; run++) {
        async function* inputs() {
          yield* ['v0', 'v1', 'v2'];
          yield () => 1;
          yield 'after';
        }
        const seen: unknown[] = [];
        await assert.rejects(
          async () => {
            for await (const outcome of map(inputs(), `${root}fixtures/square.ts`, { runtime, workers: 2 })) seen.push(outcome.input);
          },
          (error: Error & { code?: string }) => error instanceof PrunError && error.code === 'ERR_USAGE',
        );
        assert.deepEqual(seen, ['v0', 'v1', 'v2']);
      }
    });

    test('the iterable throws: every input it gave first ends in an outcome, then the error is thrown (was: inputs running then killed, unreported)', { timeout: 180_000 }, async () => {
      const broke = new Error('source broke');
      function* inputs() {
        yield* Array.from({ length: 10 }, (_, i) => i);
        throw broke;
      }
      const seen: unknown[] = [];
      await assert.rejects(async () => {
        for await (const outcome of map(inputs(), `${root}fixtures/square.ts`, { runtime, workers: 2 })) seen.push(outcome.ok && outcome.result);
      }, broke);
      assert.deepEqual(seen, Array.from({ length: 10 }, (_, i) => i * i));
    });

    test('the iterable throws a value that is no Error: the loop throws that value itself (was: an Error made of it)', async () => {
      async function* inputs() {
        yield 2;
        throw 'source broke';
      }
      const seen: unknown[] = [];
      await assert.rejects(
        async () => {
          for await (const outcome of map(inputs(), `${root}fixtures/square.ts`, { runtime, workers: 1 })) seen.push(outcome.ok && outcome.result);
        },
        (thrown) => thrown === 'source broke',
      );
      assert.deepEqual(seen, [4]);
    });

    test('the script as a URL (new URL(..., import.meta.url)) and as a file:// string', async () => {
      const url = new URL('../../fixtures/square.ts', import.meta.url);
      for (const script of [url, url.href]) {
        const outcomes = await collect(map([4], script, { runtime, workers: 1 }));
        assert.deepEqual(outcomes, [{ index: 0, input: 4, ok: true, result: 16 }], String(script));
      }
    });

    test("timeout: '500ms' is read as the CLI reads it", async () => {
      const [outcome] = await collect(map(['x'], `${root}fixtures/until-aborted.ts`, { runtime, workers: 1, timeout: '500ms' }));
      assert.ok(outcome && !outcome.ok);
      assert.equal(outcome.error.code, 'ERR_TIMEOUT');
      assert.equal(outcome.error.timeoutMs, 500);
    });

    test('a result structured clone cannot carry, among tasks of a few ms, fails its input ERR_UNWRITABLE_RESULT and no other (was: the worker died of it under processes, ERR_WORKER_EXIT)', async () => {
      const inputs = ['a', 'b', 'c', 'd', 'e', 'function', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n'];
      const outcomes = await collect(map(inputs, `${root}fixtures/late-results.ts`, { runtime, workers: 1 }));
      assert.deepEqual(
        outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.error.code)),
        inputs.map((input) => (input === 'function' ? 'ERR_UNWRITABLE_RESULT' : 'ok')),
      );
    });

    test("the library prints nothing of its own: a worker that dies between inputs is replaced in silence (was: a prun: line on the program's stderr)", async () => {
      const program = `import { map } from 'prunjs';
async function* inputs() { yield 'exit-later:6'; await new Promise((resolve) => setTimeout(resolve, 500)); yield 'b'; }
const ok = [];
for await (const outcome of map(inputs(), ${JSON.stringify(`${root}fixtures/faults.ts`)}, { runtime: '${runtime}', workers: 1 })) ok.push(outcome.ok);
console.log(JSON.stringify(ok));`;
      const result = await execa(process.execPath, ['--input-type=module', '-e', program], { cwd: root, reject: false });
      assert.equal(result.stdout, '[true,true]', result.stderr);
      assert.equal(result.stderr, '');
    });

    test("the library prints nothing of its own: a teardown() that throws is not said on the program's stderr (was: a prun: line from each worker)", async () => {
      const program = `import { map } from 'prunjs';
for await (const outcome of map(['a', 'b'], ${JSON.stringify(`${root}fixtures/teardown-throws.ts`)}, { runtime: '${runtime}', workers: 2 })) console.log(outcome.ok);`;
      const result = await execa(process.execPath, ['--input-type=module', '-e', program], { cwd: root, reject: false });
      assert.equal(result.stdout, 'true\ntrue', result.stderr);
      assert.equal(result.stderr, '');
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

    test("a failed input's stack names the user's .ts file and line, not the compiled copy", async () => {
      const [failed] = await collect(map([1], `${root}fixtures/fail-on-odd.ts`, { runtime, workers: 1 }));
      assert.ok(failed && !failed.ok);
      const frame = failed.error.stack?.split('\n').find((line) => line.trimStart().startsWith('at '));
      assert.match(frame ?? '', new RegExp(`\\(${root}fixtures/fail-on-odd\\.ts:3:\\d+\\)$`), failed.error.stack);
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

    test("a break stops the workers even when the inputs' own finally throws, and the program ends (was: they ran on, and it never ended: a review)", async () => {
      const program = `import { map } from 'prunjs';
function* inputs() { try { for (let i = 0; ; i++) yield String(i); } finally { throw new Error('cleanup failed'); } }
for await (const outcome of map(inputs(), ${JSON.stringify(`${root}fixtures/square.ts`)}, { runtime: '${runtime}', workers: 2 })) break;
console.log('ended');`;
      const result = await execa(process.execPath, ['--input-type=module', '-e', program], { cwd: root, reject: false, timeout: 30_000 });
      assert.equal(result.timedOut, false, 'the program did not end');
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stdout, 'ended');
    });

    test('regression: an aborted signal ends a next() that waits on an input that never comes, with a task running that ignores its signal: it throws the reason once the workers and what they started are gone (was: nothing could cancel it, return() waited for ever)', { timeout: 60_000 }, async () => {
      const pids = join(dir, `abort-${runtime}.pids`);
      writeFileSync(pids, '');
      const { inputs, given } = goesQuiet('first', 'hang');
      const controller = new AbortController();
      process.env.PRUN_TEST_PIDS = pids;
      try {
        const outcomes = map(inputs, `${root}fixtures/setup-child.ts`, { runtime, workers: 2, chunksize: 1, signal: controller.signal });
        assert.deepEqual(await outcomes.next(), { done: false, value: { index: 0, input: 'first', ok: true, result: 'first' } });
        const waiting = outcomes.next();
        await given;
        controller.abort();
        await assert.rejects(waiting, { name: 'AbortError' });
        assert.deepEqual(await outcomes.next(), { done: true, value: undefined });
      } finally {
        delete process.env.PRUN_TEST_PIDS;
      }
      const recorded = readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number);
      // a sleep of the worker that ran 'hang' at least (a worker thread's pid is this process's own)
      assert.ok(recorded.some((pid) => pid !== process.pid), `pids: ${recorded}`);
      await assertAllEnded(recorded.filter((pid) => pid !== process.pid));
    });

    test('regression: no outcome comes after the abort, not even the rest of a batch taken before it (was: hundreds)', async () => {
      const controller = new AbortController();
      let taken = 0;
      let afterAbort = 0;
      const outcomes = map((function* () { for (let i = 0; i < 200_000; i++) yield i; })(), `${root}fixtures/square.ts`, { runtime, workers: 2, signal: controller.signal });
      await assert.rejects(async () => {
        for await (const _outcome of outcomes) {
          if (controller.signal.aborted) afterAbort++;
          if (++taken === 1000) controller.abort();
        }
      }, { name: 'AbortError' });
      assert.equal(afterAbort, 0);
    });

    test('a signal aborted before the first pull starts nothing: the script is not even loaded', async () => {
      const reason = new Error('cancelled by the caller');
      await assert.rejects(collect(map(['1'], `${root}fixtures/no-default.ts`, { runtime, signal: AbortSignal.abort(reason) })), (error) => error === reason);
    });

    test('a signal never aborted, or null (as fetch takes it), changes nothing', async () => {
      for (const signal of [new AbortController().signal, null]) {
        const outcomes = await collect(map([1, 2, 3], `${root}fixtures/square.ts`, { runtime, workers: 2, signal }));
        assert.deepEqual(outcomes.map((outcome) => outcome.ok && outcome.result), [1, 4, 9]);
      }
    });

    test('rejects a script that cannot load with a PrunError code', async () => {
      await assert.rejects(collect(map(['1'], `${root}fixtures/no-default.ts`, { runtime })), { code: 'ERR_SCRIPT' });
    });
  });
}

test('validates options, naming the option and the value', () => {
  assert.throws(() => map(['1'], `${root}fixtures/square.ts`, { workers: 0 }), /workers must be a whole number/);
});

describe('a bad argument throws PrunError ERR_USAGE at the call, never a raw TypeError', () => {
  const square = `${root}fixtures/square.ts`;
  const cases: [string, () => unknown][] = [
    ['a number as script', () => map([1], 42 as unknown as string)],
    ['an http URL as script', () => map([1], new URL('https://example.com/task.ts'))],
    ['negative workers', () => map([1], square, { workers: -2 })],
    ['an unknown runtime', () => map([1], square, { runtime: 'green' as 'thread' })],
    ["a timeout of 'abc'", () => map([1], square, { timeout: 'abc' })],
    ['a negative timeout', () => map([1], square, { timeout: -5 })],
    ['a halt that is not a string', () => map([1], square, { halt: 1 as unknown as string })],
    ['ordered that is not a boolean', () => map([1], square, { ordered: 'no' as unknown as boolean })],
    ['options that are not an object', () => map([1], square, 5 as unknown as object)],
    ['inputs that are not iterable', () => map(7 as unknown as number[], square)],
    ['a string as inputs', () => map('abc' as unknown as string[], square)],
    // was: run with the defaults, the typo unnoticed
    ['an option it does not take (a typo)', () => map([1], square, { wrokers: 2 } as object)],
    ['a signal that is no AbortSignal', () => map([1], square, { signal: new AbortController() as unknown as AbortSignal })],
  ];
  for (const [name, call] of cases) {
    test(name, () => {
      assert.throws(call, (error: Error & { code?: string }) => error instanceof PrunError && error.code === 'ERR_USAGE');
    });
  }

  test('its message names the option as the library spells it, not as the CLI does', () => {
    assert.throws(() => map([1], square, { halt: 'bogus' }), /^PrunError: halt must be like/);
    assert.throws(() => map([1], square, { timeout: 'abc' }), /^PrunError: timeout must be/);
    assert.throws(() => map([1], square, { wrokers: 2 } as object), /^PrunError: unknown option "wrokers"; the options are runtime, workers,/);
    // every option it takes, given as undefined, is taken as absent
    assert.doesNotThrow(() => void map([1], square, { signal: undefined } as object).return(undefined));
    // the value as it was (was: NaN written as JSON's null)
    assert.throws(() => map([1], square, { timeout: Number.NaN }), /got NaN$/);
  });
});

describe('halt (was: the loop ended as if every input had run, those after the halt with no outcome)', () => {
  for (const runtime of ['process', 'thread'] as const) {
    test(`${runtime}: the outcomes of what ran, then PrunError ERR_HALTED naming the inputs taken that never ran`, { timeout: 180_000 }, async () => {
      const seen: string[] = [];
      const loop = async () => {
        const inputs = ['a', 'b', 'throw', 'c', 'd', 'e'];
        for await (const outcome of map(inputs, `${root}fixtures/faults.ts`, { runtime, workers: 1, chunksize: 1, halt: 'soon,fail=1' })) {
          seen.push(`${outcome.input}:${outcome.ok}`);
        }
      };
      await assert.rejects(loop, (error: Error & { code?: string }) => error instanceof PrunError && error.code === 'ERR_HALTED');
      assert.deepEqual(seen.slice(0, 3), ['a:true', 'b:true', 'throw:false']);
      assert.ok(seen.length < 6, seen.join(' '));
    });
  }

});
