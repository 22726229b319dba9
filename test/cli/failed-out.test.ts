// --failed-out FILE, end to end: each input that failed for good, written as it fails, in a
// form that the next run takes back as its input.
import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { scratchDir, waitForFile } from '../helpers/files.js';
import { waitForLines } from '../helpers/streams.js';
import { freePort } from '../helpers/redis.js';
import { fillDisk, useSmallDisk } from '../helpers/small-disk.js';
import { bin, HUNG_MS, lines, prun, root, runtimes } from '../helpers/prun.js';

const dir = scratchDir('failed-out');

let runs = 0;
function paths() {
  const n = ++runs;
  return {
    failed: join(dir, `failed-${n}.txt`),
    input: join(dir, `input-${n}.txt`),
    gate: join(dir, `gate-${n}`),
    started: (run: number) => join(dir, `started-${n}-${run}`),
  };
}
type Files = ReturnType<typeof paths>;

interface Way {
  name: string;
  /**
   * Run number `run`'s arguments before its inputs, `jobs` at a time: inputs record their
   * start; fail* fails; gate* waits for the gate.
   */
  args(files: Files, run: number, extra: string[], jobs?: number): string[];
  /** The arguments that read a file of inputs. */
  file(path: string): string[];
}

const ways: Way[] = [
  { name: 'map', args: (_files, _run, extra, jobs = 2) => ['map', 'fixtures/gated.ts', '-j', String(jobs), '--chunksize', '1', ...extra], file: (path) => [path] },
  {
    name: 'exec',
    file: (path) => ['::::', path],
    args: (files, run, extra, jobs = 2) => [
      'exec',
      '-j',
      String(jobs),
      ...extra,
      `printf '%s\\n' {} >> ${files.started(run)}; case {} in gate*) while [ ! -e ${files.gate} ]; do sleep 0.01; done;; fail*) exit 1;; esac; echo {}`,
    ],
  },
];

function envFor(files: Files, run: number) {
  return { PRUN_TEST_STARTED: files.started(run), PRUN_TEST_GATE: files.gate };
}

async function started(files: Files, run: number): Promise<string[]> {
  return lines((await readFile(files.started(run), 'utf8').catch(() => '')).trimEnd()).sort();
}

