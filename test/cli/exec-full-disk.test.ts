// prun exec when the folder of its jobs' output (--tmpdir, TMPDIR, /dev/shm) fills up: no
// output cut short reaches stdout, the run stops with exit 74, and --resume-failed finishes
// the rest (the promise: nothing lost on a full disk, never silent wrong output).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { joblogRows, scratchDir } from '../helpers/files.js';
import { useSmallDisk } from '../helpers/small-disk.js';
import { prunWithStdin } from '../helpers/exec.js';
import { lines } from '../helpers/prun.js';

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
    assert.ok(failed.length > 0, 'the input whose output was cut short failed');
    // every printed input has its row, and no failed one was printed
    assert.deepEqual(rows.filter((row) => row[6] === '0').map((row) => Number(row[8])).sort(), [...first].sort());
    assert.ok(failed.every((input) => !first.includes(input)));

    const resumed = await prunWithStdin(['exec', '-j2', '--joblog', joblog, '--resume-failed', '--tmpdir', dir, COMMAND], INPUTS);
    assert.equal(resumed.exitCode, 0, String(resumed.stderr));
    const second = printedInputs(String(resumed.stdout));
    assert.deepEqual([...first, ...second].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
