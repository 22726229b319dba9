// --joblog and --resume, end to end: what a crash of prun, a full disk or a torn joblog
// leaves, and that --resume then runs every input that was not printed.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { once } from 'node:events';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { joblogRows, scratchDir, waitForFile } from '../helpers/files.js';
import { fillDisk, useSmallDisk } from '../helpers/small-disk.js';
import { bin, lines, prun, root } from '../helpers/prun.js';

const dir = scratchDir('journal');

let runs = 0;
/** Fresh paths for one run: the joblog, the fixture's record of started inputs, its gate. */
function paths() {
  const n = ++runs;
  return { joblog: join(dir, `joblog-${n}.tsv`), started: join(dir, `started-${n}`), gate: join(dir, `gate-${n}`) };
}

interface Way {
  name: string;
  /** The arguments of a run, with EXTRA prun options, before its inputs; an input's result starts with it. */
  args(files: ReturnType<typeof paths>, pad: number, extra?: string[]): string[];
}

/** The same contract for map in both runtimes and for exec, whose stderr is relayed only at a job's end. */
const ways: Way[] = [
  ...(['--procs', '--threads'] as const).map((runtime) => ({
    name: `map ${runtime}`,
    args: (files: ReturnType<typeof paths>, _pad: number, extra: string[] = []) => ['map', 'fixtures/gated.ts', runtime, '2', '--chunksize', '1', '--joblog', files.joblog, ...extra],
  })),
  {
    name: 'exec',
    // prun's options go before the command: every word after it is the command's
    args: (files, pad, extra = []) => [
      'exec',
      '-j',
      '2',
      '--joblog',
      files.joblog,
      ...extra,
      `echo {} >> ${files.started}; case {} in gate*) while [ ! -e ${files.gate} ]; do sleep 0.01; done;; esac; printf '%-${pad}s\\n' {} | tr ' ' .`,
    ],
  },
];

function envFor(files: ReturnType<typeof paths>, pad: number) {
  return { PRUN_TEST_STARTED: files.started, PRUN_TEST_GATE: files.gate, PRUN_TEST_PAD: String(pad) };
}

/** The joblog's rows as [index, input, status], checking that it holds only whole rows. */
async function rowsOf(joblog: string): Promise<string[][]> {
  const content = await readFile(joblog, 'utf8');
  assert.ok(content.endsWith('\n'), `a torn last row: ${JSON.stringify(content.slice(-40))}`);
  const [header, ...rows] = lines(content.trimEnd());
  // prun exec writes GNU parallel's columns: Seq (from 1) ... Exitval Signal Command (its input)
  if (header === 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand') {
    return rows.map((row) => {
      const columns = row.split('\t');
      return [String(Number(columns[0]) - 1), columns[8]!, columns[6]!];
    });
  }
  assert.equal(header, 'index\tinput\tstatus\tattempts\tduration\terror');
  return rows.map((row) => row.split('\t').slice(0, 3));
}

/** The inputs whose results are in `stdout` (a result starts with its input). */
function printed(stdout: string): Set<string> {
  return new Set(lines(stdout.trimEnd()).map((line) => line.replace(/\.*$/, '')));
}

function assertEveryRowPrinted(rows: string[][], stdout: string): void {
  const out = printed(stdout);
  const unprinted = rows.filter(([, input, status]) => status === '0' && !out.has(input!)).map(([, input]) => input);
  assert.deepEqual(unprinted, [], 'joblog rows of inputs whose results never reached stdout');
}

/** Runs the same inputs again with --resume and checks that, together, the runs printed every input. */
async function assertResumeCompletes(way: Way, files: ReturnType<typeof paths>, inputs: string[], before: string, extra: string[] = []): Promise<void> {
  const resumed = await prun([...way.args(files, 0, ['--resume', ...extra]), ':::', ...inputs], { env: envFor(files, 0) });
  assert.equal(resumed.exitCode, 0, String(resumed.stderr));
  const union = new Set([...printed(before), ...printed(String(resumed.stdout))]);
  assert.deepEqual(inputs.filter((input) => !union.has(input)), [], 'inputs in neither output');
  const logged = new Set((await rowsOf(files.joblog)).map(([index]) => Number(index)));
  assert.equal(logged.size, inputs.length);
}