for (const way of ways) {
  describe(`--failed-out, prun ${way.name}`, () => {
    test('--failed-out re-feeds exactly the failures: inputs with spaces, duplicates, as a file of inputs', async () => {
      const files = paths();
      const inputs = ['ok one', 'fail with spaces', 'ok two', 'fail  twice', 'fail with spaces', 'ok three'];
      await writeFile(files.input, inputs.map((input) => `${input}\n`).join(''));
      const first = await prun([...way.args(files, 1, ['--failed-out', files.failed]), ...way.file(files.input)], { env: envFor(files, 1) });
      assert.equal(first.exitCode, way.name === 'exec' ? 3 : 1, String(first.stderr));
      const failed = inputs.filter((input) => input.startsWith('fail'));
      assert.deepEqual(lines(await readFile(files.failed, 'utf8')).sort(), [...failed, ''].sort());
      // the very file, as the input of the next run: the failures run again, and only they
      const again = await prun([...way.args(files, 2, []), ...way.file(files.failed)], { env: envFor(files, 2) });
      assert.equal(again.exitCode, way.name === 'exec' ? 3 : 1, String(again.stderr));
      assert.deepEqual(await started(files, 2), [...failed].sort());
    });

    test('-0: --failed-out is NUL-ended, so inputs holding newlines and spaces re-feed whole', async () => {
      const files = paths();
      const inputs = ['ok', 'fail a b', 'fail\nacross lines', 'ok\ntoo'];
      await writeFile(files.input, inputs.map((input) => `${input}\0`).join(''));
      const first = await prun([...way.args(files, 1, ['-0', '--failed-out', files.failed]), ...way.file(files.input)], { env: envFor(files, 1) });
      assert.equal(first.exitCode, way.name === 'exec' ? 2 : 1, String(first.stderr));
      const content = await readFile(files.failed, 'utf8');
      assert.deepEqual(content.split('\0').sort(), ['', 'fail a b', 'fail\nacross lines'].sort());
      // read back with -0, and written again: FILE is an input too, so the next run's is another file
      const next = `${files.failed}.next`;
      const again = await prun([...way.args(files, 2, ['-0', '--failed-out', next]), ...way.file(files.failed)], { env: envFor(files, 2) });
      assert.equal(again.exitCode, way.name === 'exec' ? 2 : 1, String(again.stderr));
      // the same failures again: the file it wrote holds what it read, in input order
      assert.equal(await readFile(next, 'utf8'), content);
      assert.deepEqual(await started(files, 2), ['fail a b', 'fail', 'across lines'].sort());
    });

    test('a failure is in the file as soon as it fails, while other inputs still run', async () => {
      const files = paths();
      const child = execa(bin, [...way.args(files, 1, ['--unordered', '--failed-out', files.failed]), ':::', 'gate', 'fail now'], { cwd: root, reject: false, env: envFor(files, 1) });
      await waitForFile(files.failed, (lines) => lines.includes('fail now'));
      assert.equal(child.exitCode, null, 'prun still runs: the gated input holds it');
      await writeFile(files.gate, '');
      const result = await child;
      assert.equal(result.exitCode, 1, String(result.stderr));
      assert.equal(await readFile(files.failed, 'utf8'), 'fail now\n');
    });

    test('--resume keeps the failures of the run it resumes in the file, and adds its own', async () => {
      const files = paths();
      const joblog = join(dir, `joblog-${runs}.tsv`);
      const inputs = ['fail a', 'ok', 'fail b'];
      // one at a time, halted at the first failure: `ok` and `fail b` never run
      const first = await prun([...way.args(files, 1, ['--joblog', joblog, '--halt', 'soon,fail=1', '--failed-out', files.failed], 1), ':::', ...inputs], { env: envFor(files, 1) });
      assert.equal(first.exitCode, 1, String(first.stderr));
      assert.equal(await readFile(files.failed, 'utf8'), 'fail a\n');
      const resumed = await prun([...way.args(files, 2, ['--joblog', joblog, '--resume', '--failed-out', files.failed]), ':::', ...inputs.reverse()], { env: envFor(files, 2) });
      assert.equal(resumed.exitCode, 1, String(resumed.stderr));
      assert.equal(await readFile(files.failed, 'utf8'), 'fail a\nfail b\n');
    });
  });
}

