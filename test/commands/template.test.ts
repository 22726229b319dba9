// The rendered commands are run with the real /bin/sh and compared with what
// the real GNU parallel prints for the same template and inputs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileTemplate, markCommandStart, type Job, type TemplateOptions } from '../../src/commands/template.js';
import { PrunError } from '../../src/errors.js';
import { combinations } from '../../src/io/arg-groups.js';
import { gnuParallel } from '../helpers/gnu-parallel.js';

const { MAX_STRING_LENGTH } = constants;

const TRICKY_INPUTS = [
  'a.tar.gz', 'b/c.txt', '/abs/x.y/z', '.hidden', 'dir/', 'no_ext', 'sp ace.txt',
  '$(touch pwned)', '`touch pwned`', 'a; rm -rf x', "it's", '"dq"', '*', '',
  'dir.x/file', 'a//b', '/', '.', '..', 'a/..', 'x.', '-n', '~', 'FOO=bar', '\\n',
  'tab\there', 'é.txt', 'line1\nline2', 'p/q.r\n', 'a.b\nc/d', '\n/', 'cr\r/x.y', 'ls\u2028/z.w',
];

// One line per value, brackets showing empty values and stray whitespace.
const SHOW = "printf '[%s]\\n'";
const TEMPLATES = [
  `${SHOW} {}`, `${SHOW} {.}`, `${SHOW} {/}`, `${SHOW} {//}`, `${SHOW} {/.}`,
  `${SHOW} {#} {%}`,
  `${SHOW} {1}`, `${SHOW} {1.}`, `${SHOW} {1/}`, `${SHOW} {1//}`, `${SHOW} {1/.}`,
  `${SHOW} {01} {1 } {1 /.}`,
  SHOW, // no replacement string: the input is appended
  `printf '<%s>' x{}y{.}z{/}; echo`, // replacement strings inside one word
  `printf '<%s>' {2} {1} {3/}; echo`, // past the last argument: the word vanishes
  `${SHOW} {foo} { } '{print $1}' {{}} {0x} \${#x}`, // braces that are not replacement strings
  `printf '%s\\n' {} | awk '{print $1}'`,
];

const workDir = mkdtempSync(join(tmpdir(), 'prun-template-'));
after(() => rmSync(workDir, { recursive: true, force: true }));
// Canaries: `rm -rf x` would remove x, and an unquoted `*` would expand to them.
mkdirSync(join(workDir, 'x'));
writeFileSync(join(workDir, 'canary'), '');

/** GNU parallel with -j1, which makes {%} always 1. */
function gnuParallelHere(args: string[], input?: string): string {
  return gnuParallel(['-j1', ...args], { cwd: workDir, input });
}

function prun(template: string, argsPerJob: Iterable<readonly string[]>, options: TemplateOptions = {}): string {
  const compiled = compileTemplate(template, true, options);
  let out = '';
  let seq = 0;
  for (const args of argsPerJob) {
    const job: Job = { args, seq: ++seq, slot: 1 };
    out += execFileSync('/bin/sh', ['-c', compiled.render(job)], { cwd: workDir, encoding: 'utf8' });
  }
  return out;
}

function assertNothingInjected(): void {
  assert.equal(existsSync(join(workDir, 'pwned')), false, 'an input was executed as shell code');
  assert.equal(existsSync(join(workDir, 'x')), true, 'an input ran `rm -rf x`');
}

for (const template of TEMPLATES) {
  test(`one input per job matches GNU parallel: ${template}`, () => {
    // -0 so that inputs may contain newlines, as prun's own -0 allows.
    const expected = gnuParallelHere(['-0', template], TRICKY_INPUTS.map((input) => `${input}\0`).join(''));
    assert.equal(prun(template, TRICKY_INPUTS.map((input) => [input])), expected);
    assertNothingInjected();
  });
}

test('several ::: groups match GNU parallel, in its order', () => {
  const groups = [
    ['a.tar.gz', 'sp ace.txt', '$(touch pwned)'],
    ['b/c.txt', "it's", ''],
    ['*', 'dir/'],
  ];
  const markers = groups.flatMap((group) => [':::', ...group]);
  for (const template of [`${SHOW} {}`, `${SHOW} {.} {/} {//} {/.}`, `${SHOW} {3} {2.} {1/.} {4} {#}`, SHOW]) {
    assert.equal(prun(template, combinations(groups)), gnuParallelHere([template, ...markers]), template);
  }
  assertNothingInjected();
});

