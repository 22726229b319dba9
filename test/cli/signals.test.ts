import assert from 'node:assert/strict';
import { closeSync, constants, createWriteStream, openSync } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { bin, lines, root, runtimes } from '../helpers/prun.js';
import { assertAllEnded, descendantsOf, waitUntilOpen } from '../helpers/processes.js';
import { waitForPids } from '../helpers/exec.js';
import { waitForLines } from '../helpers/streams.js';
import { stopTwiceUnread } from '../helpers/stalled-reader.js';
import { scratchDir, waitForFile } from '../helpers/files.js';

const dir = scratchDir('signals');

/** A regression would hang rather than fail: bound it. */
const BOUNDED = { timeout: 60_000 };
const EXIT_FOR = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, SIGQUIT: 131, SIGALRM: 142 } as const;

/** What runs the work: a pool of processes, of threads, shell lanes. Each echoes its input. */
const RUNNERS = [
  ...runtimes.map((runtime) => ({ name: `map ${runtime}`, args: ['map', 'fixtures/faults.ts', runtime, '2'], processes: runtime === '--procs' })),
  // `::::` then nothing reads stdin; then a FIFO appended is the file of inputs
  { name: 'exec', args: ['exec', '-j', '2', 'echo {}', '::::'], processes: true },
];

let fifos = 0;
async function makeFifo(): Promise<string> {
  const path = join(dir, `fifo-${++fifos}`);
  await execa('mkfifo', [path]);
  return path;
}

function assertQuietStop(result: { exitCode?: number; stderr: unknown }, code: number, summary: RegExp): void {
  const stderr = String(result.stderr);
  assert.doesNotMatch(stderr, /ERR_STREAM|^\s+at /m, 'no stack trace');
  assert.equal(result.exitCode, code, stderr);
  assert.match(lines(stderr).at(-1)!, summary);
}

describe('ERR_STREAM_PREMATURE_CLOSE: a signal while prun waits on a pipe whose writer stays open', () => {
  for (const runner of RUNNERS) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      test(`${runner.name}: ${signal} exits ${EXIT_FOR[signal]} with the summary, and no process is left`, BOUNDED, async () => {
        const child = execa(bin, runner.args, { cwd: root, reject: false, stdin: 'pipe' });
        child.stdin!.write('a\nb\nc\n'); // and stays open: prun is idle once c is out
        await waitForLines(child.stdout!, /^c$/);
        const left = await descendantsOf(child.pid!);
        if (runner.processes) assert.ok(left.length > 0, 'workers to check');
        child.kill(signal);
        const result = await child;
        assertQuietStop(result, EXIT_FOR[signal], /^prun: 0 of 3 inputs failed, 0 never ran \(interrupted\)$/);
        // nothing runs: it says so, not that it waits for running inputs (was: it did)
        assert.doesNotMatch(String(result.stderr), /waiting for running ones/);
        assert.deepEqual(lines(result.stdout), ['a', 'b', 'c']);
        await assertAllEnded(left);
      });
    }
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`exec --pipe: ${signal} exits ${EXIT_FOR[signal]} with the summary (was: it waited for the writer to close stdin)`, BOUNDED, async () => {
      // a block a record: each line is a job of its own
      const child = execa(bin, ['exec', '-j', '2', '--pipe', '-N', '1', 'cat'], { cwd: root, reject: false, stdin: 'pipe' });
      child.stdin!.write('a\nb\nc\n'); // and stays open
      await waitForLines(child.stdout!, /^[abc]$/, 3);
      child.kill(signal);
      const result = await child;
      assertQuietStop(result, EXIT_FOR[signal], /^prun: 0 of 3 inputs failed, 0 never ran \(interrupted\)$/);
      assert.deepEqual(lines(result.stdout).sort(), ['a', 'b', 'c']);
    });
  }

  test('exec --pipe: the records read since the last block count as a block that never ran (was: left out, "0 of 0 inputs failed, 0 never ran")', BOUNDED, async () => {
    const child = execa(bin, ['exec', '--pipe', '--block', '10', 'cat'], { cwd: root, reject: false, stdin: 'pipe' });
    // a block of 10 bytes runs; `cc` waits for more records to fill its block
    child.stdin!.write('aaaa\nbbbb\ncc\n'); // and stays open
    await waitForLines(child.stdout!, /^(aaaa|bbbb)$/, 2);
    child.kill('SIGINT');
    const result = await child;
    assertQuietStop(result, 130, /^prun: 0 of 2 inputs failed, 1 never ran \(interrupted\)$/);
  });

  test('map: the lines read ahead of the open pipe count as never ran (was: left out of the summary, "0 of 1 inputs failed")', BOUNDED, async () => {
    const child = execa(bin, ['map', 'fixtures/until-stopped.ts', '--procs', '1', '--chunksize', '1'], { cwd: root, reject: false, stdin: 'pipe' });
    child.stdin!.write('a\nb\nc\nd\n'); // and stays open: a runs until stopped, the others wait
    await waitForLines(child.stderr!, /^started a$/);
    child.kill('SIGINT');
    const result = await child;
    assertQuietStop(result, 130, /^prun: 0 of 4 inputs failed, 4 never ran \(interrupted\)$/);
  });

  for (const signal of ['SIGHUP', 'SIGQUIT', 'SIGALRM'] as const) {
    for (const runner of [RUNNERS[0]!, RUNNERS[2]!]) {
      test(`${runner.name}: ${signal} is taken as SIGTERM is: exit ${EXIT_FOR[signal]}, workers ended`, BOUNDED, async () => {
        const child = execa(bin, runner.args, { cwd: root, reject: false, stdin: 'pipe' });
        child.stdin!.write('a\n');
        await waitForLines(child.stdout!, /^a$/);
        const left = await descendantsOf(child.pid!);
        assert.ok(left.length > 0, 'workers to check');
        child.kill(signal);
        const result = await child;
        assertQuietStop(result, EXIT_FOR[signal], /^prun: 0 of 1 inputs failed, 0 never ran \(interrupted\)$/);
        await assertAllEnded(left);
      });
    }
  }
});

