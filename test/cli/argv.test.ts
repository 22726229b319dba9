import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PrunError } from '../../src/errors.js';
import { prepareArgv, rejectOptionsAmongInputs } from '../../src/cli/argv.js';
import { lines, prun } from '../helpers/prun.js';
import { splitArgGroups } from '../../src/io/arg-groups.js';

const OPTIONS = new Set(['--json', '-j', '--jobs', '--procs', '--threads']);

describe('options where people put them', () => {
  test('a word after ::: that is one of prun\'s options is a usage error', () => {
    // a short option with its value, or others, joined on (was: -j2 and -kj2 ran as inputs)
    for (const word of ['--json', '-j', '--jobs=4', '-j2', '-jk']) {
      assert.throws(
        () => prepareArgv(['map', 's.ts', ':::', '1', word, '2'], OPTIONS),
        (error: unknown) => error instanceof PrunError && error.code === 'ERR_USAGE' && error.message.includes("before :::"),
        word,
      );
    }
    assert.throws(() => rejectOptionsAmongInputs([{ file: '--json' }], OPTIONS), /before ::::/);
  });

  test('other words after ::: are inputs, dashes and all', () => {
    const { sources } = prepareArgv(['map', 's.ts', ':::', '-', '-5', '--unknown', '-la', 'a'], OPTIONS);
    assert.deepEqual(sources, [{ values: ['-', '-5', '--unknown', '-la', 'a'] }]);
  });

  test('--threads takes the next word as its count unless it is an option or a file', () => {
    assert.deepEqual(prepareArgv(['map', 's.ts', '--threads', 'four'], OPTIONS).argv, ['map', 's.ts', '--threads', 'four']);
    assert.deepEqual(prepareArgv(['map', 's.ts', '--threads', '4'], OPTIONS).argv, ['map', 's.ts', '--threads', '4']);
    // not a whole number, for its error to name --threads (was: read as an INPUT named 1.5)
    assert.deepEqual(prepareArgv(['map', 's.ts', '--threads', '1.5'], OPTIONS).argv, ['map', 's.ts', '--threads', '1.5']);
    // a wrong count, for its error to name --threads (was: unknown option '-1')
    assert.deepEqual(prepareArgv(['map', 's.ts', '--threads', '-1'], OPTIONS).argv, ['map', 's.ts', '--threads=-1']);
    assert.deepEqual(prepareArgv(['map', '--threads', 's.ts'], OPTIONS).argv, ['map', '--threads=', 's.ts']);
    assert.deepEqual(prepareArgv(['map', 's.ts', '--procs', '--json'], OPTIONS).argv, ['map', 's.ts', '--procs=', '--json']);
    assert.deepEqual(prepareArgv(['map', 's.ts', '--procs'], OPTIONS).argv, ['map', 's.ts', '--procs=']);
  });

  test('prun map ... ::: 1 --json exits 2 with one line that says where options go', async () => {
    const result = await prun(['map', 'fixtures/square.ts', ':::', '1', '--json']);
    assert.equal(result.exitCode, 2);
    assert.equal(result.stdout, '');
    assert.equal(lines(result.stderr).length, 1);
    assert.match(String(result.stderr), /^prun: --json after ::: is one of prun's options.*put prun's options before :::/);
  });

  test('exec --arg-sep and --arg-file-sep: an option after the respelled marker is refused as after ::: (exit 2, one line naming the marker) (was: -j and 2 ran as inputs)', async () => {
    for (const [args, said] of [
      [['exec', '--arg-sep', ',,,', 'echo', ',,,', 'a', '-j', '2'], /^prun: -j after ,,, is one of prun's options.*put prun's options before ,,,/],
      [['exec', '--arg-file-sep', ',,,,', 'echo', ',,,,', 'fixtures/numbers.txt', '--tag'], /^prun: --tag after ,,,, is one of prun's options.*in a file \(,,,, FILE\)/],
      // as typed, a linked source's `+` too
      [['exec', '--arg-sep', ',,,', 'echo', ',,,', 'a', ',,,+', 'b', '-j', '2'], /^prun: -j after ,,,\+ is one of prun's options/],
    ] as const) {
      const result = await prun(args);
      assert.equal(result.exitCode, 2, String(result.stderr));
      assert.equal(result.stdout, '');
      assert.equal(lines(result.stderr).length, 1, String(result.stderr));
      assert.match(String(result.stderr), said);
    }
  });

  test('exec --arg-sep: a `:::` is a word like any other, and what follows it too, as in GNU parallel (was: refused as if it were the marker)', async () => {
    const result = await prun(['exec', '--arg-sep', ',,,', 'echo', ':::', '-j', ',,,', 'a']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(String(result.stdout), '::: -j a');
  });

  test("exec: a command's own word --arg-sep is the command's: it neither turns the refusal off nor takes ::: as its value (was: -j ran as an input; ::: swallowed and stdin read)", async () => {
    const refused = await prun(['exec', 'echo', '--arg-sep', 'x', ':::', 'a', '-j', '2']);
    assert.equal(refused.exitCode, 2, String(refused.stderr));
    assert.match(String(refused.stderr), /^prun: -j after ::: is one of prun's options/);
    const ran = await prun(['exec', 'echo', '--arg-sep', ':::', 'a', 'b']);
    assert.equal(ran.exitCode, 0, String(ran.stderr));
    assert.deepEqual(lines(ran.stdout), ['--arg-sep a', '--arg-sep b']);
  });

  test('--threads four is a usage error naming --threads, not an unreadable INPUT four', async () => {
    const result = await prun(['map', 'fixtures/square.ts', '--threads', 'four']);
    assert.equal(result.exitCode, 2);
    assert.match(String(result.stderr), /^prun: --threads .*"four"/);
    assert.doesNotMatch(String(result.stderr), /INPUT/);
  });
});

test("--arg-file-sep ::: takes ::: as its value, and the files' marker wins over the values' it respells, as GNU parallel (was: 'argument missing')", () => {
  const prepared = prepareArgv(['exec', '--arg-file-sep', ':::', 'echo', ':::', 'nums.txt']);
  // split at the usual markers first; prun exec splits again at the respelled ones
  assert.deepEqual(prepared.argv, ['exec', '--arg-file-sep', ':::', 'echo']);
  // a command's own --arg-sep is its word, as typed (was: rewritten --arg-sep=x)
  assert.deepEqual(prepareArgv(['exec', 'printf', '%s', '--arg-sep', 'x', ':::', 'a']).argv, ['exec', 'printf', '%s', '--arg-sep', 'x']);
  assert.deepEqual(splitArgGroups(['echo', ':::', 'nums.txt'], { values: ':::', files: ':::' }).sources, [{ file: 'nums.txt' }]);
});

test("an optional-value flag the command does not have is left as typed, for commander to name (was: `map --max-lines` said '--max-lines=1')", () => {
  assert.deepEqual(prepareArgv(['map', 's.ts', '--max-lines'], OPTIONS).argv, ['map', 's.ts', '--max-lines']);
});