test('injected shell in any replacement string is never executed', () => {
  const attacks = [
    '$(touch pwned)', '`touch pwned`', 'a; touch pwned', 'a && touch pwned', 'a | touch pwned',
    "'; touch pwned; '", '"; touch pwned; "', '\ntouch pwned', '$(touch${IFS}pwned)', 'a\\',
  ];
  const compiled = compileTemplate(': {} {.} {/} {//} {/.} {1} {1.} {1/} {1//} {1/.}');
  for (const attack of attacks) {
    execFileSync('/bin/sh', ['-c', compiled.render({ args: [attack], seq: 1, slot: 1 })], { cwd: workDir });
  }
  assertNothingInjected();
});

test('without a replacement string the input is appended as the last word', () => {
  const compiled = compileTemplate('echo');
  assert.equal(compiled.render({ args: ['a b', 'c'], seq: 1, slot: 1 }), "echo 'a b' c");
  assert.equal(compiled.usesArgs, true);
});

test('usesArgs is false when only {#} and {%} are used', () => {
  const compiled = compileTemplate('echo {#} {%}');
  assert.equal(compiled.usesArgs, false);
  assert.equal(compiled.render({ args: ['ignored'], seq: 7, slot: 3 }), 'echo 7 3');
});

test('--plus forms match GNU parallel --plus: {+/} {+.} {+..} {..} {...} {/..} {/...}', () => {
  const template = `${SHOW} {+/} {+.} {+..} {..} {...} {/..} {/...} {-1}`;
  const inputs = ['a/b.c.d.e', 'x.tar.gz', 'noext', 'dir/f.x', '.hidden'];
  const jobs = inputs.map((input) => [input]);
  assert.equal(prun(template, jobs, { plus: true }), gnuParallelHere(['--plus', template, ':::', ...inputs]));
});

test('--plus {0#}: the job number padded to the width of the number of jobs, as GNU parallel', () => {
  const compiled = compileTemplate('echo {0#}', true, { plus: true, total: 120 });
  assert.deepEqual([1, 12, 120].map((seq) => compiled.render({ args: ['x'], seq, slot: 1 })), ['echo 001', 'echo 012', 'echo 120']);
});

test('--plus forms with a parameter are replaced, of every value or of one, as GNU parallel', () => {
  const compiled = compileTemplate('echo {/def/ghi} {//a/b} {1:2} {2#x} {^^a}', true, { plus: true });
  // GNU parallel 20221122: abcghi/a xyz bbcdef/b xyz cdef/a yz Abcdef/A xyz
  assert.equal(compiled.render({ args: ['abcdef/a', 'xyz'], seq: 1, slot: 1 }), 'echo abcghi/a xyz bbcdef/b xyz cdef/a yz Abcdef/A xyz');
});

test('--plus forms prun does not have are refused, not left as text GNU parallel would replace', () => {
  for (const form of ['{:x}', '{slot}', '{uniq}', '{choose_k}', '{0%}']) {
    assert.throws(() => compileTemplate(`echo ${form}`, true, { plus: true }), (error: unknown) => error instanceof PrunError && error.code === 'ERR_USAGE', form);
  }
  // without --plus they are not replacement strings, in GNU parallel either: text
  assert.equal(compileTemplate('echo {/def/ghi} {slot}').render({ args: ['x'], seq: 1, slot: 1 }), 'echo {/def/ghi} {slot} x');
  // nor are braces that match none of them
  assert.equal(compileTemplate("awk '{print $1}' {}", true, { plus: true }).render({ args: ['f'], seq: 1, slot: 1 }), "awk '{print $1}' f");
});

test('{-1} is the last argument, {-2} the one before, as GNU parallel', () => {
  const template = `${SHOW} {-1} {-2}`;
  assert.equal(prun(template, [['a', 'b', 'c']]), gnuParallelHere(['-N3', template, ':::', 'a', 'b', 'c']));
});

test('{-n} past the first argument wraps around once more, as GNU parallel (was: empty)', () => {
  const template = `${SHOW} {-3} {-4} {-5}`;
  assert.equal(prun(template, [['a', 'b']]), gnuParallelHere(['-N2', template, ':::', 'a', 'b']));
});

test('-X repeats the word holding {} for each argument, as GNU parallel -X', () => {
  assert.equal(compileTemplate('echo x{}y z', true, { contextReplace: true }).render({ args: ['1', '2'], seq: 1, slot: 1 }), "echo x1y x2y z");
});