describe('a FIFO with no writer as INPUT could not be interrupted at all', () => {
  for (const runner of RUNNERS) {
    test(`${runner.name}: SIGINT while it waits for a writer exits 130, and no process is left`, BOUNDED, async () => {
      const fifo = await makeFifo();
      const child = execa(bin, [...runner.args, fifo], { cwd: root, reject: false });
      // prun holds the FIFO open once it waits on it (a blocking open never got that far)
      await waitUntilOpen(child.pid!, fifo);
      const left = await descendantsOf(child.pid!);
      child.kill('SIGINT');
      const result = await child;
      assertQuietStop(result, 130, /^prun: 0 of 0 inputs failed, 0 never ran \(interrupted\)$/);
      assert.equal(result.stdout, '');
      await assertAllEnded(left);
    });
  }

  // exec's modes that read a `::::` source record by record (-X, -N, --colsep) wait inside an async
  // generator, which takes no return() while it waits; --shuf, {##} and --header read before the run
  for (const [mode, flags, summary] of [
    ['-X', ['-X'], /^prun: 0 of 0 inputs failed, 0 never ran \(interrupted\)$/],
    ['-N 2', ['-N', '2'], /^prun: 0 of 0 inputs failed, 0 never ran \(interrupted\)$/],
    ['--colsep', ['--colsep', ','], /^prun: 0 of 0 inputs failed, 0 never ran \(interrupted\)$/],
    ['--shuf', ['--shuf'], /^prun: interrupted while reading the inputs before the run: nothing ran$/],
    ['{##}', ['--plus'], /^prun: interrupted while reading the inputs before the run: nothing ran$/],
  ] as const) {
    test(`exec ${mode}: SIGINT while a \`::::\` FIFO waits for a writer exits 130 in one line (was: ${mode.startsWith('-') && mode !== '--shuf' ? 'deaf to it, and to SIGTERM, for ever' : 'killed by it, in silence'})`, BOUNDED, async () => {
      const fifo = await makeFifo();
      const child = execa(bin, ['exec', ...flags, mode === '{##}' ? 'echo {##}' : 'echo', '::::', fifo], { cwd: root, reject: false });
      await waitUntilOpen(child.pid!, fifo);
      child.kill('SIGINT');
      const result = await child;
      assertQuietStop(result, 130, summary);
      assert.equal(result.stdout, '');
    });
  }

  test('exec -N 2: records read into a job not yet full when the run stops count as never ran (was: neither run nor counted)', BOUNDED, async () => {
    const child = execa(bin, ['exec', '-N', '2', 'echo {}'], { cwd: root, reject: false, stdin: 'pipe' });
    child.stdin!.write('a\nb\nc\n'); // and stays open: c waits for a second record
    await waitForLines(child.stdout!, /^a b$/);
    child.kill('SIGINT');
    const result = await child;
    assertQuietStop(result, 130, /^prun: 0 of 2 inputs failed, 1 never ran \(interrupted\)$/);
  });

  test('map --procs: a FIFO opened before its writer comes is not read as empty: all the lines it writes run', BOUNDED, async () => {
    const fifo = await makeFifo();
    const child = execa(bin, ['map', 'fixtures/faults.ts', '--procs', '2', fifo], { cwd: root, reject: false });
    await waitUntilOpen(child.pid!, fifo);
    await writeFile(fifo, 'a\nb\n');
    const result = await child;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.deepEqual(lines(result.stdout), ['a', 'b']);
  });
});

