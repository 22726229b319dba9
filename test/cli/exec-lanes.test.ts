// prun exec's lanes: --delay's start order, job slots ({%}), and nothing a job started left
// running when its lane or prun ends, run as a user would (the built CLI through execa).
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { assertGone, inputsByStartTime, shellQuoteArg, waitForPids, waitUntilGone } from '../helpers/exec.js';
import { joblogRows, scratchDir } from '../helpers/files.js';
import { bin, lines, prun, root } from '../helpers/prun.js';
import { waitForLines } from '../helpers/streams.js';

const dir = scratchDir('exec-lanes');

describe('prun exec: --delay', () => {
  test('--delay 0.3 -j 4: no two of 4 jobs start less than 300 ms apart', async () => {
    const joblog = join(dir, 'delay-gaps.joblog');
    const result = await prun(['exec', '-j', '4', '--delay', '0.3', '--joblog', joblog, 'true {}', ':::', '1', '2', '3', '4']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    // the starts as prun gave them out (the joblog's Starttime, to the ms), not as each job's
    // shell read its clock: a shell slow to get going on a loaded machine shortened a gap read
    // there (was: 773 ms for the four, in a CI run); timers fire up to 1 ms early, and each time is rounded to the ms
    const starts = (await joblogRows(joblog)).map((row) => Number(row[2])).sort((a, b) => a - b);
    assert.equal(starts.length, 4);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 0.297, `jobs ${i} and ${i + 1} started ${starts[i]! - starts[i - 1]!} s apart`);
  });

  test('--delay counts from when a job started, not from when prun gave it to its lane (was: a lane slow to get to its job shortened the gap the jobs saw)', async () => {
    const mark = join(dir, 'delay-late-job');
    // bash lanes (an exported function makes them bash) read BASH_ENV as they start: the trap
    // holds up the first lane to get a job 300 ms between reading the job and starting it
    const startup = join(dir, 'delay-late-job.bash');
    await writeFile(startup, `if [ "$0" = prun-lane ]; then trap '[[ $BASH_COMMAND == "[ -e "* ]] && mkdir ${shellQuoteArg(mark)} 2>/dev/null && sleep 0.3' DEBUG; fi\n`);
    const env = { PARALLEL_SHELL: '/bin/bash', 'BASH_FUNC_noop%%': '() { :; }', BASH_ENV: startup };
    // each job reads the clock as its first command
    const result = await prun(['exec', '-j', '2', '--delay', '0.5', 'date +%s.%N; : {}', ':::', '1', '2', '3'], { env });
    assert.equal(result.exitCode, 0, String(result.stderr));
    const starts = lines(result.stdout).map(Number).sort((a, b) => a - b);
    assert.equal(starts.length, 3);
    // without the wait for a start, the first gap was 0.2 s at most; here timing is the point, with room for a loaded machine
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 0.45, `jobs ${i} and ${i + 1} started ${(starts[i]! - starts[i - 1]!).toFixed(3)} s apart`);
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

describe('prun exec: a job whose lane dies', () => {
  test('its joblog row has its own start and runtime (was: started as prun heard of it, 0 s long)', async () => {
    const joblog = join(dir, 'lane-death-joblog');
    // the second job ends its lane, the shell it runs in, after as long as the others run
    const result = await prun(['exec', '-j1', '--joblog', joblog, 'sleep 0.2; [ {} = 2 ] && kill -9 $PPID; echo {}', ':::', '1', '2', '3']);
    assert.equal(result.exitCode, 1, String(result.stderr));
    const rows = await joblogRows(joblog);
    assert.deepEqual(rows.map((row) => [row[0], row[7]]), [['1', '0'], ['2', '9'], ['3', '0']]);
    const [first, died, third] = rows.map((row) => ({ start: Number(row[2]), runtime: Number(row[3]) }));
    // it ran its sleep, and started once the first was over and before the third began
    assert.ok(died!.runtime >= 0.2, `runtime ${died!.runtime}`);
    assert.ok(died!.start >= first!.start + first!.runtime - 0.005, JSON.stringify(rows));
    assert.ok(died!.start + died!.runtime <= third!.start + 0.005, JSON.stringify(rows));
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

  test('prun killed by SIGKILL under --pipe: the blocks read ahead go with the lanes\' files (was: left in /dev/shm for good)', async () => {
    const scratch = join(dir, 'pipe-sigkill-tmp');
    await mkdir(scratch);
    const pids = join(dir, 'pipe-sigkill-pids');
    const subprocess = execa(bin, ['exec', '--tmpdir', scratch, '--pipe', '-N1', '-j', '2', `echo $$ >> ${pids}; sleep 300`], { cwd: root, reject: false, stdin: 'pipe' });
    subprocess.stdin!.write('a\nb\nc\nd\n'); // and stays open: blocks of c and d wait in files
    await waitForPids(pids, 2);
    assert.ok((await readdir(scratch)).length > 0, 'the blocks were written');
    subprocess.kill('SIGKILL');
    await subprocess;
    await waitUntilGone(pids);
    // the watchers remove the folders right after their SIGTERM, before the second of grace
    const deadline = Date.now() + 10_000;
    while ((await readdir(scratch)).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(await readdir(scratch), []);
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

describe('prun exec: lanes within the limit of open files', () => {
  test('-j past what ulimit -n allows runs as many lanes as it does, said in one line, and every input (was: spawn EMFILE with a stack trace, no input run)', async () => {
    const inputs = Array.from({ length: 60 }, (_, i) => String(i + 1));
    const result = await execa('sh', ['-c', 'ulimit -n 200 && exec "$0" "$@"', process.execPath, bin, 'exec', '-j', '100', 'echo {}', ':::', ...inputs], { cwd: root, reject: false });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.deepEqual(lines(result.stdout), inputs);
    assert.match(String(result.stderr), /^prun: only enough file handles to run \d+ jobs at once \(ulimit -n is 200\): running \d+, not 100$/);
  });

  test('-j past what a very low ulimit -n allows says "1 job", not "1 jobs"', async () => {
    const result = await execa('sh', ['-c', 'ulimit -n 48 && exec "$0" "$@"', process.execPath, bin, 'exec', '-j', '4', 'echo {}', ':::', '1', '2'], { cwd: root, reject: false });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.deepEqual(lines(result.stdout), ['1', '2']);
    assert.match(String(result.stderr), /^prun: only enough file handles to run 1 job at once \(ulimit -n is 48\): running 1, not 4$/);
  });
});