test('-X repeats only words of {}-style strings: a word of {n} is that one argument, as GNU parallel (was: repeated, each argument its {1})', () => {
  const compiled = compileTemplate('echo {1}-x {2} {}.y', true, { contextReplace: true });
  assert.equal(compiled.render({ args: ['a', 'b'], seq: 1, slot: 1 }), 'echo a-x b a.y b.y');
  assert.equal(compileTemplate('echo {1}-x', true, { contextReplace: true }).render({ args: ['a', 'b'], seq: 1, slot: 1 }), 'echo a-x');
});

test('-X quotes every value, as the command does without it (was: unquoted, an input ran as shell code)', () => {
  const template = `${SHOW} {} x{/}y`;
  const inputs = TRICKY_INPUTS.filter((input) => !input.includes('\n'));
  assert.equal(prun(template, [inputs], { contextReplace: true }), gnuParallelHere(['-X', '-j1', template, ':::', ...inputs]));
  assertNothingInjected();
});

test('-X: the words of {#} and {%} render for the job beside a word of {} (was: left as text)', () => {
  const compiled = compileTemplate('echo {#} {%} {}', true, { contextReplace: true });
  assert.equal(compiled.render({ args: ['a', 'b'], seq: 2, slot: 1 }), 'echo 2 1 a b');
});

test('--plus {##} is the number of jobs, a replacement string: nothing is appended (was: the input was)', () => {
  assert.equal(compileTemplate('echo {##}', true, { plus: true, total: 2 }).render({ args: ['a'], seq: 1, slot: 1 }), 'echo 2');
});

test('a replacement string in the first word leaves every value unquoted, as GNU parallel does', () => {
  assert.equal(compileTemplate('{} {}').render({ args: ['ls -l'], seq: 1, slot: 1 }), 'ls -l ls -l');
  assert.equal(compileTemplate('echo {}').render({ args: ['ls -l'], seq: 1, slot: 1 }), "echo 'ls -l'");
});

test("a wrapper's replacement strings before the marked command are always quoted; the command's first word is read from the mark", () => {
  const job = { args: ['echo a'], seq: 1, slot: 1 };
  assert.equal(compileTemplate(`for x in {}; do :; done; ${markCommandStart('{}')}`).render(job), "for x in 'echo a'; do :; done; echo a");
  assert.equal(compileTemplate(`X=1; ${markCommandStart('echo {}')}`).render(job), "X=1; echo 'echo a'");
  assert.equal(compileTemplate(`for x in {}; do :; done; ${markCommandStart('{}')}`, true, { contextReplace: true }).render(job), "for x in 'echo a'; do :; done; echo a");
});

test('an unknown replacement string, {= =} included, is refused: no output would be right', () => {
  for (const template of ['echo {= $_ =}', 'echo {.1}', 'echo {+/}', 'echo {..}', 'echo {#x}', 'echo {:3}']) {
    assert.throws(() => compileTemplate(template), (error: unknown) => error instanceof PrunError && error.code === 'ERR_USAGE', template);
  }
  // the message names where the template was given (was: 'in the command' for --tagstring too)
  assert.throws(() => compileTemplate('{.1}', false, { where: '--tagstring' }), /in --tagstring/);
  assert.throws(() => compileTemplate('echo {.1}'), /in the command/);
});

test('regression: a job whose command would be longer than a string can be is refused with ERR_INPUT, naming the job (was: a RangeError with its stack)', () => {
  const half = 'a'.repeat(Math.floor(MAX_STRING_LENGTH / 2) + 1);
  for (const [template, options] of [['echo {} {}', {}], ['echo pre-{} {1}', { contextReplace: true }], ['{} {}', { contextReplace: true }]] as const) {
    const compiled = compileTemplate(template, true, options);
    assert.throws(() => compiled.render({ args: [half], seq: 7, slot: 1 }), (error: unknown) => error instanceof PrunError && error.code === 'ERR_INPUT' && /\bjob 7\b/.test(error.message), template);
  }
  // as long as a string can be, it renders
  assert.equal(compileTemplate('{}', true).render({ args: ['a'.repeat(MAX_STRING_LENGTH)], seq: 1, slot: 1 }).length, MAX_STRING_LENGTH);
});