describe('a signal while prun waits on a FIFO whose writer stays open, as <(...)', () => {
  for (const runner of RUNNERS) {
    test(`${runner.name}: SIGTERM exits 143 with the summary, and no process is left`, BOUNDED, async () => {
      const fifo = await makeFifo();
      const child = execa(bin, [...runner.args, fifo], { cwd: root, reject: false });
      const writer = createWriteStream(fifo);
      writer.on('error', () => {}); // prun going away is the writer's EPIPE
      writer.write('a\nb\nc\n');
      await waitForLines(child.stdout!, /^c$/);
      const left = await descendantsOf(child.pid!);
      child.kill('SIGTERM');
      const result = await child;
      writer.destroy();
      assertQuietStop(result, 143, /^prun: 0 of 3 inputs failed, 0 never ran \(interrupted\)$/);
      assert.deepEqual(lines(result.stdout), ['a', 'b', 'c']);
      await assertAllEnded(left);
    });
  }
});

describe('a second stopping signal ends running inputs at once', () => {
  for (const signal of ['SIGHUP', 'SIGQUIT', 'SIGALRM'] as const) {
    test(`${signal}: the first lets running inputs finish, the second ends them; exit ${EXIT_FOR[signal]}, no worker left`, BOUNDED, async () => {
      const inputs = Array.from({ length: 4 }, () => `wait ${join(dir, 'never')}`);
      const child = execa(bin, ['map', 'fixtures/wait-for-file.ts', '--procs', '2', '--chunksize', '1', ':::', ...inputs], { cwd: root, reject: false });
      await waitForLines(child.stderr!, /^waiting /, 2);
      const left = await descendantsOf(child.pid!);
      assert.ok(left.length > 0, 'workers to check');
      child.kill(signal);
      // inputs run: it waits for them, and says so
      await waitForLines(child.stderr!, /starting no more inputs; waiting for running ones/);
      child.kill(signal);
      const result = await child;
      assertQuietStop(result, EXIT_FOR[signal], /^prun: 0 of 4 inputs failed, 4 never ran \(interrupted\)$/);
      assert.equal(result.stdout, '');
      await assertAllEnded(left);
    });
  }
});

describe('a second stopping signal while the reader of stdout reads', () => {
  for (const runtime of runtimes) {
    test(`map ${runtime}: results held in input order behind an input it ends are written, not counted as never ran`, BOUNDED, async () => {
      const never = join(dir, `held-never${runtime}`);
      // one worker waits for ever on the first input; the other runs b and c, then waits too:
      // its second "waiting" comes after c's result
      const inputs = [`wait ${never}`, 'b', 'c', `wait ${never}`];
      const child = execa(bin, ['map', 'fixtures/wait-for-file.ts', runtime, '2', '--chunksize', '1', ':::', ...inputs], { cwd: root, reject: false });
      await waitForLines(child.stderr!, /^waiting /, 2);
      child.kill('SIGINT');
      await waitForLines(child.stderr!, /starting no more inputs; waiting for running ones/);
      child.kill('SIGINT');
      const result = await child;
      // was: nothing written, "0 of 4 inputs failed, 4 never ran": given up on at once, the
      // reader lost what the stop itself let out
      assertQuietStop(result, 130, /^prun: 0 of 4 inputs failed, 2 never ran \(interrupted\)$/);
      assert.deepEqual(lines(result.stdout), ['b', 'c']);
    });
  }
});