for (const way of ways) {
  describe(`--joblog, prun ${way.name}`, () => {
    test('prun killed while the first input runs: no joblog row of a result that never reached stdout (was: 22 of 31 lost)', async () => {
      const files = paths();
      const inputs = ['gate-first', ...Array.from({ length: 20 }, (_, i) => String(i + 1)), 'gate-last'];
      const child = execa(bin, [...way.args(files, 0), ':::', ...inputs], { cwd: root, reject: false, env: envFor(files, 0) });
      // the last input starts only once nearly all the others have settled, held back behind the first
      await waitForFile(files.started, (started) => started.includes('gate-last'));
      child.kill('SIGKILL');
      const killed = await child;
      assert.equal(killed.signal, 'SIGKILL');
      assertEveryRowPrinted(await rowsOf(files.joblog), String(killed.stdout));
      await writeFile(files.gate, '');
      await assertResumeCompletes(way, files, inputs, String(killed.stdout));
    });

    test('--unordered, prun killed while its reader does not read: no joblog row of a result still in prun (was: 194 of 200 lost)', async () => {
      const files = paths();
      // 60 results of 32 kB: far more than the pipe and the stream reading it hold
      const pad = 32_000;
      const inputs = Array.from({ length: 60 }, (_, i) => String(i + 1));
      // not execa: its stream, unread, gave nothing after the kill
      const child = spawn(bin, [...way.args(files, pad, ['--unordered']), ':::', ...inputs], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, ...envFor(files, pad) },
      });
      const exited = once(child, 'exit');
      await waitForFile(files.started, (started) => started.length === inputs.length);
      child.kill('SIGKILL');
      // what reached the pipe before the kill is read only now
      const stdout = await text(child.stdout!);
      await exited;
      const rows = await rowsOf(files.joblog);
      assertEveryRowPrinted(rows, stdout);
      assert.ok(printed(stdout).size < inputs.length, 'the reader was meant to hold results back');
      await assertResumeCompletes(way, files, inputs, stdout, ['--unordered']);
    });
  });
}

