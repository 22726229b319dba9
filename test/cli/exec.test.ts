// prun exec, run as a user would: the built CLI through execa. Where GNU parallel defines
// the behaviour, the same command and inputs go through `parallel -k` and the outputs must match.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { assertGoneWithin } from '../helpers/accounting.js';
import { GNU_PARALLEL_ENV, gnuParallel, gnuParallelRun, gnuParallelStatus, requireGnuParallel } from '../helpers/gnu-parallel.js';
import { bin, lines, prun, root } from '../helpers/prun.js';
import { waitForLines } from '../helpers/streams.js';
import { joblogRows, scratchDir } from '../helpers/files.js';

const dir = scratchDir('exec');

/** prun with `input` on its stdin. */
function prunWithStdin(args: string[], input: string) {
  return prun(args, { stdin: 'pipe', input });
}

/** GNU parallel, keeping input order, in the tests' folder. */
function gnuParallelHere(args: string[], input = ''): string {
  return gnuParallel(args, { cwd: dir, input });
}

/** `prun exec -k ARGS` in the tests' folder, `input` on its stdin: exit 0, and GNU parallel's stdout. */
async function assertAsGnuParallel(args: string[], input = '', label = args.join(' ')): Promise<void> {
  const result = await prun(['exec', '-k', ...args], { cwd: dir, stdin: 'pipe', input });
  assert.equal(result.exitCode, 0, String(result.stderr));
  assert.equal(result.stdout, gnuParallelHere(args, input).trimEnd(), label);
}