describe('Ctrl-C on `prun | cat`: the signal ends the reader of stdout too', () => {
  for (const runtime of runtimes) {
    test(`map ${runtime}: exit 130 and the summary of what never ran, not 141 (was: 141, no count)`, BOUNDED, async () => {
      const gate = join(dir, `cat-gate${runtime}`);
      const inputs = [`wait ${gate}`, `wait ${gate}`, 'c', 'd', 'e'];
      const child = execa(bin, ['map', 'fixtures/wait-for-file.ts', runtime, '2', '--chunksize', '1', ':::', ...inputs], { cwd: root, reject: false, buffer: { stdout: false } });
      await waitForLines(child.stderr!, /^waiting /, 2);
      // the terminal's Ctrl-C reaches the whole pipeline: `cat` goes, prun stops starting inputs
      child.stdout!.destroy();
      child.kill('SIGINT');
      await waitForLines(child.stderr!, /starting no more inputs; waiting for running ones/);
      // the running inputs end, and their results meet the reader gone
      await writeFile(gate, '');
      const result = await child;
      // c, d and e never started; a running input whose result met the reader gone is counted
      // with them, as --resume must run it again
      assertQuietStop(result, 130, /^prun: 0 of 5 inputs failed, [345] never ran \(interrupted\)$/);
    });
  }
});

describe('a stderr nobody reads, once prun has started a child that inherits it (was: O_NONBLOCK cleared by libuv, prun parked in write(2), deaf to every signal)', () => {
  /**
   * `args` run with stderr a FIFO that is held open and never read (a pipe from the shell: a
   * child's own stdio would be a socket, which libuv leaves as it is).
   */
  async function withStalledStderr(args: string[], env: NodeJS.ProcessEnv = {}) {
    const fifo = await makeFifo();
    const reader = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, 'w');
    // a descriptor given as is (execa documents integers; its types leave them out): `{ file }`
    // would put a pipe of execa's own in between
    const child = execa(bin, args, { cwd: root, reject: false, env, stderr: writer as unknown as 'inherit', buffer: false });
    closeSync(writer);
    void child.finally(() => reader.close()).catch(() => {});
    // wrapped: an async function would await the subprocess itself
    return { child };
  }

  /** Sends SIGINT every 250 ms until the child exits, at most 40 times: whether it still hears them. */
  async function interruptUntilExit(child: ReturnType<typeof execa>): Promise<{ exitCode?: number; signal?: string }> {
    const exited = child.then(
      (result) => result,
      (failed: { exitCode?: number; signal?: string }) => failed,
    );
    for (let tries = 0; tries < 40; tries++) {
      child.kill('SIGINT');
      const result = await Promise.race([exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 250))]);
      if (result) return result;
    }
    child.kill('SIGKILL');
    await exited;
    return {};
  }

  test("map --procs, a script's first compile (esbuild's service inherits stderr): Ctrl-C ends prun, exit 130", BOUNDED, async () => {
    const script = join(dir, 'fails-loudly.ts');
    await writeFile(script, "import { appendFileSync } from 'node:fs';\nexport default async (x: string) => {\n  appendFileSync(process.env.STARTS!, x + '\\n');\n  if (x === 'hang') await new Promise(() => {});\n  throw new Error('e'.repeat(5000));\n};\n");
    const starts = join(dir, 'fails-loudly.starts');
    const inputs = ['hang', ...Array.from({ length: 300 }, (_, i) => String(i))];
    const env = { STARTS: starts, PRUN_CACHE_DIR: join(dir, 'fresh-cache') };
    const { child } = await withStalledStderr(['map', script, '--procs', '2', '--chunksize', '1', ':::', ...inputs], env);
    // 40 failures of 5 KB said: far past what the pipe holds (a prun that blocks in write(2) never gets there)
    await waitForFile(starts, (rows) => rows.length >= 40, 30_000);
    const result = await interruptUntilExit(child);
    assert.equal(result.exitCode, 130);
  });

  test('exec (its shell lanes inherit stderr): Ctrl-C ends prun, exit 130', BOUNDED, async () => {
    const starts = join(dir, 'exec-loud.starts');
    const command = `echo {} >> ${starts}; [ {} = hang ] && exec sleep 60; head -c 5000 /dev/zero | tr '\\0' e >&2; exit 1`;
    const inputs = ['hang', ...Array.from({ length: 300 }, (_, i) => String(i))];
    const { child } = await withStalledStderr(['exec', '-j', '2', command, ':::', ...inputs]);
    await waitForFile(starts, (rows) => rows.length >= 40, 30_000);
    const result = await interruptUntilExit(child);
    assert.equal(result.exitCode, 130);
  });
});

