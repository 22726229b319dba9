import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parallelEnvWords } from '../../src/cli/parallel-env.js';

test("$PARALLEL is split at blanks a backslash does not escape, as GNU parallel reads it", () => {
  assert.deepEqual(parallelEnvWords(undefined), []);
  assert.deepEqual(parallelEnvWords('  '), []);
  assert.deepEqual(parallelEnvWords('-j2  --tag\t-k'), ['-j2', '--tag', '-k']);
  assert.deepEqual(parallelEnvWords('--tagstring a\\ b --colsep \\\\t'), ['--tagstring', 'a b', '--colsep', '\\t']);
});

test('regression: quotes in $PARALLEL group words and are dropped, as Text::ParseWords::shellwords does for GNU parallel (was: split at blanks only, `"x` and `y"`)', () => {
  // each pair: what `PARALLEL=... parallel echo ::: 1` took as its words (GNU parallel 20221122)
  const cases: [string, string[]][] = [
    ['--tagstring "x y"', ['--tagstring', 'x y']],
    ["--tagstring 'x y'", ['--tagstring', 'x y']],
    ["--colsep ','", ['--colsep', ',']],
    ['--tagstring "a\\b"', ['--tagstring', 'ab']],
    ["--tagstring 'a\\b'", ['--tagstring', 'a\\b']],
    ["--tagstring 'a\\'b'", ['--tagstring', "a\\'b"]],
    ['--tagstring a"b c"d', ['--tagstring', 'ab cd']],
    ['--tagstring "$HOME"', ['--tagstring', '$HOME']],
    ["--tagstring ''", ['--tagstring', '']],
    // Perl's \s is not JavaScript's: a no-break space is part of a word (was: it split it)
    ['--tagstring a\u00a0b\u3000c', ['--tagstring', 'a\u00a0b\u3000c']],
    ['-k\v--tag\f-j1', ['-k', '--tag', '-j1']],
  ];
  for (const [value, words] of cases) assert.deepEqual(parallelEnvWords(value), words, value);
});

test('a quote never closed, or a backslash at the end, is refused with ERR_USAGE (GNU parallel drops every default in silence)', () => {
  for (const value of ['--tagstring "x', "--tag 'x", '--tag \\']) {
    assert.throws(() => parallelEnvWords(value), { code: 'ERR_USAGE' }, value);
  }
});