describe('prun exec: the same output as GNU parallel', () => {
  test("the issue's example: printf 'a.tar.gz\\nb/c.txt\\n' | prun exec 'echo {} {.} {/} {//} {/.}'", async () => {
    const command = 'echo {} {.} {/} {//} {/.}';
    const input = 'a.tar.gz\nb/c.txt\n';
    const result = await prunWithStdin(['exec', command], input);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, gnuParallelHere([command], input).trimEnd());
    assert.equal(result.stdout, 'a.tar.gz a.tar a.tar.gz . a.tar\nb/c.txt b/c c.txt b c');
  });

  test('a lone ::: with nothing after it reads stdin, and an empty ::: among others is one empty value, as GNU parallel (was: nothing ran, exit 0)', async () => {
    for (const args of [['echo', '[{}]', ':::'], ['echo', '[{1}][{2}]', ':::', ':::', 'a'], ['echo', '[{1}][{2}]', ':::', 'a', ':::']]) await assertAsGnuParallel(args, 'x\ny\n');
  });

  test('-N and -L repeat the word around {} for each input, as GNU parallel (they imply -X); -n, -L with -m and {n} do not (was: -N2 mv {} {.}.bak gave mv a.x b.y a b.bak)', async () => {
    for (const args of [
      ['-N2', 'echo', 'mv', '{}', '{.}.bak', ':::', 'a.x', 'b.y', 'c.z'],
      ['-L2', 'echo', 'cp', '{}', '{}.orig'],
      ['-L2', '-m', 'echo', 'cp', '{}', '{}.orig'],
      ['-n2', 'echo', '{}.bak', ':::', 'a', 'b', 'c'],
      ['-N2', 'echo', '{#}-{}', '{1}-x', '{2}', ':::', 'a', 'b', 'c', 'd'],
      ['-X', 'echo', 'x{1}y', ':::', 'a', 'b', ':::', 'c', 'd'],
    ]) {
      await assertAsGnuParallel(['-j1', ...args], 'a\nb\nc\n');
    }
  });

  test('--pipe --block reads unit prefixes as GNU parallel: K, M powers of 1024, k, m powers of 1000', async () => {
    const input = Array.from({ length: 60_000 }, (_, i) => `${i + 1}\n`).join('');
    for (const block of ['100k', '100K', '1m', '1M']) {
      const result = await prunWithStdin(['exec', '--pipe', '--block', block, 'wc -c'], input);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, gnuParallelHere(['--pipe', '--block', block, 'wc -c'], input).trimEnd(), block);
    }
  });

  test('regression: --pipe with --retries: a job tried again reads its block again, after a failure and after a --timeout (was: no stdin, exit 0, the block lost)', async () => {
    const input = `${Array.from({ length: 6 }, (_, i) => i + 1).join('\n')}\n`;
    // each block's first try fails (or hangs past --timeout), its second prints the block
    for (const [extra, fail] of [[[], 'exit 1'], [['--timeout', '1'], 'sleep 30']] as const) {
      const command = async () => `f=${await mkdtemp(join(dir, 'tries-'))}/$PARALLEL_SEQ; if [ -e $f ]; then cat; else touch $f; ${fail}; fi`;
      const result = await prunWithStdin(['exec', '-k', '--pipe', '-N2', '--retries', '2', ...extra, await command()], input);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, input.trimEnd(), extra.join(' '));
      assert.equal(result.stdout, gnuParallelHere(['--pipe', '-N2', '--retries', '2', ...extra, await command()], input).trimEnd());
    }
  });

  test('--pipe --cat: {} is a file holding the block, and stdin is none, as GNU parallel (was: unknown option)', async () => {
    const input = `${Array.from({ length: 10 }, (_, i) => i + 1).join('\n')}\n`;
    const args = ['-k', '--pipe', '-N4', '--cat', 'cat; wc -l < {}; test -f {} && echo file'];
    const result = await prunWithStdin(['exec', ...args], input);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, gnuParallelHere(args.slice(1), input).trimEnd());
    assert.equal(result.stdout, '4\nfile\n4\nfile\n2\nfile');
    const alone = await prun(['exec', '--cat', 'echo', ':::', 'a']);
    assert.equal(alone.exitCode, 2);
  });

  test('--pipe: the command and its tag see no input, and a dry run shows the command, as GNU parallel (was: prun\'s scratch path of the block)', async () => {
    const input = `${Array.from({ length: 10 }, (_, i) => i + 1).join('\n')}\n`;
    for (const args of [['--tag', 'wc -l'], ['echo {#} [{}]; wc -l'], ['--dry-run', 'wc -l']]) {
      const result = await prunWithStdin(['exec', '-k', '--pipe', '--block', '5', ...args], input);
      assert.equal(result.stdout, gnuParallelHere(['--pipe', '--block', '5', ...args], input).trimEnd(), args.join(' '));
    }
    // a failure names its block by its place in stdin
    const failed = await prunWithStdin(['exec', '-k', '--pipe', '--block', '5', 'exit 3'], input);
    assert.match(String(failed.stderr), /^prun: input 0 "block-0" failed: exit 3$/m);
  });

  test('--timeout N% times a job out past N% of the median runtime of those that succeeded, as GNU parallel (was: refused)', async () => {
    const args = ['-k', '-j2', '--timeout', '500%', 'sleep {}; echo {}', ':::', '0.2', '0.2', '30', '0.2', '0.2'];
    const result = await prun(['exec', ...args], { cwd: dir });
    assert.equal(result.exitCode, 1, String(result.stderr));
    assert.equal(result.stdout, '0.2\n0.2\n0.2\n0.2');
    assert.match(String(result.stderr), /^prun: input 2 "30" failed: timed out after /m);
    const gnu = gnuParallelRun(args, { cwd: dir });
    assert.deepEqual([result.stdout, result.exitCode], [gnu.stdout.trimEnd(), gnu.status]);
  });

  test('::: values are cut where lines are: at -d, or at a newline, as GNU parallel (was: one value, as typed)', async () => {
    for (const args of [['-d', ',', 'echo', '[{}]', ':::', 'a,', 'b', ',c', 'd,,e'], ['echo', '[{}]', ':::', 'x\ny'], ['-0', 'echo', '[{}]', ':::', 'x\ny'], ['-d', ',', '--colsep', ':', 'echo', '[{1}][{2}]', ':::', 'a:1,b:2']]) {
      await assertAsGnuParallel(args);
    }
  });

  test('$PARALLEL gives default options, before those of the command line, as GNU parallel (was: ignored)', async () => {
    const env = { PARALLEL: '--tag --tagstring a\\ b' };
    const result = await prun(['exec', '-k', 'echo', ':::', 'x'], { cwd: dir, env });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, 'a b\tx');
    assert.equal(result.stdout, gnuParallelRun(['-k', 'echo', ':::', 'x'], { cwd: dir, env }).stdout.trimEnd());
  });

  test('-C is --colsep, and --joblog +FILE appends to FILE, as GNU parallel (was: unknown option; a file named +FILE)', async () => {
    await assertAsGnuParallel(['-C', ',', 'echo', '{2}', ':::', 'a,b']);
    const joblog = join(dir, 'plus-joblog');
    for (const value of ['a', 'b']) {
      const result = await prun(['exec', '--joblog', `+${joblog}`, 'echo', ':::', value], { cwd: dir });
      assert.equal(result.exitCode, 0, String(result.stderr));
    }
    assert.deepEqual((await joblogRows(joblog)).map((row) => row.at(-1)), ['a', 'b']);
  });

  test('--colsep trims the blanks around each column, a CR of a CRLF file too, as GNU parallel (it implies --trim rl; was: kept)', async () => {
    const input = ' a , b \nc,d\r\n';
    for (const args of [['--colsep', ',', 'echo', '[{1}]', '[{2}]'], ['--colsep', ',', '--trim', 'n', 'echo', '[{1}]', '[{2}]'], ['--colsep', ',', '--trim', 'l', 'echo', '[{1}]', '[{2}]'], ['--trim', 'lr', 'echo', '[{}]']]) await assertAsGnuParallel(args, input);
  });

  test('--tag and --tagstring tag stderr lines too, the last one without a newline as well, as GNU parallel (was: untagged)', async () => {
    const command = 'echo out {}; echo err {} >&2; printf "two\\nlast" >&2';
    for (const args of [['--tag', command, ':::', 'a', 'b'], ['--tagstring', '<{}>', command, ':::', 'a']]) {
      const result = await prun(['exec', '-k', '-j1', ...args]);
      assert.equal(result.exitCode, 0, String(result.stderr));
      const gnu = gnuParallelRun(['-j1', ...args], { cwd: dir });
      assert.equal(result.stdout, gnu.stdout.trimEnd(), args.join(' '));
      assert.equal(result.stderr, gnu.stderr, args.join(' '));
    }
  });

  test("-k ... 2>&1: a job's stderr comes right after its stdout, in input order, as GNU parallel groups them (was: as each job ended, before its turn)", async () => {
    const args = ['-k', '-j3', 'sleep 0.$((5-{})); echo out{}; echo err{} >&2', ':::', '0', '1', '2', '3'];
    const quoted = args.map(shellQuoteArg).join(' ');
    requireGnuParallel();
    const env = { ...process.env, ...GNU_PARALLEL_ENV };
    const ours = await execa('sh', ['-c', `${shellQuoteArg(bin)} exec ${quoted} 2>&1`], { cwd: dir, env });
    const theirs = await execa('sh', ['-c', `parallel --will-cite ${quoted} 2>&1`], { cwd: dir, env });
    assert.equal(ours.stdout, 'out0\nerr0\nout1\nerr1\nout2\nerr2\nout3\nerr3');
    assert.equal(ours.stdout, theirs.stdout);
    // a failed job: its stdout, its stderr, then prun's line about it
    const failed = await execa('sh', ['-c', `${shellQuoteArg(bin)} exec -k 'echo out{}; echo err{} >&2; exit 1' ::: a 2>&1`], { cwd: dir, reject: false });
    assert.deepEqual(lines(failed.stdout).slice(0, 3), ['outa', 'erra', 'prun: input 0 "a" failed: exit 1']);
  });

  test('-N over one ::: source: the total is known, so a --halt percentage halts where GNU parallel does (was: all jobs ran)', async () => {
    const args = ['-j1', '-N2', '--halt', 'soon,fail=30%', 'echo {1}{2}; [ {1} -gt 2 ] && exit 1; true', ':::', ...Array.from({ length: 20 }, (_, i) => String(i + 1))];
    const result = await prun(['exec', '-k', ...args]);
    const gnu = gnuParallelRun(args, { cwd: dir });
    assert.equal(result.stdout, gnu.stdout.trimEnd());
    assert.equal(result.exitCode, gnu.status);
  });

  test('-I and the other respellings leave the usual spelling as typed, as GNU parallel does (was: both replaced)', async () => {
    const cases = [
      ['-I', '@', 'echo', '@', '{}', '{1}', '{1.}', ':::', 'a.b'],
      ['--extensionreplace', '@', 'echo', '@', '{.}', '{1.}', '{1}', ':::', 'a.b'],
      ['--seqreplace', ',s', 'echo', ',s', '{#}', ':::', 'x'],
      ['-I', '{}', 'echo', '{}', ':::', 'same'],
      // a spelling that is itself a form of the usual one (was: `{1}` plain text too)
      ['-I', '{1}', 'echo', '{}', '{1}', ':::', 'a'],
      ['-I', '{1}', 'echo', '{}', '{1}', '{2}', ':::', 'a', ':::', 'b'],
      // --tagstring reads the same spellings
      ['-I', '@', '--tagstring', '{}-@', 'echo', '@', ':::', 'a'],
      // GNU parallel's short spellings (were: unknown options)
      ['--er', '@', 'echo', '@', ':::', 'a/b.c'],
      ['--bnr', '@', 'echo', '@', ':::', 'a/b.c'],
      ['--dnr', '@', 'echo', '@', ':::', 'a/b.c'],
      ['--bner', '@', 'echo', '@', ':::', 'a/b.c'],
    ];
    for (const args of cases) await assertAsGnuParallel(args);
  });

  test("--header 0 is no header, and -E '' no end-of-input string, as GNU parallel reads them (were: the first input dropped, the input cut at an empty line)", async () => {
    for (const args of [['--header', '0', 'echo', ':::', 'a', 'b'], ['-E', '', 'echo', '[{}]', ':::', 'a', '', 'b']]) {
      const result = await prun(['exec', '-k', ...args]);
      assert.equal(result.stdout, gnuParallelHere(args).trimEnd(), args.join(' '));
    }
  });

  test("--header without --colsep splits at tabs, as GNU parallel's man page says --colsep then defaults to '\\t' (was: {h} left as text, the line whole)", async () => {
    await writeFile(join(dir, 'tabbed'), 'h\tk\n 1 \t2\n');
    for (const args of [['--header', ':', 'echo', '[{h}]-[{k}]', '::::', 'tabbed'], ['--header', '1', 'echo', '::::', 'tabbed'], ['--header', ':', 'echo', '[{}]', '::::', 'tabbed'], ['--header', ':', 'echo', '{f1}', ':::', 'f1', 'A', 'B']]) await assertAsGnuParallel(args);
  });

  test('--arg-sep and --arg-file-sep: their + forms link, and a plain ::: is then a value, as GNU parallel (were: ,,+ a value, ::: still a marker, //+ a file to read)', async () => {
    await writeFile(join(dir, 'ab'), 'a\nb\n');
    await writeFile(join(dir, 'bc'), 'b\nc\n');
    for (const args of [['--arg-sep', ',,', 'echo', ',,', 'a', 'b', ',,+', '1', '2'], ['--arg-sep', ',,', 'echo', ',,', 'a', 'b', ':::', '1'], ['--arg-file-sep', '//', 'echo', '//', 'ab', '//+', 'bc'], ['--arg-file-sep', '//', 'echo', ':::', 'x', 'y', '//', 'ab']]) await assertAsGnuParallel(args);
  });

  test('-L reads lines as xargs does: one that ends in a blank goes on into the next, as GNU parallel (was: a line of its own)', async () => {
    for (const input of ['a b \nc\nd e\nf\n', 'a \nb \nc\nd', 'x\t\ny\n']) {
      for (const lines of ['1', '2']) await assertAsGnuParallel(['-L', lines, 'echo', '[{1}]', '[{2}]'], input, `${JSON.stringify(input)} -L ${lines}`);
    }
  });

  // One value a line, in brackets, so that empty values and stray blanks show.
  const SHOW = "printf '[%s]\\n'";
  const INPUTS = [
    'a.tar.gz', 'b/c.txt', '/abs/x.y/z', '.hidden', 'dir/', 'no_ext', 'sp ace.txt', "it's", '"dq"', '*',
    'dir.x/file', 'a//b', '/', '.', '..', 'a/..', 'x.', '-n', '~', 'FOO=bar', 'tab\there', 'é.txt',
    '$(touch pwned)', '`touch pwned`', 'a; touch pwned', '\\n',
  ];
  const TEMPLATES = [
    `${SHOW} {}`, `${SHOW} {.}`, `${SHOW} {/}`, `${SHOW} {//}`, `${SHOW} {/.}`, `${SHOW} {#} {%}`,
    `${SHOW} {1} {1.} {1/} {1//} {1/.}`,
    SHOW, // no replacement string: the input is appended
    `printf '<%s>' x{}y{.}z; echo`, // replacement strings inside a word
    `${SHOW} {} ${'x'.repeat(120)}`, // long enough for prun to hand it to the shell in a file
  ];
  for (const template of TEMPLATES) {
    test(`every replacement string: ${template}`, async () => {
      const file = join(dir, 'tricky.txt');
      await writeFile(file, INPUTS.map((input) => `${input}\n`).join(''));
      // -j1: {%} is then 1 in both
      const result = await prun(['exec', '-j', '1', template, '::::', file], { cwd: dir });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(`${result.stdout}\n`, gnuParallelHere(['-j1', template, '::::', file]));
      assert.ok(!existsSync(join(dir, 'pwned')), 'an input was run as shell code');
    });
  }

  test('-0 reads NUL-ended inputs, newlines and all, as GNU parallel -0 does', async () => {
    const command = 'printf "[%s|%s]\\n" {/.} {#}';
    const input = 'a b.txt\0dir/new\nline.txt\0c.txt\r\0last';
    const result = await prunWithStdin(['exec', '-0', command], input);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, gnuParallelHere(['-0', command], input).trimEnd());
    assert.equal(result.stdout, '[a b|1]\n[new\nline|2]\n[c|3]\n[last|4]');
  });

  test('two ::: groups give every combination, {1} and {2} naming their parts', async () => {
    const template = `${SHOW} {1}{2} {2/.}-{1} {}`;
    const groups = [':::', 'a', 'b c', ':::', '1', 'x/2.y'];
    const result = await prun(['exec', '-j', '1', template, ...groups]);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(`${result.stdout}\n`, gnuParallelHere(['-j1', template, ...groups]));
    const simple = await prun(['exec', 'echo {1}{2}', ':::', 'a', 'b', ':::', '1', '2']);
    assert.equal(simple.stdout, 'a1\na2\nb1\nb2');
  });

  test(':::: FILE makes each file a source of its own, combined with ::: sources, as GNU parallel does', async () => {
    await writeFile(join(dir, 'letters'), 'a\nb c\n');
    await writeFile(join(dir, 'digits'), '1\n2');
    const template = 'echo {1}-{2}';
    // each file after ::::+ links to the source before it (was: only the first)
    for (const sources of [['::::', 'letters', 'digits'], [':::', 'x', 'y', '::::', 'letters'], ['::::', 'digits'], ['::::+', 'letters', 'digits'], [':::', 'x', 'y', '::::+', 'letters', 'digits']]) {
      const result = await prun(['exec', template, ...sources], { cwd: dir });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(`${result.stdout}\n`, gnuParallelHere([template, ...sources]), sources.join(' '));
    }
    const stdin = await prun(['exec', template, '::::', '-', ':::', 'z'], { cwd: dir, stdin: 'pipe', input: 'p\nq\n' });
    assert.equal(stdin.stdout, 'p-z\nq-z');
  });

  test('an empty source among others is one empty value, all of them empty run nothing, as GNU parallel (was: `::: a :::` ran nothing, two empty files one job)', async () => {
    await writeFile(join(dir, 'empty'), '');
    const cases = [
      [':::', 'a', 'b', ':::'],
      [':::', ':::', 'a'],
      [':::', 'a', ':::+'],
      [':::', 'a', 'b', ':::+', ':::', 'c'],
      ['::::', 'empty', ':::', 'a'],
      ['::::', 'empty', '::::', 'empty'],
      [':::', ':::'],
    ];
    for (const sources of cases) {
      const result = await prun(['exec', '-k', 'echo [{}]', ...sources], { cwd: dir });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, gnuParallelHere(['echo [{}]', ...sources]).trimEnd(), sources.join(' '));
    }
    // --colsep reads its sources whole, another way to the same rule
    const read = await prun(['exec', '-k', '--colsep', ',', 'echo [{1}]', ':::', 'a,b', ':::'], { cwd: dir });
    assert.equal(read.stdout, gnuParallelHere(['--colsep', ',', 'echo [{1}]', ':::', 'a,b', ':::']).trimEnd());
    assert.equal(read.stdout, '[a]');
  });

  test('--tag prefixes every line, the last one without a newline too, with the input and a tab', async () => {
    const template = 'printf "x\\ny"';
    const result = await prun(['exec', '--tag', template, ':::', 'a', 'b c']);
    assert.equal(result.stdout, 'a\tx\na\tyb c\tx\nb c\ty');
    assert.equal(result.stdout, gnuParallelHere(['--tag', template, ':::', 'a', 'b c']));
  });
});

