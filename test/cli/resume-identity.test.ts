// --resume and --resume-failed by identity, end to end: a joblog row stands for an input by its
// text, so a list regenerated in another order, or with more in it, resumes right.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { scratchDir, waitForFile } from '../helpers/files.js';
import { gnuParallel, gnuParallelRun } from '../helpers/gnu-parallel.js';
import { bin, lines, prun, root } from '../helpers/prun.js';

const dir = scratchDir('resume');

let runs = 0;
/** Fresh paths: a joblog, and the record of the inputs each run started, and a gate. */
function paths() {
  const n = ++runs;
  return { joblog: join(dir, `joblog-${n}.tsv`), gate: join(dir, `gate-${n}`), started: (run: number) => join(dir, `started-${n}-${run}`) };
}
type Files = ReturnType<typeof paths>;

interface Way {
  name: string;
  /**
   * Run number `run`'s arguments before its inputs, `jobs` at a time: inputs record their
   * start; gate* waits for the gate; fail* fails.
   */
  args(files: Files, run: number, extra: string[], jobs?: number): string[];
}

const ways: Way[] = [
  ...(['--procs', '--threads'] as const).map((runtime) => ({
    name: `map ${runtime}`,
    args: (files: Files, _run: number, extra: string[], jobs = 2) => ['map', 'fixtures/gated.ts', runtime, String(jobs), '--chunksize', '1', '--joblog', files.joblog, ...extra],
  })),
  {
    name: 'exec',
    args: (files, run, extra, jobs = 2) => [
      'exec',
      '-j',
      String(jobs),
      '--joblog',
      files.joblog,
      ...extra,
      `echo {} >> ${files.started(run)}; case {} in gate*) while [ ! -e ${files.gate} ]; do sleep 0.01; done;; fail*) exit 1;; esac; echo {}`,
    ],
  },
];

function envFor(files: Files, run: number) {
  return { PRUN_TEST_STARTED: files.started(run), PRUN_TEST_GATE: files.gate };
}

async function run(way: Way, files: Files, number: number, extra: string[], inputs: string[], jobs?: number) {
  return prun([...way.args(files, number, extra, jobs), ':::', ...inputs], { env: envFor(files, number) });
}

/** One at a time, stopped by the first failure: what comes after it never runs. */
const HALTED = ['--halt', 'soon,fail=1'];

/** The inputs run number `run` started, sorted. */
async function started(files: Files, run: number): Promise<string[]> {
  return lines((await readFile(files.started(run), 'utf8').catch(() => '')).trimEnd()).sort();
}

/** The texts of the joblog's rows (prun's input column, or the Command column of exec's). */
async function rowTexts(joblog: string): Promise<string[]> {
  const [header, ...rows] = lines((await readFile(joblog, 'utf8')).trimEnd());
  const column = header!.startsWith('Seq\t') ? 8 : 1;
  return rows.map((row) => row.split('\t')[column]!);
}

const sorted = (values: string[]): string[] => [...values].sort();

