// prun exec when jobs fail: the words of the command, exit statuses, --halt, as GNU parallel
// reports them, run as a user would (the built CLI through execa).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { assertGone, besideGnuParallel, waitForPids } from '../helpers/exec.js';
import { joblogRows, scratchDir } from '../helpers/files.js';
import { gnuParallelStatus } from '../helpers/gnu-parallel.js';
import { bin, lines, prun, root } from '../helpers/prun.js';
import { waitForLines } from '../helpers/streams.js';

const dir = scratchDir('exec-failures');
const { gnuParallelHere } = besideGnuParallel(dir);

describe('prun exec: failures', () => {
  test('every word after the first one that is not an option is the command\'s, its options included, as GNU parallel reads them', async () => {
    const result = await prun(['exec', '-j', '1', 'echo', '-n', 'hi', ':::', 'a', 'b']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, 'hi ahi b');
    const quoted = await prun(['exec', 'echo hi', ':::', 'a']);
    assert.equal(quoted.stdout, 'hi a');
  });

  test('a --colsep that is no regular expression is a usage error naming it as typed (was: its UTF-8 bytes read as Latin-1, `Ã©(`)', async () => {
    const result = await prun(['exec', '--colsep', 'é(', 'echo', ':::', 'a']);
    assert.equal(result.exitCode, 2);
    assert.equal(lines(result.stderr).length, 1);
    assert.match(String(result.stderr), /"é\("/);
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

  test('a quoted command then names of files, with inputs piped on stdin, runs as GNU parallel: the old form never read stdin (was: refused as the old form)', async () => {
    const file = join(dir, 'piped-beside.txt');
    await writeFile(file, 'x\n');
    const args = ['-k', '-j1', 'cat -n', file];
    const result = await prun(['exec', ...args], { cwd: dir, stdin: 'pipe', input: `${file}\n` });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, gnuParallelHere(args, `${file}\n`).trimEnd());
    // stdin empty, or /dev/null: still the old form, refused with the hint (GNU's grammar would run nothing)
    const empty = await prun(['exec', 'echo {}', file], { cwd: dir, stdin: 'ignore' });
    assert.equal(empty.exitCode, 2);
    assert.match(String(empty.stderr), /:::: /);
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

  test('one SIGTERM (as a Ctrl-C) asks running commands to stop, as GNU parallel does: one that fails for it never ran, one that ends well ran (was: they ran on for the 10 s grace, then killed)', async () => {
    const pids = join(dir, 'stop-pids');
    const joblog = join(dir, 'stop-joblog');
    const command = `if [ {} = traps ]; then trap 'echo stopped well; exit 0' TERM; fi; sleep 300 & echo $! >> ${pids}; wait`;
    const subprocess = execa(bin, ['exec', '-j', '2', '--joblog', joblog, command, ':::', 'fails', 'traps', 'never'], { cwd: root, reject: false, stdin: 'ignore' });
    await waitForPids(pids, 2);
    subprocess.kill('SIGTERM');
    const result = await subprocess;
    assert.equal(result.exitCode, 143);
    assert.equal(result.stdout, 'stopped well');
    assert.match(String(result.stderr), /0 of 3 inputs failed, 2 never ran \(interrupted\)/);
    // the one that ended well has its row; --resume runs the others
    assert.deepEqual((await joblogRows(joblog)).map((row) => row.at(-1)), ['traps']);
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

  test('regression: a TMPDIR that does not exist is one line and exit 2, with --pipe too (was: a stack trace, exit 1)', async () => {
    const env = { TMPDIR: join(dir, 'no-such-folder') };
    for (const args of [['exec', 'echo', ':::', 'a'], ['exec', '--pipe', 'cat']]) {
      const result = await prun(args, { env, stdin: 'pipe', input: 'a\n' });
      assert.equal(result.exitCode, 2, String(result.stderr));
      assert.equal(result.stdout, '');
      assert.equal(lines(String(result.stderr).trimEnd()).length, 1, String(result.stderr));
      assert.ok(String(result.stderr).includes(env.TMPDIR), String(result.stderr));
    }
  });
});

describe('prun exec: a `::::` file that cannot be read', () => {
  // each reading mode reads its files its own way: all say the same one line, exit 2, nothing run
  const modes: [string, string[]][] = [
    ['--shuf', ['--shuf', 'echo']],
    ['--header :', ['--header', ':', 'echo', '{1}']],
    ['{##}', ['--plus', 'echo', '{##}']],
    ['-X', ['-X', 'echo']],
    ['-N2', ['-N2', 'echo']],
    ['--colsep', ['--colsep', ',', 'echo']],
    ['--pipe', ['--pipe', 'cat']],
    ['no option', ['echo']],
  ];
  for (const [mode, args] of modes) {
    test(`${mode}: a missing file, a directory or one whose read fails is one line naming it, exit 2 (was: a stack trace, a bare ENOENT or EISDIR, or nothing at all under --pipe, exit 0)`, async () => {
      const unreadable: [string, RegExp][] = [
        [join(dir, 'missing.txt'), /no such file/],
        [dir, /is a directory/],
        // opens, then fails its first read
        ...(mode === '--pipe' ? [] : [['/proc/self/mem', /i\/o error/] as [string, RegExp]]),
      ];
      for (const [file, problem] of unreadable) {
        const result = await prun(['exec', ...args, '::::', file], { stdin: 'pipe', input: 'a\n' });
        assert.equal(result.exitCode, 2, `${file}: ${String(result.stderr)}`);
        assert.equal(result.stdout, '');
        assert.equal(lines(String(result.stderr).trimEnd()).length, 1, String(result.stderr));
        assert.match(String(result.stderr), new RegExp(`^prun: cannot read INPUT ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ${problem.source}`));
      }
    });
  }
});

describe('prun exec: where the jobs keep their files', () => {
  test('regression: a relative TMPDIR with --wd: the jobs find their files from the other folder (was: every job failed, exit 2, and no word why)', async () => {
    mkdirSync(join(dir, 'relative-tmp'), { recursive: true });
    const env = { TMPDIR: 'relative-tmp' };
    for (const args of [['exec', '--wd', tmpdir(), 'echo', ':::', 'a'], ['exec', '--wd', tmpdir(), '--pipe', 'cat']]) {
      const result = await prun(args, { cwd: dir, env, stdin: 'pipe', input: 'a\n' });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, 'a');
    }
  });
});

describe('prun exec: an input too long', () => {
  test('regression: an input too long to make its command of stops the run with one line naming its job, real or --dryrun; what came before it ran (was: a RangeError with its stack, exit 1)', async () => {
    // six copies of 100 MB are past the longest string V8 makes (~536 MB); the line itself is not
    const file = join(dir, 'big-input.txt');
    await writeFile(file, `a1\n${'a'.repeat(100_000_000)}\nb\nc\n`);
    const command = 'echo {} {} {} {} {} {} | wc -c';
    for (const options of [[], ['--dryrun']]) {
      const joblog = join(dir, `big-input${options.length}.log`);
      const result = await prun(['exec', ...options, '-j2', '--joblog', joblog, command, '::::', file]);
      assert.equal(result.exitCode, 1, String(result.stderr));
      assert.equal(result.stdout, options.length ? 'echo a1 a1 a1 a1 a1 a1 | wc -c' : '18');
      const said = lines(String(result.stderr).trimEnd());
      assert.equal(said.length, 2, String(result.stderr));
      assert.match(said[0]!, /^prun: job 2: /);
      assert.doesNotMatch(String(result.stderr), /RangeError|\n\s+at /);
      if (!options.length) assert.deepEqual((await joblogRows(joblog)).map((row) => row.at(-1)), ['a1']);
    }
  });
});