describe('prun exec: output', () => {
  test('bash functions exported with export -f run, and the lanes say nothing on stderr (was: "Killed" now and then)', async () => {
    // the noise came in about one run in seven, as a bash lane ended: 15 runs
    for (let run = 0; run < 15; run++) {
      // `; exit $?`: bash would exec a last command in place, and prun's nearest shell would be the
      // test runner's (npm test's sh), not this bash
      const script = `f() { echo "f $1"; }; export -f f; ${shellQuoteArg(bin)} exec -k -j2 f ::: 1 2 3; exit $?`;
      const result = await execa('bash', ['-c', script], { cwd: dir, reject: false, env: { PARALLEL_SHELL: undefined } });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, 'f 1\nf 2\nf 3');
      assert.equal(result.stderr, '', `run ${run}`);
    }
  });

  test('a job that kills itself leaves no word of the lane\'s ("Terminated") in its stderr, as GNU parallel, sh and bash lanes (was: shown as the job\'s)', async () => {
    for (const shell of ['/bin/sh', '/bin/bash']) {
      const args = ['-k', '-j1', 'echo {}; echo err >&2; kill -TERM $$; echo after', ':::', 'a', 'b'];
      const result = await prun(['exec', ...args], { cwd: dir, env: { PARALLEL_SHELL: shell } });
      assert.equal(result.exitCode, 2, shell);
      assert.equal(result.stdout, 'a\nb', shell);
      assert.deepEqual(lines(result.stderr).filter((line) => !line.startsWith('prun: ')), ['err', 'err'], shell);
      assert.equal(result.stdout, gnuParallelRun(['-j1', ...args.slice(2)], { cwd: dir, env: { PARALLEL_SHELL: shell } }).stdout.trimEnd());
    }
  });

  test('--results: a name with replacement strings is refused, not made a directory', async () => {
    for (const name of ['my_{}', 'job{#}/']) {
      const result = await prun(['exec', '--results', join(dir, name), 'echo', ':::', 'a']);
      assert.equal(result.exitCode, 2, name);
      assert.equal(existsSync(join(dir, name.replace(/\/$/, ''))), false, name);
    }
  });

  test("--results -.csv, -.tsv, -.json: GNU parallel's records of each job on stdout, byte for byte but the times", async () => {
    // Starttime and JobRuntime differ from run to run
    const timesOut = (text: string) => text.replace(/\d{10}\.\d{3}([,\t]|, "JobRuntime": )\d+\.\d{3}/g, 'T$1R');
    await writeFile(join(dir, 'columns.csv'), 'a,b\nc,d,e\n');
    for (const args of [
      ['--results', '-.csv', 'echo {}; echo E{} >&2', ':::', 'a', 'b c', 'd"e'],
      ['--results', '-.tsv', '-N2', 'printf "%s\\t%s\\n"', ':::', '1', '2', '3'],
      ['--results', '-.json', 'echo {}; exit {}', ':::', '0', '3'],
      ['--results', '-.csv', '--colsep', ',', 'echo', '::::', 'columns.csv'],
      ['--results', '-.csv', '--header', ':', 'echo', '{x}', ':::', 'x', '1', ':::', 'y', '2'],
      ['--results', '-.csv', '--timeout', '1', 'sleep', ':::', '0', '30'],
    ]) {
      const result = await prun(['exec', ...args], { cwd: dir });
      const theirs = gnuParallelRun(['-k', ...args], { cwd: dir });
      assert.equal(result.exitCode, theirs.status, args.join(' '));
      assert.equal(timesOut(result.stdout), timesOut(theirs.stdout).replace(/\n$/, ''), args.join(' '));
    }
  });

  test('--results FILE.csv writes the records there, emptied first, and nothing on stdout', async () => {
    const file = join(dir, 'records.csv');
    await writeFile(file, 'left from before\n'.repeat(100));
    const result = await prun(['exec', '--results', file, 'echo {}; echo E{} >&2', ':::', 'a', 'b']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, '');
    const rows = (await readFile(file, 'utf8')).split('\n');
    assert.equal(rows[0], 'Seq,Host,Starttime,JobRuntime,Send,Receive,Exitval,Signal,Command,V1,Stdout,Stderr');
    assert.match(rows[1]!, /^1,:,\d+\.\d{3},\d+\.\d{3},0,2,0,0,"echo a; echo Ea >&2",a,"a$/);
    assert.equal(rows.filter((row) => row.includes('left from before')).length, 0);
  });

  test('--results FILE.csv with --resume, or in a folder that is not there, is refused before anything runs', async () => {
    const joblog = join(dir, 'records-joblog');
    const resumed = await prun(['exec', '--joblog', joblog, '--resume', '--results', join(dir, 'resumed.csv'), 'echo', ':::', 'a']);
    assert.equal(resumed.exitCode, 2);
    assert.equal(existsSync(join(dir, 'resumed.csv')), false);
    const nowhere = await prun(['exec', '--results', join(dir, 'no-such-folder', 'out.csv'), 'echo', ':::', 'a']);
    assert.equal(nowhere.exitCode, 2);
    assert.equal(lines(nowhere.stderr).length, 1);
  });

  test('--results: each argument of a job is a level, as GNU parallel lays them out (was: --colsep, -N, -X jobs wrote over each other)', async () => {
    /** Every file under `folder`, with its content. */
    const filesUnder = async (folder: string): Promise<string[]> => {
      const paths = (await execa('find', [folder, '-type', 'f'])).stdout.split('\n');
      const files = await Promise.all(paths.map(async (path) => `${path.slice(folder.length)}=${await readFile(path, 'utf8')}`));
      return files.sort();
    };
    let n = 0;
    for (const args of [
      ['--colsep', ',', 'echo {1} {2}', ':::', 'a,b', 'a,c'],
      ['-N2', 'echo', ':::', 'a', 'b', 'a', 'c'],
      ['-N2', 'echo', ':::', 'a', 'b', ':::', 'c', 'd'],
      ['-X', '-j1', 'echo', 'pre-{}', ':::', 'a', 'b'],
      ['--header', ':', 'echo', ':::', 'f1', 'A', 'B', ':::', 'f2', 'C', 'D'],
      // was: the input appended to a command of header names, and run as one word without one
      ['--header', ':', 'echo', '[{X}]', ':::', 'X', 'a'],
      [':::', 'echo a'],
    ]) {
      const ours = join(dir, `results-prun-${++n}`);
      const theirs = join(dir, `results-gnu-${n}`);
      const result = await prun(['exec', '--results', ours, ...args]);
      assert.equal(result.exitCode, 0, String(result.stderr));
      gnuParallel(['--results', theirs, ...args], { cwd: root });
      assert.deepEqual(await filesUnder(ours), await filesUnder(theirs), args.join(' '));
    }
  });

  test('--nice and --process-slot-var wrap the command as it is: inputs that are the command, header names, -N0, as GNU parallel (was: run as one quoted word, the input appended)', async () => {
    for (const args of [
      ['--nice', '1', ':::', 'echo a'],
      ['--process-slot-var', 'X', ':::', 'echo a'],
      ['--process-slot-var', 'X', '{}', ':::', 'echo a'],
      ['--nice', '1', '{}', '{}', ':::', 'echo a'],
      ['--nice', '1', '--header', ':', 'echo', '[{X}]', ':::', 'X', 'a'],
      ['--nice', '1', '-N0', 'echo', 'hi', ':::', 'a'],
    ]) {
      await assertAsGnuParallel(['-j1', ...args]);
    }
  });

  test('-X, -m and --xargs fill a line as GNU parallel measures it (-s, 63664 by default) and spread only the last over the job slots (was: 131000 by a guess, all spread)', async () => {
    const numbers = (count: number): string => `${Array.from({ length: count }, (_, i) => i + 1).join('\n')}\n`;
    // 20000 numbers fill several lines of 63664; under -s 20 a few hundred make as many jobs
    // (was: 20000 there too, some 10000 jobs a side, two minutes of the suite)
    for (const [args, count] of [
      [['-j2', '-X', 'echo'], 20_000],
      [['-j3', '-m', 'echo', '{}'], 20_000],
      [['-j2', '-X', 'echo', 'x{}y'], 20_000],
      [['-j1', '-s', '20', '-X', 'echo'], 500],
      [['-j4', '--xargs', 'echo'], 20_000],
    ] as const) {
      await assertAsGnuParallel([...args], numbers(count));
    }
  });

  test('-X, -m and --xargs take no more records a job than -N says, as GNU parallel (was: -N ignored)', async () => {
    for (const packing of [['-X', '-N2'], ['-m', '-N3'], ['--xargs', '-N3'], ['-X', '-N10']]) {
      const args = ['-k', '-j2', ...packing, 'echo', ':::', '1', '2', '3', '4', '5', '6', '7'];
      const result = await prun(['exec', ...args]);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, gnuParallelHere(args).replace(/\n$/, ''), packing.join(' '));
    }
  });

  test('--results DIR that cannot be made is one line and exit 2, before anything runs (was: two lines a job, exit the number of jobs)', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    const result = await prun(['exec', '--results', join(file, 'out'), 'echo', ':::', 'a', 'b']);
    assert.equal(result.exitCode, 2);
    assert.equal(result.stdout, '');
    assert.equal(lines(result.stderr).length, 1, String(result.stderr));
  });

  test('--results with --pipe is refused: every block would write the same folder', async () => {
    const result = await prun(['exec', '--pipe', '--results', join(dir, 'piped'), 'wc', '-l'], { stdin: 'pipe', input: 'a\n' });
    assert.equal(result.exitCode, 2);
    assert.match(String(result.stderr), /^prun: --results does not go with --pipe/);
  });

  test('--tagstring prefixes every line with its replacement strings, unquoted, and a tab', async () => {
    for (const [tag, command, ...sources] of [
      ['{#}:{/}', 'echo hi', ':::', 'a/b.c', 'x y/z'],
      ['[{1}|{2.}] $HOME', "printf 'l1\\nl2'", ':::', 'a', 'b', ':::', '1.x'],
    ]) {
      const result = await prun(['exec', '--tagstring', tag!, command!, ...sources]);
      assert.equal(result.exitCode, 0, String(result.stderr));
      // execa takes off one final newline
      assert.equal(result.stdout, gnuParallelHere(['--tagstring', tag!, command!, ...sources]).replace(/\n$/, ''));
    }
  });

  test('in input order by default, however the jobs finish', async () => {
    // -j2: input 1 waits on one lane until input 3, on the other, has made the file
    const go = join(dir, 'go-ordered');
    const command = `if [ {} = 1 ]; then while [ ! -e ${go} ]; do sleep 0.01; done; fi; echo {}; if [ {} = 3 ]; then touch ${go}; fi`;
    const result = await prun(['exec', '-j', '2', command, ':::', '1', '2', '3']);
    assert.equal(result.stdout, '1\n2\n3');
  });

  test('--unordered prints each output as its job ends', async () => {
    // input 1 waits for a file that the test makes only once it has read 3 from prun
    const go = join(dir, 'go-unordered');
    const command = `if [ {} = 1 ]; then while [ ! -e ${go} ]; do sleep 0.01; done; fi; echo {}`;
    const subprocess = execa(bin, ['exec', '-j', '2', '--unordered', command, ':::', '1', '2', '3'], { cwd: root, reject: false, stdin: 'ignore' });
    await waitForLines(subprocess.stdout, /^3$/);
    await writeFile(go, '');
    const result = await subprocess;
    assert.equal(result.stdout, '2\n3\n1');
  });

  test("a job's output is printed whole: two jobs printing many lines never interleave", async () => {
    const command = 'i=0; while [ $i -lt 3000 ]; do echo {}-$i; i=$((i+1)); done';
    const result = await prun(['exec', '-j', '2', '--unordered', command, ':::', 'a', 'b']);
    const blocks = lines(result.stdout).map((line) => line.split('-')[0]);
    const changes = blocks.filter((block, i) => i > 0 && block !== blocks[i - 1]).length;
    assert.equal(blocks.length, 6000);
    assert.equal(changes, 1, 'the outputs of a and b interleave');
  });

  test("stderr goes to prun's stderr, each job's whole, never to stdout", async () => {
    const command = 'echo out-{}; i=0; while [ $i -lt 2000 ]; do echo {}-$i >&2; i=$((i+1)); done';
    const result = await prun(['exec', '-j', '2', command, ':::', 'a', 'b']);
    assert.equal(result.stdout, 'out-a\nout-b');
    const blocks = lines(result.stderr).filter((line) => /^[ab]-\d+$/.test(line)).map((line) => line[0]);
    assert.equal(blocks.length, 4000);
    assert.equal(blocks.filter((block, i) => i > 0 && block !== blocks[i - 1]).length, 1, 'the stderr of a and b interleave');
  });

  test('what xargs, GNU parallel and rush users type works: -P N, -k, --bar, --eta', async () => {
    for (const flags of [['-P', '2', '-k', '--bar'], ['--max-procs', '2', '--keep-order', '--eta']]) {
      const result = await prunWithStdin(['exec', ...flags, 'echo {%} {}'], '1\n2\n3\n');
      assert.equal(result.exitCode, 0, String(result.stderr));
      // -P 2: two job slots; -k: input order; --bar: the progress bar, drawn off a terminal too
      assert.deepEqual(lines(result.stdout).map((line) => line.split(' ')[1]), ['1', '2', '3']);
      assert.ok(lines(result.stdout).every((line) => /^[12] /.test(line)), result.stdout);
      assert.match(String(result.stderr), /3\/3/);
    }
  });

  test('--dry-run prints the commands, in order, and runs none', async () => {
    const result = await prun(['exec', '--dry-run', `touch ${dir}/dry-{#} {}`, ':::', 'x', 'a b', '$(id)']);
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, [`touch ${dir}/dry-1 x`, `touch ${dir}/dry-2 'a b'`, `touch ${dir}/dry-3 '$(id)'`].join('\n'));
    assert.deepEqual((await readdir(dir)).filter((name) => name.startsWith('dry-')), []);
  });

  test("--dry-run quotes each value as GNU parallel quotes it (was: 'it'\\''s', and URLs bare)", async () => {
    const args = ['-k', '--dry-run', 'echo', ':::', "it's", "'", 'a b', 'http://127.0.0.1:8080/a?b=c', 'x=y', '50%', ''];
    const result = await prun(['exec', ...args], { cwd: dir });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, gnuParallelHere(args).replace(/\n$/, ''));
  });

  test('--dry-run with --tag or --tagstring tags each command line, as GNU parallel (was: untagged)', async () => {
    for (const tagging of [['--tag'], ['--tagstring', '{#}:{2}'], ['--tag', '-N2']]) {
      const args = ['-k', '--dry-run', ...tagging, 'echo', '{}', ':::', 'a', 'b c', ':::', '1'];
      const result = await prun(['exec', ...args]);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, gnuParallelHere(args).replace(/\n$/, ''), tagging.join(' '));
    }
  });

  test('commands holding newlines run whole, and so do inputs holding them under -0 (without it a ::: value is cut there, as GNU parallel cuts it)', async () => {
    const args = ['-0', '-j', '1', "printf '[%s]\\n' {}\necho second {#}", ':::', 'one\ntwo', 'x'];
    const result = await prun(['exec', ...args]);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, '[one\ntwo]\nsecond 1\n[x]\nsecond 2');
    await assertAsGnuParallel(args);
    await assertAsGnuParallel(args.slice(1));
  });

  test("a job's stdin is /dev/null: it never eats prun's own input", async () => {
    const result = await prunWithStdin(['exec', 'cat; echo {}'], 'a\nb\n');
    assert.equal(result.stdout, 'a\nb');
  });

  test('an input that is not UTF-8 reaches the command byte for byte', async () => {
    const file = join(dir, 'latin1.txt');
    await writeFile(file, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])); // "caf\xe9\n"
    const result = await prun(['exec', 'printf %s {} | od -An -tx1', '::::', file]);
    assert.equal(result.stdout.trim().split(/\s+/).join(' '), '63 61 66 e9');
  });

  test("a command's output that is not UTF-8 reaches stdout byte for byte, tagged and on stderr too", async () => {
    const file = join(dir, 'bytes.txt');
    await writeFile(file, Buffer.from([0x63, 0xe9, 0x0a])); // "c\xe9\n"
    // every byte value, and no newline at the end: what gzip -c or cat of an image prints
    const every = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte));
    await writeFile(join(dir, 'every'), every);
    const options = { cwd: dir, encoding: 'buffer', stripFinalNewline: false } as const;
    const plain = await prun(['exec', 'cat {}; cat {} >&2', ':::', 'every'], options);
    assert.equal(plain.exitCode, 0);
    assert.deepEqual(Buffer.from(plain.stdout), every);
    assert.deepEqual(Buffer.from(plain.stderr), every);
    const tagged = await prun(['exec', '--tag', 'printf "\\377\\n"', '::::', file], options);
    assert.deepEqual(Buffer.from(tagged.stdout), Buffer.from([0x63, 0xe9, 0x09, 0xff, 0x0a]));
    const dryRun = await prun(['exec', '--dry-run', 'echo', '::::', file], options);
    assert.deepEqual(Buffer.from(dryRun.stdout), Buffer.concat([Buffer.from("echo 'c"), Buffer.from([0xe9]), Buffer.from("'\n")]));
  });
});