for (const way of ways) {
  describe(`resume by identity, prun ${way.name}`, () => {
    test('--resume after a shuffled, extended list runs only the new and unfinished inputs', async () => {
      const files = paths();
      // one at a time, halted at the failure: 1-4 and fail-5 settle, 6-8 never run
      const first = await run(way, files, 1, HALTED, ['1', '2', '3', '4', 'fail-5', '6', '7', '8'], 1);
      assert.equal(first.exitCode, 1, String(first.stderr));
      assert.deepEqual(sorted(await rowTexts(files.joblog)), ['1', '2', '3', '4', 'fail-5']);
      const resumed = await run(way, files, 2, ['--resume'], ['10', '7', 'fail-5', '2', '9', '6', '1', '8', '4', '3']);
      assert.equal(resumed.exitCode, 0, String(resumed.stderr));
      assert.deepEqual(await started(files, 2), ['10', '6', '7', '8', '9']);
      assert.deepEqual(lines(String(resumed.stdout).trimEnd()), ['10', '7', '9', '6', '8']);
      assert.deepEqual(sorted(await rowTexts(files.joblog)), sorted(['1', '2', '3', '4', 'fail-5', '10', '7', '9', '6', '8']));
    });

    test('--resume with duplicates: the k-th occurrence of a text matches the k-th row of it', async () => {
      const files = paths();
      const first = await run(way, files, 1, HALTED, ['a', 'a', 'b', 'fail-x', 'a', 'b', 'c'], 1);
      assert.equal(first.exitCode, 1, String(first.stderr));
      const resumed = await run(way, files, 2, ['--resume'], ['b', 'a', 'c', 'fail-x', 'a', 'b', 'a']);
      assert.equal(resumed.exitCode, 0, String(resumed.stderr));
      assert.deepEqual(await started(files, 2), ['a', 'b', 'c']);
    });

    test('--resume-failed by identity: the failed and the new run again, the succeeded do not', async () => {
      const files = paths();
      const first = await run(way, files, 1, [], ['a', 'fail-b', 'c', 'fail-d']);
      assert.equal(first.exitCode, way.name === 'exec' ? 2 : 1, String(first.stderr));
      const resumed = await run(way, files, 2, ['--resume-failed'], ['fail-d', 'e', 'c', 'fail-b', 'a']);
      assert.equal(resumed.exitCode, way.name === 'exec' ? 2 : 1, String(resumed.stderr));
      assert.deepEqual(await started(files, 2), ['e', 'fail-b', 'fail-d']);
      // and once they succeed (here: are no longer in the list), nothing is left to run
      const again = await run(way, files, 3, ['--resume-failed'], ['c', 'a', 'e']);
      assert.equal(again.exitCode, 0, String(again.stderr));
      assert.deepEqual(await started(files, 3), []);
    });

    test('--resume after SIGKILL of prun, the list shuffled: runs exactly the inputs that have no row', async () => {
      const files = paths();
      const inputs = ['gate-first', ...Array.from({ length: 20 }, (_, i) => String(i + 1)), 'gate-last'];
      const child = execa(bin, [...way.args(files, 1, ['--unordered']), ':::', ...inputs], { cwd: root, reject: false, env: envFor(files, 1) });
      // the gated inputs hold their workers (and whatever was given to them ahead); the others settle and get their rows
      await waitForFile(files.started(1), (lines) => lines.includes('gate-last'));
      await waitForFile(files.joblog, (lines) => lines.length > 10);
      child.kill('SIGKILL');
      const killed = await child;
      assert.equal(killed.signal, 'SIGKILL');
      const logged = await rowTexts(files.joblog);
      assert.ok(logged.length >= 10 && !logged.some((input) => input.startsWith('gate')), logged.join(' '));
      await writeFile(files.gate, '');
      const shuffled = [...inputs.slice(11), ...inputs.slice(0, 11).reverse()];
      const resumed = await run(way, files, 2, ['--resume'], shuffled);
      assert.equal(resumed.exitCode, 0, String(resumed.stderr));
      assert.deepEqual(await started(files, 2), sorted(inputs.filter((input) => !logged.includes(input))));
      const printed = new Set([...lines(String(killed.stdout).trimEnd()), ...lines(String(resumed.stdout).trimEnd())]);
      assert.deepEqual(inputs.filter((input) => !printed.has(input)), [], 'inputs in neither output');
    });

    test('a torn last row is still only a warning: its input runs again, the list shuffled', async () => {
      const files = paths();
      const first = await run(way, files, 1, [], ['a', 'b', 'c'], 1);
      assert.equal(first.exitCode, 0, String(first.stderr));
      const content = await readFile(files.joblog, 'utf8');
      // the last row cut short, as a crash in the middle of its write leaves it
      await writeFile(files.joblog, content.slice(0, -3));
      const resumed = await run(way, files, 2, ['--resume'], ['c', 'b', 'a']);
      assert.equal(resumed.exitCode, 0, String(resumed.stderr));
      assert.equal(lines(String(resumed.stderr).trimEnd()).length, 1);
      assert.match(String(resumed.stderr), /dropped a partial last row/);
      assert.deepEqual(await started(files, 2), ['c']);
    });
  });
}