describe('--failed-out, what it holds', () => {
  test('map: a failure retried into success is not written; nor is an input that never ran', async () => {
    const files = paths();
    const retried = await prun(['map', 'fixtures/gated.ts', '--retries', '1', '--failed-out', files.failed, ':::', 'once then ok', 'fail always', 'ok'], { env: envFor(files, 1) });
    assert.equal(retried.exitCode, 1, String(retried.stderr));
    assert.equal(await readFile(files.failed, 'utf8'), 'fail always\n');
    const halted = await prun(['map', 'fixtures/gated.ts', '-j', '1', '--halt', 'soon,fail=1', '--failed-out', files.failed, ':::', 'fail first', 'fail never run'], { env: envFor(files, 2) });
    assert.equal(halted.exitCode, 1, String(halted.stderr));
    assert.equal(await readFile(files.failed, 'utf8'), 'fail first\n');
  });

  test('exec: a job of several arguments writes each on a line of its own, to be read back with the same -N', async () => {
    const files = paths();
    const first = await prun(['exec', '-N', '2', '--failed-out', files.failed, 'case {1} in fail*) exit 1;; esac; echo {1} {2}', ':::', 'fail a', 'b c', 'ok', 'd', 'fail e']);
    assert.equal(first.exitCode, 2, String(first.stderr));
    assert.equal(await readFile(files.failed, 'utf8'), 'fail a\nb c\nfail e\n');
    const again = await prun(['exec', '-N', '2', "printf '%s|%s\\n' {1} {2}", '::::', files.failed]);
    assert.deepEqual(lines(String(again.stdout).trimEnd()), ['fail a|b c', 'fail e|']);
  });

  test('exec --header: the file begins with the header, so the same --header reads back exactly the failures, under --resume too (was: none, the first failure was read as the header: dropped, exit 0)', async () => {
    const files = paths();
    const joblog = join(dir, `joblog-header-${runs}`);
    await writeFile(files.input, 'name\nok1\nX\nY\n');
    const command = 'echo {name}; case {name} in ok*) ;; *) exit 1;; esac';
    const first = await prun(['exec', '-k', '--header', ':', '--joblog', joblog, '--failed-out', files.failed, command, '::::', files.input]);
    assert.equal(first.exitCode, 2, String(first.stderr));
    assert.equal(await readFile(files.failed, 'utf8'), 'name\nX\nY\n');
    // one more input, run by --resume: its failure is added, under the one header
    await appendFile(files.input, 'Z\n');
    const resumed = await prun(['exec', '-k', '--header', ':', '--joblog', joblog, '--resume', '--failed-out', files.failed, command, '::::', files.input]);
    assert.equal(resumed.exitCode, 1, String(resumed.stderr));
    assert.equal(await readFile(files.failed, 'utf8'), 'name\nX\nY\nZ\n');
    const again = await prun(['exec', '-k', '--header', ':', command, '::::', files.failed]);
    assert.deepEqual(lines(String(again.stdout).trimEnd()), ['X', 'Y', 'Z']);
    // several columns, at --header's tabs: a failure's line, under the header's
    await writeFile(files.input, 'a\tb\n1\t2\n');
    const columns = await prun(['exec', '--header', ':', '--failed-out', files.failed, 'exit 1', '::::', files.input]);
    assert.equal(await readFile(files.failed, 'utf8'), 'a\tb\n1\t2\n');
    assert.doesNotMatch(String(columns.stderr), /--failed-out/);
    // several sources: each failure's columns a line each, with no header, and said so
    await writeFile(files.input, 'a\n1\n');
    const sources = await prun(['exec', '--header', ':', '--failed-out', files.failed, 'exit 1', '::::', files.input, '::::', files.input]);
    assert.equal(await readFile(files.failed, 'utf8'), '1\n1\n');
    assert.match(String(sources.stderr), /^prun: --failed-out .*: each failure's 2 columns are written a line each, with no --header line: read it back with -N 2/m);
  });

  test('exec --colsep: a failure is written as its line, however many columns it has, so the same --colsep reads back exactly the failures (was: a column a line, read back with -N as other jobs)', async () => {
    const files = paths();
    await writeFile(files.input, 'x1\nx,y\n xq , r ,s\nok,1\n,\n');
    const command = "printf '[%s][%s][%s]\\n' {1} {2} {3}; case {1} in x*|'') exit 1;; esac";
    const first = await prun(['exec', '-k', '--colsep', ',', '--failed-out', files.failed, command, '::::', files.input]);
    assert.equal(first.exitCode, 4, String(first.stderr));
    // trimmed columns, as the jobs got them
    assert.equal(await readFile(files.failed, 'utf8'), 'x1\nx,y\nxq,r,s\n,\n');
    const again = await prun(['exec', '-k', '--colsep', ',', command, '::::', files.failed]);
    assert.deepEqual(lines(String(again.stdout)), ['[x1][][]', '[x][y][]', '[xq][r][s]', '[][][]']);
    // a pattern: joined by a separator it matches, the one typed if it is one
    const pattern = await prun(['exec', '-k', '--colsep', '[;|]', '--failed-out', files.failed, 'false', ':::', 'a;b', 'c|d|e']);
    assert.equal(pattern.exitCode, 2, String(pattern.stderr));
    assert.equal(await readFile(files.failed, 'utf8'), 'a;b\nc;d;e\n');
    // -N 1 is a line a job too
    await prun(['exec', '-N', '1', '--colsep', ',', '--failed-out', files.failed, 'false', ':::', 'a', 'b,c']);
    assert.equal(await readFile(files.failed, 'utf8'), 'a\nb,c\n');
    // several sources: an argument a line, and failures of other numbers of them are said
    const sources = await prun(['exec', '--colsep', ',', '--failed-out', files.failed, 'false', ':::', 'a', 'b,c', ':::', 'u']);
    assert.equal(await readFile(files.failed, 'utf8'), 'a\nu\nb\nc\nu\n');
    assert.match(String(sources.stderr), /^prun: --failed-out .*: failures of 2 and of 3 arguments, written a line each/m);
    // a capture group puts the separator among the columns: no line gives them back, and that is said
    const captured = await prun(['exec', '--colsep', '(,)', '--failed-out', files.failed, 'false', ':::', 'a,b']);
    assert.match(String(captured.stderr), /^prun: --failed-out .*: no separator that --colsep matches gives back the columns of a failure/m);
    assert.equal(await readFile(files.failed, 'utf8'), 'a\n,\nb\n');
  });

  test('exec --header: the file\'s header and columns are the header line\'s as read, empty names too (was, after 920da8f: an empty header line was not written, and `a,` gave one column of two)', async () => {
    const files = paths();
    await writeFile(files.input, '\nx\ny\nx\n');
    await prun(['exec', '--header', ':', '--failed-out', files.failed, 'test {} != x', '::::', files.input]);
    assert.equal(await readFile(files.failed, 'utf8'), '\nx\nx\n');
    const again = await prun(['exec', '-k', '--header', ':', 'echo "[{}]"', '::::', files.failed]);
    assert.deepEqual(lines(String(again.stdout).trimEnd()), ['[x]', '[x]']);
    await writeFile(files.input, 'a,\n1,2\n3,4\n');
    const columns = await prun(['exec', '-k', '--header', ':', '--colsep', ',', '--failed-out', files.failed, 'false', '::::', files.input]);
    assert.equal(columns.exitCode, 2, String(columns.stderr));
    assert.equal(await readFile(files.failed, 'utf8'), 'a,\n1,2\n3,4\n');
  });

  test('--failed-out that is also an input, or the --joblog, is refused (exit 2): it would be emptied before it is read', async () => {
    const files = paths();
    await writeFile(files.input, 'a\n');
    const input = await prun(['map', 'fixtures/square.ts', '--failed-out', files.input, files.input]);
    assert.equal(input.exitCode, 2);
    assert.equal(lines(String(input.stderr).trimEnd()).length, 1);
    assert.equal(await readFile(files.input, 'utf8'), 'a\n');
    const joblog = await prun(['exec', '--joblog', files.failed, '--failed-out', files.failed, 'true', ':::', 'a']);
    assert.equal(joblog.exitCode, 2);
  });

  test('--failed-out that is stdin, or the script, is refused (exit 2), and left as it was (was: emptied, exit 0)', async () => {
    const files = paths();
    await writeFile(files.input, 'a\n');
    const script = join(dir, `script-${runs}.ts`);
    const source = await readFile(join(root, 'fixtures/square.ts'), 'utf8');
    await writeFile(script, source);
    // stdin the file itself, as `< FILE` gives it (execa's { file } would pipe it)
    const fromFile = (args: string[]) => execa('sh', ['-c', '"$@" < "$0"', files.input, bin, ...args], { cwd: root, reject: false });
    const refused = [
      await fromFile(['map', 'fixtures/square.ts', '--failed-out', files.input]),
      await fromFile(['exec', '--failed-out', files.input, 'true']),
      await prun(['map', script, '--failed-out', script, ':::', '1']),
    ];
    for (const run of refused) {
      assert.equal(run.exitCode, 2, String(run.stderr));
      assert.equal(lines(String(run.stderr).trimEnd()).length, 1);
    }
    assert.equal(await readFile(files.input, 'utf8'), 'a\n');
    assert.equal(await readFile(script, 'utf8'), source);
  });

  test('--failed-out or --joblog that is stdout\'s file is refused (exit 2), before anything runs (was: results and failures written over each other)', async () => {
    const files = paths();
    // stdout the file itself, as `> FILE` and `>> FILE` give it
    const toFile = (redirect: string, args: string[]) => execa('sh', ['-c', `"$@" ${redirect} "$0"`, files.failed, bin, ...args], { cwd: root, reject: false });
    for (const runtime of runtimes) {
      for (const flag of ['--failed-out', '--joblog']) {
        await writeFile(files.failed, 'kept\n');
        const run = await toFile('>>', ['map', 'fixtures/square.ts', runtime, flag, files.failed, ':::', '1', 'x']);
        assert.equal(run.exitCode, 2, `${runtime} ${flag}: ${String(run.stderr)}`);
        assert.equal(lines(String(run.stderr).trimEnd()).length, 1, String(run.stderr));
        assert.equal(await readFile(files.failed, 'utf8'), 'kept\n');
      }
    }
    const exec = await toFile('>', ['exec', '--failed-out', files.failed, 'false', ':::', 'a']);
    assert.equal(exec.exitCode, 2, String(exec.stderr));
    assert.equal(await readFile(files.failed, 'utf8'), '');
    // by name too, on both runtimes: under --threads fd 1 is stderr when the path is opened
    for (const runtime of runtimes) {
      const named = await prun(['map', 'fixtures/square.ts', runtime, '--failed-out', '/dev/stdout', ':::', 'x']);
      assert.equal(named.exitCode, 2, `${runtime}: ${String(named.stderr)}`);
    }
  });

  test('--failed-out /dev/stderr with stderr and stdout in one pipe (2>&1 | ...) is what was asked: it runs (was: refused as stdout)', async () => {
    // `f` fails: its failure line names it, and --failed-out writes it alone on a line
    const run = await execa('sh', ['-c', `"$0" exec --failed-out /dev/stderr '[ {} != f ]' ::: a f 2>&1 | cat`, bin], { cwd: root, reject: false });
    assert.equal(run.exitCode, 0, String(run.stderr));
    assert.ok(lines(run.stdout).includes('f'), run.stdout);
  });

  test('--failed-out that is the input pipe or FIFO is refused (exit 2): failures would come back as inputs (was: a loop without end)', async () => {
    const fifo = join(dir, `fifo-${++runs}`);
    await execa('mkfifo', [fifo]);
    const refused = [
      // stdin a pipe, --failed-out the same pipe through /dev/stdin
      prun(['map', 'fixtures/gated.ts', '--failed-out', '/dev/stdin'], { timeout: HUNG_MS, stdin: 'pipe', input: 'fail-1\n' }),
      prun(['exec', '--failed-out', '/dev/stdin', 'false'], { timeout: HUNG_MS, stdin: 'pipe', input: 'fail-1\n' }),
      // a FIFO given as the input and as --failed-out (prun refuses before it opens either, so nothing writes to it)
      prun(['map', 'fixtures/gated.ts', '--failed-out', fifo, fifo], { timeout: HUNG_MS }),
    ];
    for (const run of await Promise.all(refused)) {
      assert.equal(run.exitCode, 2, `${run.command}: ${run.stderr}`);
      assert.equal(lines(String(run.stderr).trimEnd()).length, 1, String(run.stderr));
    }
  });

  test('--failed-out a FIFO no one reads yet: prun says it waits, and a signal ends the wait (exit 130, one line, nothing ran) (was: blocked in open(2), deaf to every signal but SIGKILL)', async () => {
    for (const args of [['map', 'fixtures/gated.ts'], ['exec', 'false']]) {
      const fifo = join(dir, `fifo-${++runs}`);
      await execa('mkfifo', [fifo]);
      const files = paths();
      const child = execa(bin, [args[0]!, '--failed-out', fifo, ...args.slice(1), ':::', 'fail-1'], { cwd: root, reject: false, timeout: HUNG_MS, env: envFor(files, 1) });
      await waitForLines(child.stderr!, /^prun: waiting for a reader of --failed-out .* \(a FIFO\)$/);
      child.kill('SIGINT');
      const run = await child;
      assert.equal(run.exitCode, 130, String(run.stderr));
      assert.deepEqual(lines(String(run.stderr).trimEnd()).slice(1), [`prun: interrupted while waiting for a reader of --failed-out ${fifo}: nothing ran`]);
      assert.deepEqual(await started(files, 1), [], 'nothing ran');
    }
  });

  test('a reader that comes to a FIFO --failed-out or --results FILE after prun gets all of it: map and exec', async () => {
    const failed = join(dir, `fifo-${++runs}`);
    const records = join(dir, `fifo-${runs}.csv`);
    await execa('mkfifo', [failed]);
    await execa('mkfifo', [records]);
    const map = execa(bin, ['map', 'fixtures/gated.ts', '--failed-out', failed, ':::', 'a', 'fail-1', 'fail-2'], { cwd: root, reject: false, timeout: HUNG_MS, env: envFor(paths(), 1) });
    await waitForLines(map.stderr!, /^prun: waiting for a reader of --failed-out/);
    const [mapRun, mapFailed] = await Promise.all([map, readFile(failed, 'utf8')]);
    assert.equal(mapRun.exitCode, 1, String(mapRun.stderr));
    assert.deepEqual(lines(mapFailed.trimEnd()).sort(), ['fail-1', 'fail-2']);
    const exec = execa(bin, ['exec', '--results', records, 'echo {}', ':::', 'x', 'y'], { cwd: root, reject: false, timeout: HUNG_MS });
    await waitForLines(exec.stderr!, /^prun: waiting for a reader of --results/);
    const [execRun, written] = await Promise.all([exec, readFile(records, 'utf8')]);
    assert.equal(execRun.exitCode, 0, String(execRun.stderr));
    assert.match(written, /^Seq,/);
    // a record a job (its stdout field holds its newline)
    assert.equal(written.match(/^\d+,/gm)?.length, 2, written);
  });

  test('a FIFO --failed-out or --results FILE whose reader goes mid-run: one line, exit 74, under --resume too (was: --resume, prun its own reader, the failures lost in silence; --results, a quiet 141)', async () => {
    const failed = join(dir, `fifo-${++runs}`);
    const records = join(dir, `fifo-${runs}.csv`);
    const joblog = join(dir, `joblog-${runs}`);
    await execa('mkfifo', [failed]);
    await execa('mkfifo', [records]);
    const files = paths();
    // one run first, for --resume to resume
    await prun(['map', 'fixtures/gated.ts', '--joblog', joblog, ':::', 'a'], { env: envFor(files, 1) });
    // the reader takes one line and goes; slow inputs after it make more failures to write
    const reader = execa('head', ['-n', '1', failed], { reject: false });
    const slow = ['fail-1', ...Array.from({ length: 6 }, (_, i) => [`gate-${i}`, `fail-${i + 2}`]).flat()];
    const resumed = prun(['map', 'fixtures/gated.ts', '--procs', '1', '--chunksize', '1', '--joblog', joblog, '--resume', '--failed-out', failed, ':::', 'a', ...slow], { env: envFor(files, 2) });
    await reader;
    await writeFile(files.gate, '');
    const run = await resumed;
    assert.equal(run.exitCode, 74, String(run.stderr));
    assert.match(String(run.stderr), new RegExp(`^prun: cannot write --failed-out ${failed}: broken pipe`, 'm'));
    const recordsReader = execa('head', ['-n', '1', records], { reject: false });
    const exec = await prun(['exec', '-j', '1', '--results', records, 'sleep 0.1; echo {}', ':::', 'a', 'b', 'c', 'd', 'e']);
    await recordsReader;
    assert.equal(exec.exitCode, 74, String(exec.stderr));
    assert.match(String(exec.stderr), new RegExp(`^prun: cannot write --results ${records}: broken pipe`, 'm'));
  });

  test('--failed-out /dev/stderr with stderr a file (2>> and 2>): what the file held stays, and every failure is in it, none written over (was: emptied, then the failures overwritten by the lines after them)', async () => {
    const files = paths();
    const log = join(dir, `stderr-${runs}.log`);
    for (const redirect of ['2>>', '2>']) {
      await writeFile(log, 'kept\n');
      const run = await execa('sh', ['-c', `"$0" map fixtures/gated.ts --failed-out /dev/stderr ::: fail-1 a fail-2 ${redirect} '${log}'`, bin], { cwd: root, reject: false, env: envFor(files, 1) });
      assert.equal(run.exitCode, 1, String(run.stderr));
      const written = lines((await readFile(log, 'utf8')).trimEnd());
      if (redirect === '2>>') assert.equal(written[0], 'kept');
      for (const failed of ['fail-1', 'fail-2']) assert.ok(written.includes(failed), `${redirect}: ${written.join(' | ')}`);
    }
  });

  test('--joblog that is the file stderr goes to is refused (exit 2): prun\'s lines would be written over its rows (was: a joblog --resume then refused as not one)', async () => {
    const log = join(dir, `stderr-joblog-${++runs}`);
    const run = await execa('sh', ['-c', `"$0" map fixtures/square.ts --joblog '${log}' ::: 1 2 2> '${log}'`, bin], { cwd: root, reject: false });
    assert.equal(run.exitCode, 2);
    assert.deepEqual(lines((await readFile(log, 'utf8')).trimEnd()), [`prun: --joblog ${log} is stderr too: prun's messages would be written into it; give another file`]);
  });

  test('a script that cannot run leaves --failed-out as it was (exit 2): a typo must not empty the failures of the run before', async () => {
    const files = paths();
    await writeFile(files.failed, 'kept\n');
    const broken = join(dir, `broken-${runs}.ts`);
    await writeFile(broken, 'export default (\n');
    for (const script of [join(dir, 'no-such-script.ts'), broken]) {
      const run = await prun(['map', script, '--failed-out', files.failed, ':::', 'a']);
      assert.equal(run.exitCode, 2, String(run.stderr));
      assert.equal(lines(String(run.stderr).trimEnd()).length, 1);
      assert.equal(await readFile(files.failed, 'utf8'), 'kept\n');
    }
  });

  test('an append-only --results or --failed-out (chattr +a) is refused (exit 2) before anything is emptied (was: --failed-out emptied, then --results refused)', async (t) => {
    const files = paths();
    const records = join(dir, `records-${runs}.csv`);
    await writeFile(records, 'kept records\n');
    const appendOnly = (path: string, on: boolean) => execa('chattr', [on ? '+a' : '-a', path], { reject: false });
    const refused = await appendOnly(records, true);
    if (refused.exitCode !== 0) return t.skip(`chattr +a: ${String(refused.stderr || refused.message)}`);
    try {
      await writeFile(files.failed, 'kept\n');
      const run = await prun(['exec', '--failed-out', files.failed, '--results', records, 'echo {}', ':::', 'a']);
      assert.equal(run.exitCode, 2, String(run.stderr));
      assert.equal(lines(String(run.stderr).trimEnd()).length, 1, String(run.stderr));
      assert.equal(await readFile(files.failed, 'utf8'), 'kept\n');
    } finally {
      await appendOnly(records, false);
    }
    // an append-only --joblog whose last row is torn cannot drop it: one line, exit 2 (was: a stack, exit 1)
    const joblog = join(dir, `joblog-${runs}`);
    await writeFile(joblog, '');
    await appendOnly(joblog, true);
    try {
      await prun(['map', 'fixtures/square.ts', '--joblog', joblog, ':::', '1']);
      await appendFile(joblog, '1\t2\t0\t1\t0.0');
      const torn = await prun(['map', 'fixtures/square.ts', '--joblog', joblog, '--resume', ':::', '1', '2']);
      assert.equal(torn.exitCode, 2, String(torn.stderr));
      assert.equal(lines(String(torn.stderr).trimEnd()).length, 1, String(torn.stderr));
    } finally {
      await appendOnly(joblog, false);
    }
    await appendOnly(files.failed, true);
    try {
      // emptied unless resumed: refused at once; resumed, the failures are added to it
      const fresh = await prun(['map', 'fixtures/square.ts', '--failed-out', files.failed, ':::', '1']);
      assert.equal(fresh.exitCode, 2, String(fresh.stderr));
      assert.equal(await readFile(files.failed, 'utf8'), 'kept\n');
      const resumed = await prun(['map', 'fixtures/square.ts', '--failed-out', files.failed, '--joblog', join(dir, `log-${runs}`), '--resume', ':::', '1']);
      assert.equal(resumed.exitCode, 0, String(resumed.stderr));
      assert.equal(await readFile(files.failed, 'utf8'), 'kept\n');
    } finally {
      await appendOnly(files.failed, false);
    }
  });

  test('a run of no input empties --failed-out all the same: it holds no failure of this run', async () => {
    const files = paths();
    await writeFile(files.failed, 'from the run before\n');
    const none = await prun(['map', 'fixtures/square.ts', '--failed-out', files.failed], { stdin: 'pipe', input: '' });
    assert.equal(none.exitCode, 0, String(none.stderr));
    assert.equal(await readFile(files.failed, 'utf8'), '');
  });

  test('a --queue nothing listens at leaves --failed-out as it was (exit 2), map and exec (was: emptied, nothing having run)', async () => {
    const files = paths();
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    // exec's options go before its command
    for (const [kind, last] of [['map', 'fixtures/square.ts'], ['exec', 'echo']] as const) {
      await writeFile(files.failed, 'kept\n');
      const run = await prun([kind, '--queue', nowhere, '--failed-out', files.failed, last, ':::', 'a']);
      assert.equal(run.exitCode, 2, String(run.stderr));
      assert.equal(await readFile(files.failed, 'utf8'), 'kept\n', kind);
    }
  });
});

describe('--failed-out on a full disk', () => {
  const smallDisk = useSmallDisk(join(dir, 'small-disk'));

  test('one line, exit 74, only whole inputs in the file', async (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    const files = { ...paths(), failed: join(mount, 'failed.txt') };
    // a page for the file: emptied as prun opens it, it is all the room there is
    await writeFile(files.failed, Buffer.alloc(4096));
    fillDisk(mount);
    // inputs of ~100 bytes that all fail: a few dozen fit in the page
    const inputs = Array.from({ length: 300 }, (_, i) => `fail ${i}`.padEnd(100, 'x'));
    const full = await prun(['map', 'fixtures/gated.ts', '--procs', '2', '--failed-out', files.failed, ':::', ...inputs], { env: envFor(files, 1) });
    assert.equal(full.exitCode, 74);
    const said = lines(String(full.stderr).trimEnd());
    const errors = said.filter((line) => !line.startsWith('prun: input '));
    assert.equal(errors.length, 1, String(full.stderr));
    assert.ok(errors[0]!.startsWith(`prun: cannot write --failed-out ${files.failed}: no space left on device`), errors[0]);
    const written = lines(await readFile(files.failed, 'utf8'));
    assert.equal(written.pop(), '');
    assert.ok(written.length > 0 && written.length < inputs.length, `${written.length} inputs written`);
    assert.ok(written.every((input) => inputs.includes(input)), 'only whole inputs');
    // failures were reported past the file's last input: the line says the file misses them (was: unsaid)
    assert.ok(said.length - errors.length > written.length, 'failures reported that the file misses');
    assert.match(errors[0]!, /failures reported after its last input are not in it/);
  });
});