describe('prun exec: output kept with its job, big output streamed', () => {
  test("regression: a job's leftover background process wrote into another input's output (3<TAB>LATE)", async () => {
    const started = join(dir, 'late-3-started');
    const written = join(dir, 'late-written');
    // job 1 leaves a process that writes to job 1's stdout once job 3 runs; job 3 ends after
    // that: with files reused between jobs, the line landed in job 3's output
    const late = `(while [ ! -e ${started} ]; do sleep 0.01; done; echo LATE; : > ${written}) &`;
    const wait3 = `: > ${started}; while [ ! -e ${written} ]; do sleep 0.01; done`;
    const command = `if [ {} = 1 ]; then ${late} fi; if [ {} = 3 ]; then ${wait3}; fi; echo job {}`;
    const result = await prun(['exec', '-j', '1', '--tag', command, ':::', '1', '2', '3', '4', '5']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    // what it wrote after job 1 ended is nobody's output
    assert.deepEqual(lines(result.stdout), ['1\tjob 1', '2\tjob 2', '3\tjob 3', '4\tjob 4', '5\tjob 5']);
  });

  test('regression: one job with more than 512 MiB of stdout crashed prun: it is streamed to stdout', async () => {
    const bytes = 600_000_000;
    const pipeline = `${shellQuoteArg(bin)} exec 'head -c ${bytes} /dev/zero; : {}' ::: 1 | wc -c`;
    // job files on disk: a container's /dev/shm is often 64 MB
    const env = { TMPDIR: dir };
    const result = await execa('/bin/sh', ['-c', pipeline], { cwd: root, reject: false, stdin: 'ignore', env });
    assert.equal(String(result.stdout).trim(), String(bytes), String(result.stderr));
  });

  test('--tag tags every line of an output too big to hold whole, as GNU parallel does', async () => {
    // over 1 MiB, in chunks that end mid-line, and a last line without a newline
    const command = 'seq 1 300000; printf {}';
    const args = ['--tag', command, ':::', 'x', 'y'];
    const result = await prun(['exec', ...args], { stripFinalNewline: false });
    assert.equal(result.exitCode, 0, String(result.stderr));
    // as GNU parallel prints it (its output is too big for the helper to compare here)
    const tagged = (tag: string) => `${seq(300000, `${tag}\t`)}${tag}\t${tag}`;
    assert.equal(result.stdout, tagged('x') + tagged('y'));
  });

  test("a failed command's big stdout prints whole, before its failure is reported, as with GNU parallel", async () => {
    const args = ['if [ {} = b ]; then seq 1 300000; exit 3; fi; echo {}', ':::', 'a', 'b', 'c'];
    const result = await prun(['exec', ...args], { stripFinalNewline: false });
    assert.equal(result.exitCode, 1);
    assert.match(String(result.stderr), /input 1 "b" failed: exit 3/);
    assert.equal(result.stdout, `a\n${seq(300000)}c\n`);
  });

  test('big outputs keep input order, beside small ones', async () => {
    const command = 'if [ {} = big ]; then seq 1 400000; else sleep 0.2; echo {}; fi';
    const args = [command, ':::', 'small1', 'big', 'small2', 'big', 'small3'];
    const result = await prun(['exec', '-j', '3', ...args], { stripFinalNewline: false });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, `small1\n${seq(400000)}small2\n${seq(400000)}small3\n`);
  });
});