describe('resume by identity, prun exec and GNU parallel', () => {
  test("--resume reads a joblog GNU parallel wrote: a job whose input is not in it is matched by its command", async () => {
    const files = paths();
    const command = `echo {} >> ${files.started(1)}; echo {}`;
    gnuParallel(['--joblog', files.joblog, command, ':::', 'a', 'b c', 'x&y'], { cwd: dir });
    assert.deepEqual(lines((await readFile(files.started(1), 'utf8')).trimEnd()).sort(), ['a', 'b c', 'x&y']);
    const resumed = await prun(['exec', '--joblog', files.joblog, '--resume', command, ':::', 'x&y', 'd', 'b c', 'a']);
    assert.equal(resumed.exitCode, 0, String(resumed.stderr));
    assert.deepEqual(lines(String(resumed.stdout).trimEnd()), ['d']);
    // prun's own row holds the input
    assert.equal((await rowTexts(files.joblog)).at(-1), 'd');
  });

  test("a joblog GNU parallel began and prun went on with, an input twice: a second --resume runs nothing, --resume-failed only the failures (was: prun's row was taken by the first of the two, the second ran again each time)", async () => {
    const files = paths();
    const command = 'echo {#} {}; exit {}';
    assert.equal(gnuParallelRun(['--joblog', files.joblog, command, ':::', '0', '1'], { cwd: dir }).status, 1);
    const inputs = [':::', '0', '1', '0', '2'];
    const first = await prun(['exec', '-k', '--joblog', files.joblog, '--resume', command, ...inputs]);
    assert.deepEqual(lines(String(first.stdout).trimEnd()), ['3 0', '4 2']);
    const again = await prun(['exec', '-k', '--joblog', files.joblog, '--resume', command, ...inputs]);
    assert.equal(again.exitCode, 0, String(again.stderr));
    assert.equal(again.stdout, '');
    const failed = await prun(['exec', '-k', '--joblog', files.joblog, '--resume-failed', command, ...inputs]);
    assert.deepEqual(lines(String(failed.stdout).trimEnd()), ['2 1', '4 2']);
  });

  test('--resume with --nice or --process-slot-var reads the command GNU parallel logged, not what prun wraps it in (was: every job ran again)', async () => {
    for (const extra of [['--nice', '5'], ['--process-slot-var', 'S']]) {
      const files = paths();
      gnuParallel([...extra, '--joblog', files.joblog, 'echo', ':::', 'a', 'b'], { cwd: dir });
      const resumed = await prun(['exec', ...extra, '--joblog', files.joblog, '--resume', 'echo', ':::', 'a', 'b', 'c']);
      assert.equal(resumed.exitCode, 0, String(resumed.stderr));
      assert.deepEqual(lines(String(resumed.stdout).trimEnd()), ['c'], extra.join(' '));
      // shown as written, as GNU parallel shows it
      const shown = await prun(['exec', '-k', '--dry-run', ...extra, 'echo', ':::', 'a']);
      assert.equal(shown.stdout, gnuParallel(['--dry-run', ...extra, 'echo', ':::', 'a'], { cwd: dir }).trimEnd(), extra.join(' '));
    }
  });

  test('--pipe --resume: blocks are matched by their place in stdin (their scratch files differ from run to run)', async () => {
    const files = paths();
    const args = ['exec', '--pipe', '-N', '1', '--joblog', files.joblog, `cat >> ${files.started(1)}; echo done`];
    const first = await prun(args, { input: '1\n2\n3\n', stdin: undefined });
    assert.equal(first.exitCode, 0, String(first.stderr));
    const resumed = await prun([...args.slice(0, -1), '--resume', args.at(-1)!], { input: '1\n2\n3\n4\n5\n', stdin: undefined });
    assert.equal(resumed.exitCode, 0, String(resumed.stderr));
    assert.deepEqual(await started(files, 1), ['1', '2', '3', '4', '5']);
  });

  test('--pipe --resume and --resume-failed on a joblog GNU parallel wrote: a block is its row\'s Seq, whatever order the rows are in (was: GNU\'s rows name the command, none matched, every block ran again)', async () => {
    const files = paths();
    const command = `read n; echo $n >> ${files.started(1)}; [ $n != 2 ]`;
    // as `parallel -j2 --pipe -N1 --joblog` writes it when the second block fails last
    const row = (seq: number, exit: number) => [seq, ':', '1796592459.954', '0.098', '2', '0', exit, '0', command].join('\t');
    await writeFile(files.joblog, `Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n${row(1, 0)}\n${row(3, 0)}\n${row(2, 1)}\n`);
    const input = { input: '1\n2\n3\n4\n', stdin: undefined };
    const resumed = await prun(['exec', '--pipe', '-N', '1', '--joblog', files.joblog, '--resume', command], input);
    assert.equal(resumed.exitCode, 0, String(resumed.stderr));
    assert.deepEqual(await started(files, 1), ['4']);
    const failed = await prun(['exec', '--pipe', '-N', '1', '--joblog', files.joblog, '--resume-failed', command], input);
    assert.equal(failed.exitCode, 1, String(failed.stderr));
    assert.deepEqual(await started(files, 1), ['2', '4']);
    // a command whose last word is a file named like a block is no block's name: its row's Seq is
    await writeFile(files.joblog, `Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n${[1, 2].map((seq) => [seq, ':', '1796592459.954', '0.098', '2', '0', 0, '0', `cat > parts/block-${seq}`].join('\t')).join('\n')}\n`);
    const named = await prun(['exec', '--pipe', '-N', '1', '--joblog', files.joblog, '--resume', `read n; echo $n >> ${files.started(2)}`], { input: '1\n2\n3\n', stdin: undefined });
    assert.equal(named.exitCode, 0, String(named.stderr));
    assert.deepEqual(await started(files, 2), ['3']);
  });

  test('--shuf --resume: a shuffled run resumes by what each job holds', async () => {
    const files = paths();
    const inputs = Array.from({ length: 30 }, (_, i) => String(i + 1));
    const way = ways.at(-1)!;
    const first = await run(way, files, 1, ['--shuf', ...HALTED], [...inputs, 'fail'], 1);
    assert.equal(first.exitCode, 1, String(first.stderr));
    const done = await rowTexts(files.joblog);
    const resumed = await run(way, files, 2, ['--shuf', '--resume'], [...inputs, 'fail']);
    assert.equal(resumed.exitCode, 0, String(resumed.stderr));
    assert.deepEqual(await started(files, 2), sorted([...inputs, 'fail'].filter((input) => !done.includes(input))));
  });
});