test('-q quotes a value in the first word too, as GNU parallel: `-q {} ::: "touch x; echo ran"` runs no touch (was: the value ran as shell code)', () => {
  const job = { args: ['touch x; echo ran'], seq: 1, slot: 1 };
  assert.equal(compileTemplate('{}', true, { quoted: true }).render(job), "'touch x; echo ran'");
  assert.equal(compileTemplate('{} y', true, { quoted: true, contextReplace: true }).render(job), "'touch x; echo ran' y");
  // without -q the first word's values are commands, as GNU parallel runs them
  assert.equal(compileTemplate('{}', true).render(job), 'touch x; echo ran');
});

test('regression: under -q a replacement string inside the quotes -q wrote (a --header name, -I\'s, --rpl\'s, --er\'s, known only after the quoting) runs no value (was: `$(touch pwned)` ran)', () => {
  const values = ['$(touch pwned)', '`touch pwned`', "'; touch pwned; '", "it's", 'a b', ''];
  const cases: [string, TemplateOptions][] = [
    [`${SHOW} 'see: {}'`, { quoted: true }],
    [`${SHOW} 'x {col}'`, { quoted: true, names: ['col'] }],
    [`${SHOW} 'x {col}' 'it'"'"'s {}'`, { quoted: true, names: ['col'] }],
    [`${SHOW} 'see: {}'`, { quoted: true, contextReplace: true }],
    // a quote in a bare replacement string is none of -q's: the quotes after it are read as they are
    [`${SHOW} {%'} 'x '{}' y'`, { quoted: true, plus: true }],
    [`${SHOW} {%'} 'x '{}' y'`, { quoted: true, plus: true, contextReplace: true }],
    [`${SHOW} {%"} 'x {} y'`, { quoted: true, plus: true }],
  ];
  for (const [template, options] of cases) {
    for (const value of values) {
      const out = prun(template, [[value]], options);
      assert.ok(out.includes(`${value}]`) || out.includes(`${value} y]`), `${template} with ${value}: ${out}`);
    }
  }
  assertNothingInjected();
});

test('regression: -X -q repeats the blank-delimited run of a word holding a blank, as GNU parallel, and runs no value (was: the word cut inside its quotes, `$(touch pwned)` ran)', () => {
  const values = ['1', '$(touch pwned)', "it's", 'a b', ''];
  for (const word of ['see: {}', 'a b{} c', 'x{}y z', '{} r', 'a{}b', "it's {}.x", '{} {}', '{#} {}', 'pre {} mid {} post', 'n\n{}', 'a\t{}', 'a \tb{}']) {
    // the command as -q writes it (cli/exec-argv.ts): the words quoted, the replacement strings bare
    const quoted = `printf '[%s]\\n' ${word.split(/(\{\})/).map((part) => (part === '{}' ? part : part === '' ? '' : `'${part.replaceAll("'", `'"'"'`)}'`)).join('')}`;
    const expected = gnuParallelHere(['-X', '-q', 'printf', '[%s]\\n', word, ':::', ...values]);
    assert.equal(prun(quoted, [values], { quoted: true, contextReplace: true }), expected, word);
  }
  assertNothingInjected();
});

test("--plus forms come before --rpl's own strings, as GNU parallel reads them: --rpl '{#a} ...' does not change {#a}", () => {
  const compiled = compileTemplate('echo {#a}', true, { plus: true, rpl: ['{#a} s/b/Q/'] });
  assert.equal(compiled.render({ args: ['ab'], seq: 1, slot: 1 }), 'echo b');
});

test("gnuCountExtra: {#} and {%} counted once a record and a blank a value, as GNU parallel's CommandLine::len counts them under -m; under -X a word of them alone, as a word it repeats", () => {
  const job = (count: number, seq: number): Job => ({ args: Array.from({ length: count }, (_, i) => String(i)), seq, slot: 1 });
  assert.equal(compileTemplate('echo {} {#}').gnuCountExtra?.(job(3, 12)), 2 * (1 + 2));
  assert.equal(compileTemplate('echo {} {#} x{%}y').gnuCountExtra?.(job(4, 1)), 3 * (1 + 1) + 3 * (1 + 1));
  assert.equal(compileTemplate('echo {} {#}').gnuCountExtra?.(job(1, 7)), 0);
  assert.equal(compileTemplate('echo {} x{#}y', true, { contextReplace: true }).gnuCountExtra?.(job(3, 1)), 2 * (1 + 3));
  // several values a record (several sources, --colsep): {#} once a record, its blank once a value
  assert.equal(compileTemplate('echo {} {#}').gnuCountExtra?.({ args: ['a', 'b', 'c', 'd', 'e', 'f'], seq: 3, slot: 1, records: 2 }), 5 * 1 + 1 * 1);
  // -X with no {} word: the word is counted as repeated all the same
  assert.equal(compileTemplate('echo x{#}y', true, { contextReplace: true }).gnuCountExtra?.(job(3, 1)), 2 * (1 + 2) + 2 * 1);
  // a word that holds {} too is repeated: counted as it runs
  assert.equal(compileTemplate('echo x{#}y{}', true, { contextReplace: true }).gnuCountExtra, undefined);
  assert.equal(compileTemplate('echo {} {1}').gnuCountExtra, undefined);
  // a wrapper's {#} (--results writes it to a file) is not the user's
  assert.equal(compileTemplate(`printf %s {#} > seq; ${markCommandStart('echo {}')}`).gnuCountExtra, undefined);
});