describe('prun exec: failures', () => {
  test('every word after the first one that is not an option is the command\'s, its options included, as GNU parallel reads them', async () => {
    const result = await prun(['exec', '-j', '1', 'echo', '-n', 'hi', ':::', 'a', 'b']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, 'hi ahi b');
    const quoted = await prun(['exec', 'echo hi', ':::', 'a']);
    assert.equal(quoted.stdout, 'hi a');
  });

  test("the old form, a quoted command then input files, is refused with a line saying how to write it now", async () => {
    const file = join(dir, 'old-form.txt');
    await writeFile(file, 'a\n');
    const result = await prun(['exec', 'echo {}', file]);
    assert.equal(result.exitCode, 2);
    assert.equal(result.stdout, '');
    assert.equal(lines(result.stderr).length, 1);
    assert.match(String(result.stderr), /:::: /);
  });

  test('a quoted command then names of files, with inputs given by ::: or -a, runs as GNU parallel: the names are words of the command (was: refused as the old form)', async () => {
    const file = join(dir, 'named-file.txt');
    await writeFile(file, 'x\n');
    for (const args of [['cat -n', file, ':::', file], ['-a', file, 'echo {}', file]]) {
      const result = await prun(['exec', '-k', '-j1', ...args], { cwd: dir });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, gnuParallelHere(['-j1', ...args]).trimEnd(), args.join(' '));
    }
  });

  test('all commands succeed: exit status 0', async () => {
    const result = await prun(['exec', 'true', ':::', 'a', 'b']);
    assert.equal(result.exitCode, 0);
    assert.equal(result.stderr, '');
  });

  test('the exit status is the number of failed jobs, as GNU parallel\'s', async () => {
    const result = await prun(['exec', 'exit {}', ':::', '0', '1', '2', '3']);
    assert.equal(result.exitCode, 3);
  });

  test('exit 3 fails that input: prun exits 1 and names it; every output prints, as with GNU parallel', async () => {
    const result = await prun(['exec', 'echo {}; exit {}', ':::', '0', '3', '0']);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, '0\n3\n0');
    assert.match(String(result.stderr), /prun: input 1 "3" failed: exit 3/);
    assert.match(String(result.stderr), /1 of 3 inputs failed/);
  });

  test('a command killed by a signal fails with the signal', async () => {
    const result = await prun(['exec', 'kill -TERM $$', ':::', 'k']);
    assert.equal(result.exitCode, 1);
    assert.match(String(result.stderr), /input 0 "k" failed: killed by SIGTERM/);
  });

  test('injected shell in an input is never executed', async () => {
    const inputs = [`$(touch ${dir}/pwned1)`, `\`touch ${dir}/pwned2\``, `x; touch ${dir}/pwned3`, `' ; touch ${dir}/pwned4 '`];
    const result = await prun(['exec', 'echo', ':::', ...inputs]);
    assert.equal(result.exitCode, 0);
    assert.deepEqual(lines(result.stdout), inputs);
    assert.deepEqual((await readdir(dir)).filter((name) => name.startsWith('pwned')), []);
  });

  test('--retries runs a failed command again; only its last try counts', async () => {
    const command = `if [ -e ${dir}/tried-{} ]; then echo {} ok; else touch ${dir}/tried-{}; echo {} failed; echo {} complains >&2; exit 3; fi`;
    // GNU parallel's --retries 2: two tries in all
    const result = await prun(['exec', '--retries', '2', command, ':::', 'r1', 'r2']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, 'r1 ok\nr2 ok', 'the output of a failed try that is tried again is not printed');
    assert.equal(result.stderr, '', 'nor its stderr, as GNU parallel prints only the last try (was: printed)');
  });

  // 1 s, not less: the quick jobs beside the slow one are a `sh -c` each, and on a loaded
  // machine one could take long enough to time out too
  test("--timeout ends the job's whole process group; the other inputs run", async () => {
    const pids = join(dir, 'timeout-pids');
    // the job's background child would outlive a kill of the job's shell alone
    const command = `if [ {} = slow ]; then sleep 300 & echo $! >> ${pids}; wait; fi; echo {}`;
    const result = await prun(['exec', '-j', '2', '--timeout', '1s', command, ':::', 'a', 'slow', 'b']);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, 'a\nb');
    assert.match(String(result.stderr), /input 1 "slow" failed: timed out after 1s/);
    await assertGone(pids);
  });

  test('--timeout ends what the job started in a session of its own too (setsid), found through the tree (was: left running)', async () => {
    const pids = join(dir, 'timeout-setsid-pids');
    const command = `setsid sleep 301 & echo $! >> ${pids}; wait; echo {}`;
    const result = await prun(['exec', '-j', '2', '--timeout', '1s', command, ':::', 'a', 'b']);
    assert.equal(result.exitCode, 2);
    await assertGone(pids);
  });

  test('a timed-out command: what it wrote until then is printed in its turn, as GNU parallel does; the jobs queued behind it run once', async () => {
    const joblog = join(dir, 'timeout-output.joblog');
    const command = `echo {} begins; if [ {} = slow ]; then echo slow complains >&2; sleep 300 & wait; fi; echo {} ends`;
    // -j1: the lane holds the jobs after the slow one, and must give them back unstarted
    const result = await prun(['exec', '-j', '1', '--timeout', '1s', '--joblog', joblog, command, ':::', 'slow', 'a', 'b']);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, 'slow begins\na begins\na ends\nb begins\nb ends');
    assert.match(String(result.stderr), /slow complains/);
    assert.match(String(result.stderr), /input 0 "slow" failed: timed out after 1s/);
    const rows = await joblogRows(joblog);
    assert.deepEqual(rows.map((row) => [row[8], row[6]]), [['slow', '-1'], ['a', '0'], ['b', '0']]);
  });

  test('--halt now,fail=1 ends running commands and their children at once', async () => {
    const pids = join(dir, 'halt-pids');
    const command = `if [ {} = fail ]; then while [ ! -s ${pids} ]; do sleep 0.01; done; exit 1; fi; sleep 300 & echo $! >> ${pids}; wait`;
    const result = await prun(['exec', '-j', '2', '--halt', 'now,fail=1', command, ':::', 'long', 'fail', 'never']);
    assert.equal(result.exitCode, 1);
    assert.match(String(result.stderr), /input 1 "fail" failed: exit 1/);
    await assertGone(pids);
  });

  test('SIGTERM twice ends running commands and their children; prun exits 143', async () => {
    const pids = join(dir, 'signal-pids');
    const subprocess = execa(bin, ['exec', '-j', '2', `sleep 300 & echo $! >> ${pids}; wait; : {}`, ':::', 'a', 'b', 'c'], {
      cwd: root,
      reject: false,
      stdin: 'ignore',
    });
    await waitForPids(pids, 2);
    subprocess.kill('SIGTERM');
    await waitForLines(subprocess.stderr, /starting no more inputs/);
    subprocess.kill('SIGTERM');
    const result = await subprocess;
    assert.equal(result.exitCode, 143);
    await assertGone(pids);
  });
});