/** prun with the file itself as its stdout, as `> out` gives it (execa would put a pipe between). */
async function prunToFile(args: string[], env: Record<string, string>, out: string): Promise<{ exitCode: number | null; stderr: string }> {
  const fd = openSync(out, 'w');
  try {
    const child = spawn(bin, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', fd, 'pipe'] });
    const stderr = text(child.stderr!);
    const [exitCode] = (await once(child, 'exit')) as [number | null];
    return { exitCode, stderr: await stderr };
  } finally {
    closeSync(fd);
  }
}

describe('--joblog on a full disk', () => {
  const smallDisk = useSmallDisk(join(dir, 'small-disk'));

  test('one line, exit 74, only whole rows; --resume after space is freed finishes the run', async (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    const files = { ...paths(), joblog: join(mount, 'joblog.tsv') };
    // a header, then fill the disk but for what the joblog's first page still holds
    await writeFile(files.joblog, 'index\tinput\tstatus\tattempts\tduration\terror\n');
    const filler = fillDisk(mount);
    // rows of ~110 bytes: a few dozen fit in the page
    const inputs = Array.from({ length: 300 }, (_, i) => `${i}`.padStart(100, 'x'));
    const way = ways[0]!;
    const full = await prun([...way.args(files, 0), ':::', ...inputs], { env: envFor(files, 0) });
    assert.equal(full.exitCode, 74);
    const said = lines(String(full.stderr).trimEnd());
    assert.equal(said.length, 1, String(full.stderr));
    const rows = await rowsOf(files.joblog);
    assert.ok(rows.length > 0 && rows.length < inputs.length, `${rows.length} rows`);
    assertEveryRowPrinted(rows, String(full.stdout));
    // results were printed past the last row: the line says --resume repeats them (was: unsaid)
    const unrecorded = [...printed(String(full.stdout))].filter((input) => !rows.some(([, logged]) => logged === input));
    assert.ok(unrecorded.length > 0, 'results printed with no row');
    assert.ok(said[0]!.startsWith(`prun: cannot write --joblog ${files.joblog}: no space left on device`), said[0]);
    assert.match(said[0]!, /--resume would run them again/);
    await rm(filler);
    await assertResumeCompletes(way, files, inputs, String(full.stdout));
  });

  // --threads writes stdout through a relay (src/cli/stdout-takeover.ts): rows wait for its word
  // that the results are in the file, not for their way into the pipe to it (was: rows ahead)
  for (const way of ways) {
    test(`stdout on the full disk, prun ${way.name}: no row of a result the disk cut off; --resume finishes the run (was: rows of lost results)`, async (t) => {
      const mount = smallDisk(t);
      if (!mount) return;
      const files = paths();
      const out = join(mount, 'results.txt');
      // ~100 kB of results for a 64 kB disk; the joblog is on a disk with room. exec starts
      // a shell a job (3000 of them took 30 s here): fewer, longer results
      const [count, pad] = way.name === 'exec' ? [150, 660] : [1500, 60];
      const inputs = Array.from({ length: count }, (_, i) => `r${i}`);
      const full = await prunToFile([...way.args(files, pad), ':::', ...inputs], envFor(files, pad), out);
      assert.equal(full.exitCode, 74, full.stderr);
      const written = await readFile(out, 'utf8');
      await rm(out);
      // the disk may cut the last line short: it is not a result
      const whole = written.slice(0, written.lastIndexOf('\n') + 1);
      const rows = await rowsOf(files.joblog);
      assert.ok(rows.length < inputs.length, `${rows.length} rows`);
      assertEveryRowPrinted(rows, whole);
      await assertResumeCompletes(way, files, inputs, whole);
    });
  }
});

describe('a torn joblog', () => {
  const header = 'index\tinput\tstatus\tattempts\tduration\terror\n';

  test('a torn last row is dropped with one warning: never glued to the next row, and --resume accepts the file', async () => {
    for (const resume of [[], ['--resume']]) {
      const files = paths();
      await writeFile(files.joblog, `${header}0\ta\t0\t1\t0.001\t\n1\tb\t0\t1\t0.0`);
      const result = await prun(['map', 'fixtures/gated.ts', '--joblog', files.joblog, ...resume, ':::', 'a', 'b', 'c'], { env: envFor(files, 0) });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(lines(String(result.stderr).trimEnd()).length, 1);
      assert.match(String(result.stderr), /dropped a partial last row/);
      assert.deepEqual(lines(String(result.stdout)), resume.length > 0 ? ['b', 'c'] : ['a', 'b', 'c']);
      const rows = await rowsOf(files.joblog);
      assert.deepEqual(rows.map(([index, input, status]) => `${index} ${input} ${status}`), resume.length > 0 ? ['0 a 0', '1 b 0', '2 c 0'] : ['0 a 0', '0 a 0', '1 b 0', '2 c 0']);
    }
  });

  for (const path of ['/dev/zero', 'a FIFO']) {
    test(`--joblog ${path} is refused with one line, exit 2 (it would be read forever)`, async () => {
      let joblog = path;
      if (path === 'a FIFO') {
        joblog = join(dir, `fifo-${++runs}`);
        execFileSync('mkfifo', [joblog]);
      }
      const result = await prun(['map', 'fixtures/square.ts', '--joblog', joblog, '--resume', ':::', '1'], { timeout: 60_000 });
      assert.equal(result.exitCode, 2);
      assert.deepEqual(lines(String(result.stderr).trimEnd()), [`prun: --joblog ${joblog} is not a regular file`]);
      assert.equal(result.stdout, '');
    });
  }

  test('--joblog - is refused with one line, exit 2, and no file named - is made (was: made in the working directory)', async () => {
    const cwd = join(dir, `dash-${++runs}`);
    execFileSync('mkdir', [cwd]);
    for (const args of [['map', join(root, 'fixtures/square.ts')], ['exec', 'echo']]) {
      const result = await prun([...args.slice(0, 1), '--joblog', '-', ...args.slice(1), ':::', '1'], { cwd });
      assert.equal(result.exitCode, 2, args[0]);
      assert.equal(lines(String(result.stderr).trimEnd()).length, 1, String(result.stderr));
      assert.equal(result.stdout, '');
    }
    assert.deepEqual(await readdir(cwd), []);
  });

  test('a --joblog that is also an input (a file, :::: FILE, stdin) is refused in one line, exit 2, and left as it was (was: its header ran as an input; a joblog of 50,000 rows as input grew without end)', async () => {
    const cwd = join(dir, `joblog-input-${++runs}`);
    execFileSync('mkdir', [cwd]);
    const joblog = join(cwd, 'jl.txt');
    for (const [contents, args, stdin] of [
      ['', ['map', join(root, 'fixtures/square.ts'), '--joblog', joblog, joblog], undefined],
      ['', ['exec', '--joblog', joblog, 'echo', '::::', joblog], undefined],
      ['1\n', ['map', join(root, 'fixtures/square.ts'), '--joblog', joblog], joblog],
    ] as const) {
      await writeFile(joblog, contents);
      // stdin opened on the file itself, as `< jl.txt` does (execa's { file } would pipe it)
      const fd = openSync(stdin ?? '/dev/null', 'r');
      const run = spawnSync(bin, [...args], { cwd, stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000 });
      closeSync(fd);
      const result = { exitCode: run.status, stdout: run.stdout, stderr: run.stderr.trimEnd() };
      assert.equal(result.exitCode, 2, args.join(' '));
      assert.equal(result.stdout, '');
      assert.match(String(result.stderr), /^prun: --joblog \S+ is (an input \(\S+\)|stdin) too: its rows would be read back as inputs$/);
      assert.equal(await readFile(joblog, 'utf8'), contents);
    }
  });

  test('a script that cannot run: exit 2, and no joblog is made (was: a joblog of its header)', async () => {
    const cwd = join(dir, `no-script-${++runs}`);
    execFileSync('mkdir', [cwd]);
    const result = await prun(['map', 'nosuch.ts', '--joblog', 'jl.txt', ':::', 'a'], { cwd });
    assert.equal(result.exitCode, 2);
    assert.deepEqual(await readdir(cwd), []);
  });
});

test("prun exec's joblog: Starttime is when a job started, not when its row was written after the slower job before it (was: seconds late)", async () => {
  const joblog = join(dir, `starts-${++runs}.tsv`);
  // the three start together; -k holds the rows of the two quick ones until the first is done
  const result = await prun(['exec', '-k', '-j3', '--joblog', joblog, 'sleep {}', ':::', '3', '0', '0']);
  assert.equal(result.exitCode, 0, String(result.stderr));
  const starts = (await joblogRows(joblog)).map((row) => Number(row[2]));
  assert.equal(starts.length, 3);
  // the defect put the quick ones' Starttimes 3 s late; a loaded machine can take a second to
  // start a lane, so the bound sits between the two
  assert.ok(Math.max(...starts) - Math.min(...starts) < 2.5, `Starttimes ${starts.join(', ')}: the jobs started together`);
});

test('--joblog /dev/stdout: one line that does not suggest /dev/stderr, which a joblog cannot be (was: suggested, then refused as not a regular file)', async () => {
  const result = await execa('sh', ['-c', '"$0" map fixtures/square.ts --joblog /dev/stdout ::: 1 | cat', bin], { cwd: root, reject: false });
  assert.equal(result.exitCode, 0);
  assert.equal(result.stdout, '');
  assert.equal(lines(result.stderr).length, 1, result.stderr);
  assert.match(result.stderr, /--joblog \/dev\/stdout is stdout too/);
  assert.doesNotMatch(result.stderr, /\/dev\/stderr/);
});