test("--header: {NAME/} {NAME//} {NAME.} {NAME/.} are the column's {n/} {n//} {n.} {n/.}, as GNU parallel replaces them (was: left as text, the input appended)", () => {
  const compiled = compileTemplate('echo {name} {name/} {name//} {name.} {name/.}', true, { names: ['x', 'name'] });
  assert.equal(compiled.render({ args: ['-', 'a/b.c'], seq: 1, slot: 1 }), 'echo a/b.c b.c a a/b b');
  // other forms of a name are no replacement strings in GNU parallel either: text, the input appended
  assert.equal(compileTemplate('echo {name..} {name:1}', true, { names: ['name'] }).render({ args: ['a.b.c'], seq: 1, slot: 1 }), 'echo {name..} {name:1} a.b.c');
  assert.equal(compileTemplate('echo {name..} {name%.c}', true, { names: ['name'], plus: true }).render({ args: ['a.b.c'], seq: 1, slot: 1 }), 'echo {name..} {name%.c} a.b.c');
});

test('--header: the first name that matches wins, and what it became is matched by the names after it, as GNU parallel rewrites the command name by name', () => {
  const job = { args: ['A', 'B', 'C'], seq: 1, slot: 1 };
  // columns named 2, 3, 1: {2} is {1}, which the third name makes {3}
  assert.equal(compileTemplate('echo {2} {3} {1}', true, { names: ['2', '3', '1'] }).render(job), 'echo C B C');
  assert.equal(compileTemplate('echo {a} {a/}', true, { names: ['a', 'a'] }).render(job), 'echo A A');
  // a name is replaced before anything else is read: a column named # is {#}'s
  assert.equal(compileTemplate('echo {#}', true, { names: ['x', '#'] }).render(job), 'echo B');
});

test("--header: each file source is named by its path, the k-th {k} (k counting files only), after the columns' names, as GNU parallel names them (was: left as text)", () => {
  const job = { args: ['v', 'f1', 'g1'], seq: 1, slot: 1 };
  assert.equal(compileTemplate('echo {f} {dir/g.tsv} {dir/g.tsv.} {dir/g.tsv/}', true, { fileNames: ['f', 'dir/g.tsv'] }).render(job), 'echo v f1 f1 f1');
  // a column of the same name wins
  assert.equal(compileTemplate('echo {f}', true, { names: ['x', 'y', 'f'], fileNames: ['f'] }).render(job), 'echo g1');
  // in --tagstring too
  assert.equal(compileTemplate('{g}:', false, { fileNames: ['f', 'g'] }).render(job), 'f1:');
});

test("--header: a wrapper's own {} and {#} are not renamed by a column named '' or #", () => {
  const job = { args: ['a', 'b'], seq: 3, slot: 1 };
  assert.equal(compileTemplate(`for x in {}; do :; done; echo {#}; ${markCommandStart('echo {}')}`, true, { names: ['x', '', '#'] }).render(job), 'for x in a b; do :; done; echo 3; echo b');
});

test('--header: 200,000 names are looked up, not scanned, for each brace', () => {
  const names = Array.from({ length: 200_000 }, (_, i) => `c${i}`);
  const started = performance.now();
  const compiled = compileTemplate(`echo ${Array.from({ length: 2000 }, (_, i) => `{c${i * 99}.}`).join(' ')}`, true, { names });
  assert.ok(performance.now() - started < 5000);
  assert.match(compiled.render({ args: names.map((_, i) => `v${i}.x`), seq: 1, slot: 1 }), /^echo v0 v99 v198 /);
});