describe('prun exec: --halt exit status as GNU parallel', () => {
  // -j1: which jobs ran before the halt is then the same in both
  const CASES = [
    ['now,fail=1', ['0', '3', '4']], // the failing job's status
    ['soon,fail=1', ['0', '3', '4']],
    ['now,fail=2', ['0', '3', '4', '5']], // the failures then
    ['soon,fail=50%', ['0', '3', '4', '0', '5']], // ceil(failed / total * 100)
    ['now,fail=30%', ['0', '3', '4', '0', '5']],
    ['soon,fail=90%', ['0', '3', '4', '0', '5']], // never met: the share failed of those run
    ['now,done=1', ['3', '4']],
    ['now,success=1', ['3', '0', '4']],
    // GNU parallel's older spellings, still in its manual (were: refused, exit 2)
    ['0', ['1', '2', '0']],
    ['1', ['1', '2', '0']],
    ['2', ['1', '2', '0']],
    ['-1', ['1', '0', '2']],
    ['-2', ['1', '0', '2']],
    ['50%', ['0', '3', '4', '0', '5']],
  ] as const;
  for (const [halt, values] of CASES) {
    test(`prun exec -j1 --halt ${halt} 'exit {}' ::: ${values.join(' ')} exits as parallel does`, async () => {
      const args = ['-j1', '--halt', halt, 'exit {}', ':::', ...values];
      const result = await prun(['exec', ...args]);
      assert.equal(result.exitCode, gnuParallelStatus(args, { cwd: dir }), String(result.stderr));
      // ran: exit 2 is also what a refused --halt gives
      assert.doesNotMatch(String(result.stderr), /--halt must be/);
    });
  }

  test("--halt-on-error is GNU parallel's long name of --halt; --will-cite, --no-notice, --group and --env are accepted, and change nothing", async () => {
    const halted = await prun(['exec', '-j1', '--halt-on-error', '2', 'exit {}', ':::', '3', '0']);
    assert.equal(halted.exitCode, 3, String(halted.stderr));
    const quiet = await prun(['exec', '--will-cite', '--no-notice', '--group', '--lb', '--env', 'HOME', '--env', 'PATH', 'echo', ':::', 'a']);
    assert.equal(quiet.exitCode, 0, String(quiet.stderr));
    assert.equal(quiet.stdout, 'a');
  });

  test('--halt now,fail=1 on a job killed by a signal exits 128+signal, as parallel does', async () => {
    const args = ['-j1', '--halt', 'now,fail=1', 'kill -9 $$; : {}', ':::', 'a', 'b'];
    const result = await prun(['exec', ...args]);
    assert.equal(result.exitCode, 137);
    assert.equal(gnuParallelStatus(args, { cwd: dir }), 137);
  });

  test("--xapply is GNU parallel's older name of --link", async () => {
    const args = ['-k', '--xapply', 'echo', ':::', 'a', 'b', 'c', ':::', '1', '2'];
    const result = await prun(['exec', ...args]);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, 'a 1\nb 2\nc 1');
    assert.equal(result.stdout, gnuParallelHere(args).replace(/\n$/, ''));
  });

  test('--halt ...,fail=1 or done=1 met by a job that timed out exits 255, as parallel does (was: 1)', async () => {
    for (const halt of ['now,fail=1', 'soon,fail=1', 'now,done=1']) {
      const args = ['-j1', '--timeout', '1', '--halt', halt, 'sleep', ':::', '30'];
      const result = await prun(['exec', ...args]);
      assert.equal(result.exitCode, 255, halt);
      assert.equal(gnuParallelStatus(args, { cwd: dir }), 255, halt);
    }
  });

  test('without --halt, the exit status is still the number of failed jobs', async () => {
    const result = await prun(['exec', 'exit {}', ':::', '0', '3', '4']);
    assert.equal(result.exitCode, 2);
  });
});