describe('a second stopping signal while the reader of stdout does not read (was: prun stayed until the reader went)', () => {
  for (const runtime of runtimes) {
    test(`map ${runtime}: prun ends with its summary, exit 143; no joblog row for a result not taken`, BOUNDED, async () => {
      const script = join(dir, `big${runtime}.ts`);
      await writeFile(script, 'export default (x: string) => x + "x".repeat(4000);\n');
      const joblog = join(dir, `stalled${runtime}.joblog`);
      const input = Array.from({ length: 20_000 }, (_, i) => `${i}\n`).join('');
      const child = execa(bin, ['map', script, runtime, '2', '--joblog', joblog], { cwd: root, reject: false, input, buffer: { stdout: false }, timeout: 50_000 });
      const { result, delivered } = await stopTwiceUnread(child);
      assert.equal(result.timedOut, false);
      assert.equal(result.exitCode, 143, String(result.stderr));
      const [, neverRan] = /^prun: 0 of 20000 inputs failed, (\d+) never ran \(interrupted\)$/.exec(lines(result.stderr).at(-1)!) ?? [];
      assert.ok(neverRan !== undefined, String(result.stderr));
      // a result stdout did not take is not counted as ran, and has no row: --resume runs it again
      const rows = lines((await readFile(joblog, 'utf8')).trimEnd()).length - 1;
      assert.ok(rows <= 20_000 - Number(neverRan), `${rows} rows, ${neverRan} never ran`);
      // what the pipe holds is what got out: no more counted as done (was: all that ran, 0 never ran)
      const out = (await delivered()).split('\n').length - 1;
      assert.ok(20_000 - Number(neverRan) <= out, `${out} results got out, ${20_000 - Number(neverRan)} counted as done`);
    });
  }
});

describe('signals after the second', () => {
  test('exec: "ending running inputs now" is said once, however many signals follow (was: a line each)', BOUNDED, async () => {
    // jobs that ignore SIGTERM: their lanes take the grace to end, while more signals come.
    // They say they started in a file: a job's stderr is printed only once it ends. The command
    // holds {}, so the input is not appended to it (was: `sleep 30 a`, which failed at once, and the
    // run could end before the second signal: 4 runs in 40 under load)
    const pids = join(dir, 'signals-after-second-pids');
    const child = execa(bin, ['exec', '-j', '2', `trap "" INT TERM; echo $$ >> ${pids}; sleep 30; : {}`, ':::', 'a', 'b'], { cwd: root, reject: false });
    await waitForPids(pids, 2);
    child.kill('SIGINT');
    await waitForLines(child.stderr!, /starting no more inputs/);
    child.kill('SIGINT');
    await waitForLines(child.stderr!, /^prun: ending running inputs now$/);
    child.kill('SIGINT');
    const result = await child;
    // the handlers stay until the exit: never killed by the third
    assert.equal(result.exitCode, 130, String(result.stderr));
    assert.equal(lines(String(result.stderr)).filter((line) => line === 'prun: ending running inputs now').length, 1, String(result.stderr));
  });
});

