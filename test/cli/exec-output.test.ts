// prun exec's output, run as a user would (the built CLI through execa): what reaches stdout
// and stderr, in which order and form, and big output streamed rather than held.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { besideGnuParallel, prunWithStdin, seq, shellQuoteArg } from '../helpers/exec.js';
import { scratchDir } from '../helpers/files.js';
import { gnuParallel, gnuParallelRun } from '../helpers/gnu-parallel.js';
import { bin, HUNG_MS, lines, prun, root } from '../helpers/prun.js';
import { waitForLines } from '../helpers/streams.js';

const dir = scratchDir('exec-output');
const { gnuParallelHere, assertAsGnuParallel } = besideGnuParallel(dir);

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

  test('--workdir DIR runs the jobs in DIR, made if missing, as GNU parallel; --results DIR stays where prun was started', async () => {
    const work = join(dir, 'workdir', 'made');
    const result = await prun(['exec', '--wd', work, '--results', 'workdir-results', 'pwd; echo {} > here', ':::', 'a'], { cwd: dir });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(await readFile(join(work, 'here'), 'utf8'), 'a\n');
    assert.equal(await readFile(join(dir, 'workdir-results', '1', 'a', 'stdout'), 'utf8'), `${work}\n`);
    assert.equal(existsSync(join(work, 'workdir-results')), false);
  });

  test('--workdir with replacement strings, or GNU\'s `...`, is refused before anything runs, and no folder is made (was: a folder named {} made, every job run in it)', async () => {
    const here = join(dir, 'workdir-refused');
    await mkdir(here, { recursive: true });
    for (const name of ['{}', 'run-{#}', '{= $_ =}', '...', 'x/{1}']) {
      const result = await prun(['exec', '--wd', name, 'pwd', ':::', 'a'], { cwd: here });
      assert.equal(result.exitCode, 2, name);
      assert.equal(result.stdout, '', name);
      assert.equal(lines(result.stderr).length, 1, String(result.stderr));
    }
    // a replacement string of the user's own spelling, as GNU parallel reads it in --wd (was: a folder named @)
    for (const args of [['-I', '@', '--wd', '@'], ['--extensionreplace', 'XX', '--wd', 'XX'], ['--seqreplace', 'NN', '--wd', 'dir-NN']]) {
      const result = await prun(['exec', ...args, 'pwd', ':::', 'a'], { cwd: here });
      assert.equal(result.exitCode, 2, args.join(' '));
      assert.equal(lines(result.stderr).length, 1, String(result.stderr));
    }
    // the hint to paste spells the input as the user does
    const spelled = await prun(['exec', '-I', '@', '--wd', '@', 'pwd', ':::', 'a'], { cwd: here });
    assert.match(String(spelled.stderr), /'cd @ && CMD'/);
    // a --workdir that cannot be made leaves --results' file as it was (was, for a day: emptied)
    const kept = join(dir, 'workdir-kept');
    await mkdir(kept, { recursive: true });
    await writeFile(join(kept, 'afile'), 'data\n');
    await writeFile(join(kept, 'old.csv'), 'keep me\n');
    assert.equal((await prun(['exec', '--results', 'old.csv', '--wd', 'afile', 'echo', ':::', 'a'], { cwd: kept })).exitCode, 2);
    assert.equal(await readFile(join(kept, 'old.csv'), 'utf8'), 'keep me\n');
    // nor emptied, nor the folder made, nor --failed-out emptied, by a run that a --joblog which is
    // not one refuses (was: old.csv emptied and the folder made, as they came first)
    await writeFile(join(kept, 'not-a-joblog'), 'hello\n');
    await writeFile(join(kept, 'failed.txt'), 'an earlier failure\n');
    const refused = await prun(['exec', '--results', 'old.csv', '--wd', 'made', '--failed-out', 'failed.txt', '--joblog', 'not-a-joblog', 'echo', ':::', 'a'], { cwd: kept });
    assert.equal(refused.exitCode, 2, String(refused.stderr));
    assert.equal(await readFile(join(kept, 'old.csv'), 'utf8'), 'keep me\n');
    assert.equal(await readFile(join(kept, 'failed.txt'), 'utf8'), 'an earlier failure\n');
    assert.equal(existsSync(join(kept, 'made')), false);
    // nor by one that a --results FILE, a --results DIR, a --workdir or a --failed-out which cannot
    // be written or made refuses, whichever comes first (was: the folders made, --failed-out
    // emptied, a --joblog made, before the last check refused the run)
    await mkdir(join(kept, 'a-folder.csv'));
    for (const args of [['--results', 'a-folder.csv'], ['--results', 'afile/sub'], ['--wd', 'afile'], ['--failed-out', 'no-folder/f.txt'], ['--failed-out', 'no-folder/../f.txt'], ['--results', 'old.csv/x.csv']]) {
      const run = await prun(['exec', '--wd', 'made', '--results', 'made-results', '--failed-out', 'failed.txt', '--joblog', 'new-joblog', ...args, 'echo', ':::', 'a'], { cwd: kept });
      assert.equal(run.exitCode, 2, `${args.join(' ')}: ${String(run.stderr)}`);
      assert.equal(lines(run.stderr).length, 1, String(run.stderr));
      assert.equal(await readFile(join(kept, 'failed.txt'), 'utf8'), 'an earlier failure\n', args.join(' '));
      for (const made of ['made', 'made-results', 'new-joblog']) assert.equal(existsSync(join(kept, made)), false, `${args.join(' ')}: ${made}`);
    }
    // --results FILE that is an input, stdin, the --joblog or --failed-out: refused, and left as it was (was: emptied, or written into)
    await writeFile(join(kept, 'in.csv'), '1\n2\n');
    for (const run of [
      await prun(['exec', '--results', 'in.csv', 'echo', '::::', 'in.csv'], { cwd: kept }),
      // stdin the file itself, as the shell opens it
      await execa('sh', ['-c', '"$0" exec --results in.csv echo < in.csv', bin], { cwd: kept, reject: false }),
    ]) {
      assert.equal(run.exitCode, 2, String(run.stderr));
      assert.equal(await readFile(join(kept, 'in.csv'), 'utf8'), '1\n2\n');
    }
    // by another name too: a folder's link, a link to a file not made yet (was: both written into one file)
    await mkdir(join(kept, 'real'));
    await symlink('real', join(kept, 'link'));
    await symlink('new-log', join(kept, 'dangling.csv'));
    // a link's target read from where the link is, not from the name it was reached by
    await mkdir(join(kept, 'real', 'deep'));
    await symlink('real/deep', join(kept, 'deep-link'));
    await symlink('../up-log', join(kept, 'real', 'deep', 'x.csv'));
    for (const other of ['--joblog', '--failed-out']) {
      for (const [results, theOther] of [['both.csv', 'both.csv'], ['link/both.csv', 'real/both.csv'], ['dangling.csv', 'new-log'], ['deep-link/x.csv', 'real/up-log']]) {
        const run = await prun(['exec', '--results', results!, other, theOther!, 'echo', ':::', 'a'], { cwd: kept });
        assert.equal(run.exitCode, 2, `${results} ${other} ${theOther}: ${String(run.stderr)}`);
        assert.equal(existsSync(join(kept, theOther!)), false);
      }
    }
    // nor made by a run refused for another reason, or by a dry run (was: made as the options were read)
    assert.equal((await prun(['exec', '--wd', 'refused', '--trim', 'x', 'pwd', ':::', 'a'], { cwd: here })).exitCode, 2);
    assert.equal((await prun(['exec', '--dryrun', '--wd', 'dry', 'pwd', ':::', 'a'], { cwd: here })).exitCode, 0);
    assert.deepEqual(await readdir(here), []);
    // braces that are no replacement string are a folder's name, as in GNU parallel
    const literal = await prun(['exec', '--wd', 'a{b}', 'pwd', ':::', 'a'], { cwd: here });
    assert.equal(literal.exitCode, 0, String(literal.stderr));
    assert.equal(literal.stdout, join(here, 'a{b}'));
  });

  test('--tmpdir DIR keeps the jobs\' output files in DIR while they run', async () => {
    const tmp = join(dir, 'tmpdir');
    await mkdir(tmp);
    const result = await prun(['exec', '--tmpdir', tmp, `ls ${tmp}; : {}`, ':::', 'a']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.match(String(result.stdout), /^prun-exec-/);
    assert.deepEqual(await readdir(tmp), [], 'removed at the end');
  });

  test('regression: a --results or --workdir folder under /proc is one line, exit 2 (was: prun spun for ever at 100% CPU, Node\'s recursive mkdir looping on ENOENT)', { skip: !existsSync('/proc/self') }, async () => {
    for (const args of [['--results', '/proc/prun-not-there/out'], ['--workdir', '/proc/prun-not-there'], ['--tmpdir', '/proc/prun-not-there']]) {
      const result = await prun(['exec', ...args, 'echo', ':::', 'a'], { timeout: HUNG_MS });
      assert.equal(result.timedOut, false, args[0]);
      assert.equal(result.exitCode, 2, args[0]);
      assert.equal(lines(result.stderr).length, 1, String(result.stderr));
    }
  });

  test('--results: a name with replacement strings is refused, not made a directory; --rpl\'s, -I\'s and --plus\'s too (was: a folder named {@} or @)', async () => {
    const cases: [string, string[]][] = [['my_{}', []], ['job{#}/', []], ['o-{@}', ['--rpl', '{@} s/a/b/']], ['o-@@', ['--rpl', '@@ s/a/b/']], ['o-@', ['-I', '@']], ['o-{+.}', ['--plus']], ['o{}x', ['-I', '@']]];
    for (const [name, options] of cases) {
      const result = await prun(['exec', ...options, '--results', join(dir, name), 'echo', ':::', 'a']);
      assert.equal(result.exitCode, 2, name);
      assert.equal(existsSync(join(dir, name.replace(/\/$/, ''))), false, name);
    }
  });

  test("--workdir and --results holding a --header name (a column's, a file's) are refused as their other replacement strings are, before anything is made (was: a folder named {x}, where GNU parallel makes one a job)", async () => {
    const here = join(dir, 'named-folders');
    await mkdir(here, { recursive: true });
    await writeFile(join(here, 'f'), 'f1\n');
    for (const args of [['--header', ':', '--wd', '{x}'], ['--header', ':', '--wd', 'w-{x.}'], ['--header', ':', '--results', 'r{x}'], ['--header', '0', '--results', 'r-{f/}'], ['--header', '0', '--wd', '{f}']]) {
      const result = await prun(['exec', ...args, 'pwd', ':::', 'x', 'a', '::::', 'f'], { cwd: here });
      assert.equal(result.exitCode, 2, args.join(' '));
      assert.equal(lines(result.stderr).length, 1, String(result.stderr));
    }
    assert.deepEqual((await readdir(here)).sort(), ['f']);
    // a file of records is named as typed, as GNU parallel names it (was, for a commit: refused)
    const records = await prun(['exec', '--header', ':', '--results', '{x}.csv', 'echo', ':::', 'x', 'a'], { cwd: here });
    assert.equal(records.exitCode, 0, String(records.stderr));
    assert.match(await readFile(join(here, '{x}.csv'), 'utf8'), /^Seq,Host,.*,x,Stdout,Stderr\n1,/);
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
      // regression: tagged in Stdout and Stderr, Receive untagged (was: untagged)
      ['--results', '-.csv', '--tag', 'echo x; echo e >&2; printf last', ':::', 'a', 'b'],
      ['--results', '-.json', '--tagstring', 'T{}', 'echo x; echo e >&2', ':::', 'a'],
      ['--results', '-.tsv', '--tag', '-N2', 'printf "%s\\n"', ':::', '1', '2', '3'],
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

  test("--header : without --colsep splits at tabs, and the header's names name --results' folders, as with --colsep (was: 1/ and 2/)", async () => {
    const table = join(dir, 'header.tsv');
    await writeFile(table, 'name\tage\nann\t3\n');
    const out = join(dir, 'results-header');
    const result = await prun(['exec', '--header', ':', '--results', out, 'echo', '{name}', '::::', 'header.tsv'], { cwd: dir });
    assert.equal(result.exitCode, 0, String(result.stderr));
    // the file's path names its first column's level, and the levels go sorted by name, as GNU parallel's
    assert.equal(await readFile(join(out, 'age', '3', 'header.tsv', 'ann', 'stdout'), 'utf8'), 'ann\n');
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

  test('--results DIR: a value longer than a folder name can be is cut at 255 bytes, as GNU parallel cuts it (was: mkdir failed, the job with it)', async () => {
    const long = 'a'.repeat(300);
    const out = join(dir, 'long-results');
    const result = await prun(['exec', '--results', out, 'echo', ':::', long, 'b']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(await readFile(join(out, '1', 'a'.repeat(255), 'stdout'), 'utf8'), `${long}\n`);
    assert.equal(await readFile(join(out, '1', 'b', 'stdout'), 'utf8'), 'b\n');
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

  test('--plus: {##} and {0#} in --tagstring are the number of jobs and the padded seq, as in the command (was: empty and unpadded)', async () => {
    const inputs = 'abcdefghijk'.split('');
    const result = await prun(['exec', '-k', '--plus', '--tagstring', '{##}:{0#}', 'echo', ':::', ...inputs]);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.deepEqual(lines(result.stdout), inputs.map((input, i) => `11:${String(i + 1).padStart(2, '0')}\t${input}`));
  });

  test('--pipe with {##} or a --halt percentage is a usage error: the number of blocks is not known ahead (was: lines of stdin counted as inputs, the halt never met)', async () => {
    for (const args of [['--plus', '-N', '2', 'echo {##}'], ['--halt', 'now,fail=50%', 'cat']]) {
      const result = await prun(['exec', '--pipe', ...args], { stdin: 'pipe', input: 'a\nb\n' });
      assert.equal(result.exitCode, 2, args.join(' '));
      assert.equal(lines(result.stderr).length, 1, String(result.stderr));
    }
  });

  test('-s: an input too long for a command line of -s characters is refused where it comes, one line naming it, after the jobs before it, as GNU parallel does (was: run all the same)', async () => {
    const result = await prun(['exec', '-j1', '-s', '7', '--xargs', 'echo'], { stdin: 'pipe', input: seq(10) });
    assert.equal(result.exitCode, 1);
    assert.deepEqual(lines(result.stdout), lines(seq(9).trimEnd()));
    assert.deepEqual(lines(result.stderr), ['prun: a command line of 8 characters is longer than -s allows (7), for the input "10"']);
  });

  for (const flag of ['--xargs', '-X', '-m']) {
    test(`${flag} on an input that has not ended: jobs start as their command lines fill, one job of inputs held at most (was: every input read first, nothing ran, memory grew)`, { timeout: 180_000 }, async () => {
      const child = execa(bin, ['exec', '-j1', '-s', '1000', flag, 'echo'], { cwd: root, reject: false, stdin: 'pipe' });
      // a few command lines' worth, and stdin left open: a job must run before its end
      child.stdin!.write('1\n'.repeat(2000));
      await waitForLines(child.stdout!, /^1 1 1/);
      child.stdin!.end();
      const result = await child;
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(String(result.stdout).split(/\s+/).filter((word) => word === '1').length, 2000);
    });
  }

  test('--pipe with no command is a usage error, one line, before anything runs (was: a shell syntax error a block, exit 1)', async () => {
    const result = await prun(['exec', '--pipe'], { stdin: 'pipe', input: 'a\nb\n' });
    assert.equal(result.exitCode, 2);
    assert.equal(result.stdout, '');
    assert.deepEqual(lines(result.stderr), ['prun: --pipe needs a command to pipe each block into']);
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

  for (const [name, options, PARALLEL] of [
    ['--unordered', ['--unordered'], undefined],
    ["GNU parallel's --no-keep-order, after a -k in $PARALLEL (was: an unknown option)", ['--no-keep-order'], '-k'],
    ["GNU parallel's --nokeeporder, before a -k: it wins whatever the order (was, for a commit: the last given won)", ['--nokeeporder', '-k'], undefined],
  ] as const) {
    test(`${name} prints each output as its job ends`, async () => {
      // input 1 waits for a file that the test makes only once it has read 3 from prun
      const go = join(dir, `go-unordered${options.join('')}`);
      const command = `if [ {} = 1 ]; then while [ ! -e ${go} ]; do sleep 0.01; done; fi; echo {}`;
      const subprocess = execa(bin, ['exec', '-j', '2', ...options, command, ':::', '1', '2', '3'], { cwd: root, reject: false, stdin: 'ignore', env: PARALLEL === undefined ? {} : { PARALLEL } });
      await waitForLines(subprocess.stdout, /^3$/);
      await writeFile(go, '');
      const result = await subprocess;
      assert.equal(result.stdout, '2\n3\n1');
    });
  }

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