describe('prun exec: --delay', () => {
  test('--delay 0.3 -j 4: no two of 4 jobs start less than about 300 ms apart', async () => {
    const result = await prun(['exec', '-j', '4', '--delay', '0.3', 'echo $(date +%s%N); : {}', ':::', '1', '2', '3', '4']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    const starts = lines(result.stdout).map((line) => BigInt(line)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    assert.equal(starts.length, 4);
    // lower bounds only, read from the jobs' own clocks: prun starts them 300 ms apart, and a
    // job's shell may take longer to get going than the one before (on a loaded machine 50 ms
    // and more: a bound of 250 ms a pair failed there), which shortens one gap but not the span
    const msBetween = (from: number, to: number) => Number(starts[to]! - starts[from]!) / 1e6;
    for (let i = 1; i < starts.length; i++) assert.ok(msBetween(i - 1, i) >= 150, `jobs ${i} and ${i + 1} started ${msBetween(i - 1, i)} ms apart`);
    assert.ok(msBetween(0, 3) >= 800, `4 jobs started within ${msBetween(0, 3)} ms`);
  });

  test('--delay starts the jobs in input order, as GNU parallel (was: a lane free early started its later input first)', async () => {
    const joblog = join(dir, 'delay-starts.joblog');
    const result = await prun(['exec', '-j', '3', '--delay', '0.05', '--joblog', joblog, 'true {}', ':::', '1', '2', '3', '4', '5', '6', '7', '8']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.deepEqual(await inputsByStartTime(joblog), ['1', '2', '3', '4', '5', '6', '7', '8']);
  });

  test('--delay starts no input before an earlier one held by a lane still starting (was: on a loaded machine, a lane slower to start than --delay ran its input after later ones)', async () => {
    const joblog = join(dir, 'delay-slow-lane.joblog');
    const marks = join(dir, 'delay-slow-lane');
    await mkdir(marks);
    // bash lanes (an exported function makes them bash) read BASH_ENV as they start: every lane
    // but the first to start is slow, so that a later input's lane is ready before an earlier one's
    const startup = join(dir, 'delay-slow-lane.bash');
    await writeFile(startup, `if [ "$0" = prun-lane ] && ! mkdir ${shellQuoteArg(join(marks, 'first'))} 2>/dev/null; then sleep 0.5; fi\n`);
    const env = { PARALLEL_SHELL: '/bin/bash', 'BASH_FUNC_noop%%': '() { :; }', BASH_ENV: startup };
    const inputs = ['1', '2', '3', '4', '5', '6'];
    const result = await prun(['exec', '-j', '3', '--delay', '0.01', '--joblog', joblog, 'true {}', ':::', ...inputs], { env });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.deepEqual(await inputsByStartTime(joblog), inputs);
  });

  test('--delay starts no input before an earlier one, even with a lane held by a long job (was: inputs given ahead to that lane waited behind it while the other lane ran later ones)', async () => {
    const joblog = join(dir, 'delay-held.joblog');
    const gate = join(dir, 'delay-held-gate');
    // input 1 holds its lane until input 30 has started: then every input between ran on the other lane
    const command = `if [ {} = 1 ]; then while [ ! -e ${gate} ]; do sleep 0.01; done; fi; if [ {} = 30 ]; then touch ${gate}; fi`;
    const inputs = Array.from({ length: 30 }, (_, i) => String(i + 1));
    const result = await prun(['exec', '-j', '2', '--delay', '0.01', '--joblog', joblog, command, ':::', ...inputs], { timeout: 60_000 });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.deepEqual(await inputsByStartTime(joblog), inputs);
  });

  test('--delay takes a duration with a unit, and 0 as no delay; anything else is a usage error', async () => {
    assert.equal((await prun(['exec', '--delay', '10ms', 'echo', ':::', 'a', 'b'])).stdout, 'a\nb');
    assert.equal((await prun(['exec', '--delay', '0', 'echo', ':::', 'a'])).stdout, 'a');
    // as --retry-delay 0s is (was: a usage error)
    assert.equal((await prun(['exec', '--delay', '0s', 'echo', ':::', 'a'])).stdout, 'a');
    assert.equal((await prun(['exec', '--delay', 'soon', 'echo', ':::', 'a'])).exitCode, 2);
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    test(`${signal} while a job waits out --delay ends prun at once, with the usual summary`, async () => {
      // an hour's delay: prun still waiting for it would time the test out
      const subprocess = execa(bin, ['exec', '-j', '2', '--delay', '1h', 'echo', ':::', 'a', 'b', 'c'], { cwd: root, reject: false, stdin: 'ignore' });
      await waitForLines(subprocess.stdout, /^a$/);
      subprocess.kill(signal);
      const result = await subprocess;
      assert.equal(result.exitCode, code);
      assert.equal(result.stdout, 'a');
      assert.match(String(result.stderr), /0 of 3 inputs failed, 2 never ran \(interrupted\)/);
    });
  }
});

describe('prun exec: lanes', () => {
  test('regression: -j 3000 on three inputs started 3000 lanes: lanes start as inputs need them, up to -j', async () => {
    // each job counts the processes prun has started (its lane's siblings and its lane)
    const count = 'pp=$(ps -o ppid= -p $PPID); ps -o pid= --ppid $pp | wc -l; : {}';
    const result = await prun(['exec', '-j', '3000', count, ':::', '1', '2', '3']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    const counts = lines(result.stdout).map(Number);
    assert.equal(counts.length, 3);
    assert.ok(counts.every((lanes) => lanes >= 1 && lanes <= 3), result.stdout);
  });

  test('{%} is the lowest free job slot, 1..-j, as GNU parallel numbers it', async () => {
    const result = await prun(['exec', '-j', '3', 'echo {%}', ':::', ...'123456789'.split('')]);
    assert.equal(result.exitCode, 0, String(result.stderr));
    const slots = new Set(lines(result.stdout));
    assert.ok([...slots].every((slot) => ['1', '2', '3'].includes(slot)), result.stdout);
    assert.ok(slots.has('1'), result.stdout);
  });
});

describe('prun exec: nothing left behind', () => {
  test('a job\'s background process ends with its lane when prun ends normally (was: left running, its parent gone)', async () => {
    const pids = join(dir, 'background-pids');
    const result = await prun(['exec', '-j', '2', `sleep 309 & echo $! >> ${pids}; echo {}`, ':::', '1', '2', '3', '4']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    // SIGTERM reached them as the lanes ended: a moment for the kernel to reap them
    await waitUntilGone(pids, 5000);
  });

  test('regression: a background process ignoring SIGTERM outlived a normal end: SIGKILL follows after the grace', async () => {
    const pids = join(dir, 'background-ignoring-pids');
    const background = `sh -c 'trap "" TERM; while :; do sleep 0.05; done' & echo $! >> ${pids}; echo {}`;
    const result = await prun(['exec', '-j', '2', background, ':::', '1', '2']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, '1\n2');
    // prun waited for them to go
    await assertGone(pids);
  });

  /**
   * Runs `job` (which appends a pid to `pids`) on inputs a and b, two at a time, and kills prun
   * by SIGKILL once both pids are written: the lanes see their lifeline close when prun is gone,
   * and every pid must be gone within `withinMs` (or the test's timeout).
   */
  async function killedWhileRunning(job: string, pids: string, withinMs?: number): Promise<void> {
    const subprocess = execa(bin, ['exec', '-j', '2', `${job}; : {}`, ':::', 'a', 'b'], { cwd: root, reject: false, stdin: 'ignore' });
    await waitForPids(pids, 2);
    subprocess.kill('SIGKILL');
    await subprocess;
    await waitUntilGone(pids, withinMs);
  }

  test('prun killed by SIGKILL: the lanes\' lifeline ends every running job and its children', async () => {
    const pids = join(dir, 'sigkill-pids');
    await killedWhileRunning(`sleep 300 & echo $! >> ${pids}; wait`, pids);
  });

  // a job that ignores SIGTERM: the lane's watcher must follow its SIGTERM with SIGKILL
  const ignoresTerm = (pids: string) => `trap '' TERM; echo $$ >> ${pids}; while :; do sleep 0.05; done`;
  /** Far above the watcher's second of grace, far below forever. */
  const GONE_WITHIN_MS = 10_000;

  test('regression: exec jobs that ignore SIGTERM survived prun killed by SIGKILL', async () => {
    const pids = join(dir, 'sigkill-ignoring-pids');
    await killedWhileRunning(ignoresTerm(pids), pids, GONE_WITHIN_MS);
  });

  test('regression: exec jobs that ignore SIGTERM survived prun exiting on a closed stdout (| head -1)', async () => {
    const pids = join(dir, 'head-ignoring-pids');
    // `a` runs forever, ignoring SIGTERM; `b` gives head its line; `c` writes on, once `a` is
    // running, until prun finds its reader gone and exits
    const command = `if [ {} = a ]; then ${ignoresTerm(pids)}; fi; if [ {} = c ]; then while [ ! -s ${pids} ]; do sleep 0.01; done; yes c | head -c 3000000; fi; echo {}`;
    const pipeline = `${shellQuoteArg(bin)} exec --unordered -j 3 ${shellQuoteArg(command)} ::: a b c | head -1`;
    const result = await execa('/bin/sh', ['-c', pipeline], { cwd: root, reject: false, stdin: 'ignore' });
    assert.equal(lines(result.stdout).length, 1, String(result.stdout).slice(0, 100));
    await waitUntilGone(pids, GONE_WITHIN_MS);
  });
});

/**
 * The inputs of a joblog in the order prun started them, by its Starttime column. Not the order
 * in which the jobs' own shells got going: under load a job's shell can take longer to start than
 * --delay, and a job that wrote its input first had not been started first (a CI failure).
 */
async function inputsByStartTime(joblog: string): Promise<string[]> {
  return (await joblogRows(joblog)).sort((a, b) => Number(a[2]) - Number(b[2])).map((row) => row.at(-1)!);
}

/** What `seq 1 N` prints, each line starting with `prefix`. */
function seq(count: number, prefix = ''): string {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}\n`).join('');
}

function shellQuoteArg(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** Resolves once every process the file lists has ended; fails if one is left after `withinMs`. */
async function waitUntilGone(pidFile: string, withinMs = Number.POSITIVE_INFINITY): Promise<void> {
  const pids = lines((await readFile(pidFile, 'utf8')).trim()).map(Number);
  assert.ok(pids.length > 0, 'no pid was recorded');
  await assertGoneWithin(pids, withinMs);
}

/** Every process whose pid the file lists has ended already. */
function assertGone(pidFile: string): Promise<void> {
  return waitUntilGone(pidFile, 0);
}

/**
 * Resolves once the file lists `count` pids: the jobs write it when they have started, since
 * what they print reaches prun only when they end.
 */
async function waitForPids(pidFile: string, count: number): Promise<void> {
  for (;;) {
    const text = await readFile(pidFile, 'utf8').catch(() => '');
    if (lines(text.trim()).length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