describe('a burst of stopping signals, as a supervisor sends them', () => {
  test('map --procs, failures said to a stderr (a socket) not read: the run waits for it, and a burst of SIGTERMs meanwhile ends it with 143 once stderr is read, never killed by one of them (was: deaf, parked in write(2) on a socket that esbuild\'s start left blocking)', BOUNDED, async () => {
    const script = join(dir, 'every-other-fails.ts');
    await writeFile(script, "export default (x: string) => { if (Number(x) % 2 === 0) throw new Error('e'.repeat(1000)); return x; };\n");
    const input = Array.from({ length: 4000 }, (_, i) => `${i + 1}\n`).join('');
    // a first compile: esbuild's service inherits stderr, a socket here, as a Node parent's 'pipe' is (was: left blocking, prun parked in write(2))
    const env = { PRUN_CACHE_DIR: join(dir, 'burst-cache') };
    const child = execa(bin, ['map', script, '--procs', '2'], { cwd: root, reject: false, input, env, buffer: { stderr: false } });
    // 2000 failures of 1000 bytes said: more than the socket holds, so the run waits for stderr
    // (as it does for stdout: its lines are not held in memory without bound)
    child.stderr!.pause();
    await waitForLines(child.stdout!, /^1$/);
    for (let sent = 0; sent < 10; sent++) {
      child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    child.stderr!.resume();
    const result = await child;
    assert.equal(result.signal, undefined);
    assert.equal(result.exitCode, 143);
  });
});

describe('the first Ctrl-C asks running tasks to stop: their ctx.signal aborts (issue 12; was: not before the grace ran out and the workers were killed, 10 s)', () => {
  for (const runtime of runtimes) {
    test(`${runtime}: a task that ends on its signal ends at once; it counts as never ran and gets no joblog row, so --resume runs it again`, BOUNDED, async () => {
      const joblog = join(dir, `joblog-abort${runtime}`);
      const child = execa(bin, ['map', 'fixtures/until-stopped.ts', runtime, '2', '--chunksize', '1', '--joblog', joblog, ':::', 'a', 'b', 'c'], { cwd: root, reject: false });
      await waitForLines(child.stderr!, /^started /, 2);
      child.kill('SIGINT');
      const result = await child;
      assertQuietStop(result, 130, /^prun: 0 of 3 inputs failed, 3 never ran \(interrupted\)$/);
      assert.equal(result.stdout, '');
      assert.equal(lines(result.stderr).filter((line) => /^aborted [ab]: the run is stopping$/.test(line)).length, 2, String(result.stderr));
      assert.deepEqual(lines((await readFile(joblog, 'utf8')).trim()), ['index\tinput\tstatus\tattempts\tduration\terror']);
    });
  }
});

describe('after the first Ctrl-C, a running task that first reads its signal finds it aborted, and one that fails on its own never ran all the same', () => {
  for (const runtime of runtimes) {
    test(`${runtime}: both count as never ran, with no joblog row and nothing in --failed-out (was: a fresh signal, the fetch ran on; the failure reported)`, BOUNDED, async () => {
      const flag = join(dir, `late-flag${runtime}`);
      const joblog = join(dir, `late-joblog${runtime}`);
      const failedOut = join(dir, `late-failed${runtime}`);
      const args = ['map', 'fixtures/signal-after-stop.ts', runtime, '2', '--chunksize', '1', '--joblog', joblog, '--failed-out', failedOut, ':::', `late ${flag}`, `quiet ${flag}`];
      const child = execa(bin, args, { cwd: root, reject: false });
      await waitForLines(child.stderr!, /^started /, 2);
      child.kill('SIGINT');
      await waitForLines(child.stderr!, /starting no more inputs/);
      await writeFile(flag, '');
      const result = await child;
      assertQuietStop(result, 130, /^prun: 0 of 2 inputs failed, 2 never ran \(interrupted\)$/);
      assert.match(String(result.stderr), /^late aborted=true$/m);
      assert.equal(result.stdout, '');
      assert.deepEqual(lines((await readFile(joblog, 'utf8')).trim()), ['index\tinput\tstatus\tattempts\tduration\terror']);
      assert.equal(await readFile(failedOut, 'utf8'), '');
    });
  }
});

describe("the terminal's Ctrl-C, Ctrl-\\ and hang-up reach the whole process group, workers too", () => {
  for (const signal of ['SIGINT', 'SIGQUIT', 'SIGHUP'] as const) {
    for (const runtime of runtimes) {
      test(`${runtime}: ${signal} to the group lets running inputs finish and print, exit ${EXIT_FOR[signal]}`, BOUNDED, async () => {
        const flag = join(dir, `flag-${signal}${runtime}`);
        const inputs = Array.from({ length: 6 }, () => `wait ${flag}`);
        // a group of its own, as a terminal's foreground job has
        const child = execa(bin, ['map', 'fixtures/wait-for-file.ts', runtime, '2', '--chunksize', '1', ':::', ...inputs], { cwd: root, reject: false, detached: true });
        await waitForLines(child.stderr!, /^waiting /, 2);
        const left = await descendantsOf(child.pid!);
        process.kill(-child.pid!, signal);
        await waitForLines(child.stderr!, /starting no more inputs/);
        await writeFile(flag, '');
        const result = await child;
        assertQuietStop(result, EXIT_FOR[signal], /^prun: 0 of 6 inputs failed, 4 never ran \(interrupted\)$/);
        assert.deepEqual(lines(result.stdout), [`wait ${flag}`, `wait ${flag}`]);
        await assertAllEnded(left);
      });
    }
  }
});

describe('a stop while workers are still in setup()', () => {
  test('stdin a file (< FILE): the summary counts its inputs as never run, as it does for the same file named (was: 0 of 0)', BOUNDED, async () => {
    const file = join(dir, 'ten-inputs');
    await writeFile(file, Array.from({ length: 10 }, (_, i) => `${i + 1}\n`).join(''));
    const child = execa('sh', ['-c', 'exec "$0" map fixtures/setup-slow.ts --procs 2 < "$1"', bin, file], { cwd: root, reject: false });
    await waitForLines(child.stderr!, /^setup started$/, 2);
    child.kill('SIGINT');
    const result = await child;
    assertQuietStop(result, 130, /^prun: 0 of 10 inputs failed, 10 never ran \(interrupted\)$/);
  });

  for (const runtime of runtimes) {
    test(`${runtime}: Ctrl-C ends them at once, with no teardown() (was: their setup() and teardown() waited for, up to 5 s)`, BOUNDED, async () => {
      // setup() takes 3 s: waited for, it would end and teardown() would follow within the 5 s grace
      const child = execa(bin, ['map', 'fixtures/setup-slow.ts', runtime, '2', ':::', 'a', 'b', 'c'], { cwd: root, reject: false });
      await waitForLines(child.stderr!, /^setup started$/, 2);
      const left = await descendantsOf(child.pid!);
      child.kill('SIGINT');
      const result = await child;
      assertQuietStop(result, 130, /^prun: 0 of 3 inputs failed, 3 never ran \(interrupted\)$/);
      assert.doesNotMatch(String(result.stderr), /^(setup done|teardown)$/m);
      await assertAllEnded(left);
    });
  }
});

describe('the terminal hangs up (its window closed, its ssh dropped)', () => {
  for (const runtime of runtimes) {
    test(`${runtime}: running inputs finish and print, prun exits 129 (was: a native stack trace and SIGSEGV as Node exited, nodejs/node#51519)`, BOUNDED, async () => {
      const flag = join(dir, `flag-hangup${runtime}`);
      const out = join(dir, `out-hangup${runtime}`);
      const status = join(dir, `status-hangup${runtime}`);
      const quote = (word: string) => `'${word}'`;
      // the two that run when the terminal goes end once the flag is made; the four after them
      // wait on a file never made: should one start before the hang-up reaches prun, it is
      // ended with the grace, not printed (was: the flag made first, they started and printed)
      const inputs = [...Array.from({ length: 2 }, () => `wait ${flag}`), ...Array.from({ length: 4 }, () => `wait ${flag}-never`)].map(quote).join(' ');
      // stderr on the terminal, results in a file. The hang-up reaches the session's leader, a
      // shell, which passes it on to its job, as a login shell does, then writes prun's status
      const prunCommand = `${quote(process.execPath)} ${quote(bin)} map fixtures/wait-for-file.ts ${runtime} 2 --chunksize 1 ::: ${inputs} > ${quote(out)}`;
      const command = `trap 'kill -HUP $p' HUP; ${prunCommand} & p=$!; s=255; while [ $s -gt 128 ] && kill -0 $p 2>/dev/null; do wait $p; s=$?; done; echo $s > ${quote(status)}`;
      const terminal = execa('script', ['-qec', command, '/dev/null'], { cwd: root, reject: false, stdin: 'pipe' });
      await waitForLines(terminal.stdout!, /waiting /, 2);
      // the terminal goes: its master side closes, the kernel hangs up the session
      terminal.kill('SIGKILL');
      await terminal;
      await writeFile(flag, '');
      await waitForFile(status, (written) => written.length === 1);
      assert.equal((await readFile(status, 'utf8')).trim(), '129');
      assert.deepEqual(lines((await readFile(out, 'utf8')).trimEnd()), [`wait ${flag}`, `wait ${flag}`]);
    });
  }
});

describe('a signal while the workers are being started', () => {
  test('stops the run with its summary of what never ran (was: prun died of it in silence, exit 130 and nothing said)', BOUNDED, async () => {
    // forking 64 workers blocks prun for a while here: the signal comes as the first is there
    const child = execa(bin, ['map', 'fixtures/square.ts', '--procs', '64', 'fixtures/numbers.txt'], { cwd: root, reject: false });
    for (let polls = 0; (await descendantsOf(child.pid!)).length === 0; polls++) assert.ok(polls < 10_000, 'a worker starts');
    child.kill('SIGINT');
    const result = await child;
    assertQuietStop(result, 130, /^prun: 0 of 10 inputs failed, \d+ never ran \(interrupted\)$/);
  });
});
