// prun exec when the folder of its jobs' output (--tmpdir, TMPDIR, /dev/shm) fills up: no
// output cut short reaches stdout, the run stops with exit 74, and --resume-failed finishes
// the rest (the promise: nothing lost on a full disk, never silent wrong output).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { statfsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { joblogRows, scratchDir, waitForEntry } from '../helpers/files.js';
import { useSmallDisk } from '../helpers/small-disk.js';
import { prunWithStdin } from '../helpers/exec.js';
import { bin, lines, root } from '../helpers/prun.js';

const dir = scratchDir('exec-full-disk');
/** Input N prints N×10000 bytes and a newline: on a 64 kB disk, 7 and 8 cannot fit even alone. */
const COMMAND = 'head -c {}0000 /dev/zero | tr "\\0" x; echo';
const INPUTS = '1\n2\n3\n4\n5\n6\n7\n8\n';

/** The inputs whose output a run printed whole; throws on a line that is not some input's whole output. */
function printedInputs(stdout: string): number[] {
  return lines(stdout.trimEnd()).map((line) => {
    assert.match(line, /^x+$/);
    assert.equal(line.length % 10000, 0, `a line of ${line.length} bytes: output cut short`);
    return line.length / 10000;
  });
}

describe('prun exec with its output folder on a full disk', () => {
  const smallDisk = useSmallDisk(join(dir, 'small-disk'));

  test('inputs from a pipe: no cut output is printed, one line names the folder, exit 74; --resume-failed then runs each input not printed, once (was: 64 kB of a cut output printed, "failed: exit 1")', async (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    const joblog = join(dir, 'full.joblog');
    const full = await prunWithStdin(['exec', '-j2', '--joblog', joblog, '--tmpdir', mount, COMMAND], INPUTS);
    assert.equal(full.exitCode, 74, String(full.stderr));
    const first = printedInputs(String(full.stdout));
    const said = lines(String(full.stderr).trimEnd()).filter((line) => !line.startsWith('prun: input '));
    assert.equal(said.filter((line) => line.includes(mount)).length, 1, String(full.stderr));
    const rows = await joblogRows(joblog);
    const failed = rows.filter((row) => row[6] !== '0').map((row) => Number(row[8]));
    // 7 and 8 cannot fit: whether the job cut short failed with a row, or the run stopped at a
    // free that saw the disk full first and it never ran (no row), it is not printed
    assert.ok(first.length < 8, 'the run stopped before every input was printed');
    // every printed input has its row, and no failed one was printed
    assert.deepEqual(rows.filter((row) => row[6] === '0').map((row) => Number(row[8])).sort(), [...first].sort());
    assert.ok(failed.every((input) => !first.includes(input)));

    const resumed = await prunWithStdin(['exec', '-j2', '--joblog', joblog, '--resume-failed', '--tmpdir', dir, COMMAND], INPUTS);
    assert.equal(resumed.exitCode, 0, String(resumed.stderr));
    const second = printedInputs(String(resumed.stdout));
    assert.deepEqual([...first, ...second].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test('--results DIR on a full disk: the job that ended then fails, one line names DIR, exit 74; the files of the jobs that succeeded are whole', async (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    const results = join(mount, 'out');
    // the disk is the other tests' too
    t.after(() => rm(results, { recursive: true, force: true }));
    const run = await prunWithStdin(['exec', '-j1', '--results', results, COMMAND], INPUTS);
    assert.equal(run.exitCode, 74, String(run.stderr));
    const said = lines(String(run.stderr).trimEnd());
    assert.equal(said.filter((line) => !line.startsWith('prun: input ') && line.includes(results)).length, 1, String(run.stderr));
    const printed = printedInputs(String(run.stdout));
    assert.ok(printed.length < 8, 'the run stopped');
    for (const input of printed) {
      const { size } = await stat(join(results, '1', String(input), 'stdout'));
      assert.equal(size, input * 10000 + 1, `input ${input}'s stdout file`);
    }
  });

  test('--results FILE.csv on a full disk: one line names it, exit 74, and the file holds whole records only, as a joblog its rows (was: a torn last record: a review)', async (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    const file = join(mount, 'results.csv');
    t.after(() => rm(file, { force: true }));
    const run = await prunWithStdin(['exec', '-j1', '--results', file, COMMAND], INPUTS);
    assert.equal(run.exitCode, 74, String(run.stderr));
    const said = lines(String(run.stderr).trimEnd());
    assert.equal(said.filter((line) => !line.startsWith('prun: input ') && line.includes(file)).length, 1, String(run.stderr));
    const records = await readFile(file, 'latin1');
    assert.ok(records.startsWith('Seq,'), records.slice(0, 40));
    // each record ends with its whole stdout, x…x and a newline, quoted, and an empty stderr
    assert.match(records.slice(-20), /x\n",\n$/, 'the last record is whole');
  });

  test('--pipe: a block that cannot be written whole is never run; one line names the folder, exit 74', async (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    // lines of 101 bytes, blocks of about 20 kB, four jobs holding theirs at once: 80 kB
    const input = `${'y'.repeat(100)}\n`.repeat(3000);
    const run = await prunWithStdin(['exec', '--pipe', '--block', '20k', '-j4', '--tmpdir', mount, 'sleep 0.5; wc -c'], input);
    assert.equal(run.exitCode, 74, String(run.stderr));
    const said = lines(String(run.stderr).trimEnd());
    assert.equal(said.length, 1 + said.filter((line) => line.startsWith('prun: ') && / inputs? /.test(line)).length, String(run.stderr));
    assert.ok(said[0]!.includes(mount), said[0]);
    // every block that ran was whole: lines of 101 bytes
    for (const count of lines(String(run.stdout).trimEnd())) assert.equal(Number(count) % 101, 0, `a block of ${count} bytes`);
    assert.deepEqual(await readdir(mount), [], 'no block left behind');
  });
});

describe('prun exec: room made on a full disk by an output held for a slow reader', () => {
  const disk = useSmallDisk(join(dir, 'held-disk'), '4m');

  test('a job whose writes failed and that ends after a held output was freed still fails, none of its output printed (was: printed cut short, the disk had room again by its end)', async (t) => {
    const mount = disk(t);
    if (!mount) return;
    const marks = join(dir, 'held-marks');
    await mkdir(marks);
    // a: 3 MB, held in its file while stdout is not read; b, after it: fills the rest of the
    // disk, says so, and ends only when told (at most 10 s)
    const command = `head -c 3000000 /dev/zero | tr "\\0" {}; [ {} = a ] && exit 0; touch ${marks}/full; i=0; while [ ! -e ${marks}/go ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done`;
    const child = spawn(process.execPath, [bin, 'exec', '-j1', '--tmpdir', mount, command, ':::', 'a', 'b'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    await waitForEntry(marks, 'full');
    // now read: a's file is written out and freed, which makes room again
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    for (let waited = 0; freeBytes(mount) < 2_000_000; waited += 10) {
      assert.ok(waited < 10_000, 'the held output was never freed');
      await delay(10);
    }
    await writeFile(join(marks, 'go'), '');
    const [code] = await exited;
    assert.equal(code, 74, stderr);
    assert.equal(stdout, 'a'.repeat(3_000_000), `${stdout.length} bytes printed`);
  });
});

function freeBytes(path: string): number {
  const stats = statfsSync(path);
  return stats.bfree * stats.bsize;
}

