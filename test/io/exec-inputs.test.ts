import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ArgSource } from '../../src/io/arg-groups.js';
import { openExecInputs, type ExecInputOptions } from '../../src/io/exec-inputs.js';
import type { InputSource } from '../../src/io/input-source.js';

const NEWLINE = 10;

async function takeAll(source: InputSource): Promise<string[]> {
  const all: string[] = [];
  for (let slice = await source.take(2, Number.POSITIVE_INFINITY); slice; slice = await source.take(2, Number.POSITIVE_INFINITY)) {
    all.push(...(slice.payload as string[]));
  }
  return all;
}

const values = (...items: string[]): ArgSource => ({ values: items });
const linked = (...items: string[]): ArgSource => ({ values: items, linked: true });

/** The length of `echo ARGS...`, as a job's command line would be. */
const echoLength = (args: readonly string[]): number => ['echo', ...args].join(' ').length;

describe('openExecInputs: how many jobs, known before the first is taken (the progress bar shows it)', () => {
  const cases: [string, ArgSource[], Partial<ExecInputOptions>, string[][]][] = [
    ['::: 1 2 3 :::+ a b c', [values('1', '2', '3'), linked('a', 'b', 'c')], {}, [['1', 'a'], ['2', 'b'], ['3', 'c']]],
    [':::+ cuts to the shortest', [values('1', '2', '3'), linked('a', 'b')], {}, [['1', 'a'], ['2', 'b']]],
    ['--link wraps the shorter around', [values('1', '2', '3'), values('a', 'b')], { link: true }, [['1', 'a'], ['2', 'b'], ['3', 'a']]],
    ['::: 1 2 ::: a b ::: (an empty source is one empty value)', [values('1', '2'), values('a', 'b'), values()], { noRunIfEmpty: false }, [['1', 'a', ''], ['1', 'b', ''], ['2', 'a', ''], ['2', 'b', '']]],
    ['-N2 over combined sources', [values('1', '2', '3'), values('x')], { maxArgs: 2 }, [['1', 'x', '2', 'x'], ['3', 'x']]],
    ['-N0 over combined sources', [values('1', '2'), values('x')], { maxArgs: 0 }, [[], []]],
    ['-X spread over 2 slots', [values('1', '2', '3', '4')], { fill: { spread: 2, maxChars: 1000, lineLength: echoLength } }, [['1', '2'], ['3', '4']]],
    // GNU parallel: `seq 12 | parallel -s 12 -X echo` runs echo 1 2 3 (10 characters, and its end)
    ['-s 12: at most 12 characters a line, its end counted', [values(...Array.from({ length: 7 }, (_, i) => String(i + 1)))], { fill: { spread: undefined, maxChars: 12, lineLength: echoLength } }, [['1', '2', '3'], ['4', '5', '6'], ['7']]],
    ['-N2 over one ::: source', [values('1', '2', '3', '4', '5')], { maxArgs: 2 }, [['1', '2'], ['3', '4'], ['5']]],
    ['--colsep over one ::: source', [values('a,b', 'c,d')], { colsep: /,/ }, [['a', 'b'], ['c', 'd']]],
    ['--header over one ::: source', [values('h', 'x', 'y')], { header: true }, [['x'], ['y']]],
    // counted all the same (was: not joined; joined as read, not counted, and 7x slower)
    ['-L 1 joins ::: values that end in a blank, as GNU parallel', [values('a ', 'b', 'c ', '', 'd', 'e')], { maxArgs: 1, continueLines: true }, [['a b'], ['c d'], ['e']]],
    ['-r and -E over one ::: source: what is left is counted', [values('a', ' ', 'b', 'END', 'c')], { noRunIfEmpty: true, eof: 'END' }, [['a'], ['b']]],
  ];
  for (const [name, sources, options, jobs] of cases) {
    test(name, async () => {
      const inputs = await openExecInputs(sources, { separator: NEWLINE, ...options });
      assert.equal(inputs.source.remaining(), jobs.length);
      const taken = await takeAll(inputs.source);
      assert.deepEqual(taken.map((job) => (job === '' ? [] : job.split('\0'))), jobs);
      assert.equal(inputs.source.remaining(), 0);
    });
  }

  test('a line of 200,000 columns, as a --header and as a job of -N 1 (was: Maximum call stack size exceeded)', async () => {
    const wide = Array.from({ length: 200_000 }, (_, i) => String(i));
    for (const options of [{ header: true }, { maxArgs: 1 }]) {
      const inputs = await openExecInputs([values(wide.join(','), wide.join(','))], { separator: NEWLINE, colsep: /,/, ...options });
      const taken = await takeAll(inputs.source);
      assert.equal(taken.length, options.header ? 1 : 2);
      assert.deepEqual(taken[0]!.split('\0'), wide);
      if (options.header) assert.equal(inputs.header.length, wide.length);
    }
  });

  test('--shuf -N 2: the inputs are shuffled, then grouped, as GNU parallel does (was: the jobs, 1 always paired with 2)', async (t) => {
    // with a random of 0, each input in turn swaps with the first: 1..6 become 2 3 4 5 6 1
    t.mock.method(Math, 'random', () => 0);
    const inputs = await openExecInputs([values('1', '2', '3', '4', '5', '6')], { separator: NEWLINE, shuf: true, maxArgs: 2 });
    assert.equal(inputs.source.remaining(), 3);
    assert.deepEqual((await takeAll(inputs.source)).map((job) => job.split('\0')), [['2', '3'], ['4', '5'], ['6', '1']]);
  });

  test('--shuf: every job once, however many', async () => {
    const inputs = await openExecInputs([values('1', '2', '3'), values('a', 'b')], { separator: NEWLINE, shuf: true });
    assert.equal(inputs.source.remaining(), 6);
    assert.deepEqual((await takeAll(inputs.source)).sort(), ['1\0a', '1\0b', '2\0a', '2\0b', '3\0a', '3\0b']);
  });
});
