import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseHalt, shouldHalt } from '../../src/engine/halt.js';
import { lines, prun, runtimes } from '../helpers/prun.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prun-halt-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('shouldHalt: a percentage is of the total number of inputs, as GNU parallel computes it', () => {
  const half = parseHalt('soon,fail=50%')!;

  test('one early failure of 1000 is not 50%', () => {
    assert.equal(shouldHalt(half, { succeeded: 0, failed: 1, total: 1000 }), false);
    assert.equal(shouldHalt(half, { succeeded: 0, failed: 499, total: 1000 }), false);
    assert.equal(shouldHalt(half, { succeeded: 0, failed: 500, total: 1000 }), true);
  });

  test('never halts while the total is unknown, however many have failed', () => {
    assert.equal(shouldHalt(half, { succeeded: 0, failed: 1, total: undefined }), false);
    assert.equal(shouldHalt(half, { succeeded: 0, failed: 10_000, total: undefined }), false);
  });

  test('success=N% and done=N% count successes and both', () => {
    assert.equal(shouldHalt(parseHalt('now,success=10%')!, { succeeded: 10, failed: 50, total: 100 }), true);
    assert.equal(shouldHalt(parseHalt('now,success=10%')!, { succeeded: 9, failed: 50, total: 100 }), false);
    assert.equal(shouldHalt(parseHalt('now,done=10%')!, { succeeded: 5, failed: 5, total: 100 }), true);
  });

  test('a count needs no total', () => {
    assert.equal(shouldHalt(parseHalt('soon,fail=3')!, { succeeded: 0, failed: 3, total: undefined }), true);
    assert.equal(shouldHalt(parseHalt('soon,fail=3')!, { succeeded: 0, failed: 2, total: undefined }), false);
  });
});

/** failed, total, never ran, and whether it says halted, from the summary line. */
function summaryOf(stderr: unknown): { failed: number; total: number; notRun: number; halted: boolean } {
  const summary = lines(stderr).at(-1) ?? '';
  const match = /^prun: (\d+) of (\d+) inputs failed(?:, (\d+) never ran)?/.exec(summary);
  assert.ok(match, summary);
  return { failed: Number(match[1]), total: Number(match[2]), notRun: Number(match[3] ?? 0), halted: summary.endsWith('(halted)') };
}

describe('--halt fail=N% was computed over the inputs settled so far: one early failure in 1000 halted everything', () => {
  for (const runtime of runtimes) {
    test(`${runtime} 1: { echo f1; seq 2 1000; } | prun map failfirst --halt soon,fail=50% runs all 1000`, async () => {
      const input = ['throw', ...Array.from({ length: 999 }, (_, i) => String(i + 2))].join('\n');
      const result = await prun(['map', 'fixtures/faults.ts', runtime, '1', '--halt', 'soon,fail=50%'], { stdin: 'pipe', input });
      assert.equal(result.exitCode, 1);
      assert.equal(lines(result.stdout).length, 999);
      assert.deepEqual(summaryOf(result.stderr), { failed: 1, total: 1000, notRun: 0, halted: false });
    });

    test(`${runtime}: ::: values know their total: halts once half of all of them failed`, async () => {
      const inputs = [...Array.from({ length: 6 }, () => 'throw'), 'a', 'b', 'c', 'd'];
      const result = await prun(['map', 'fixtures/faults.ts', runtime, '1', '--chunksize', '1', '--halt', 'soon,fail=50%', ':::', ...inputs]);
      const summary = summaryOf(result.stderr);
      assert.equal(summary.halted, true, String(result.stderr));
      assert.ok(summary.failed >= 5, String(result.stderr));
      assert.equal(summary.failed + lines(result.stdout).length + summary.notRun, 10);
    });

    test(`${runtime}: a regular INPUT file is counted ahead, without a progress bar, so a percentage halts before the end is read`, async () => {
      const file = join(dir, `throws-${runtime}.txt`);
      await writeFile(file, 'throw\n'.repeat(20_000));
      const result = await prun(['map', 'fixtures/faults.ts', file, runtime, '1', '--halt', 'soon,fail=1%']);
      const summary = summaryOf(result.stderr);
      assert.equal(summary.halted, true, String(result.stderr).slice(-300));
      // 1% of 20000: not at the first failure (of the settled), not only at the end (of a total read late)
      assert.ok(summary.failed >= 200 && summary.failed < 20_000, `${summary.failed} failed`);
      assert.equal(summary.total, 20_000);
      assert.equal(summary.failed + summary.notRun, 20_000);
    });
  }

  test('exec: { echo f1; seq 2 200; } | prun exec --halt soon,fail=50% runs all 200', async () => {
    const input = ['f1', ...Array.from({ length: 199 }, (_, i) => String(i + 2))].join('\n');
    const result = await prun(['exec', '-j', '1', '--halt', 'soon,fail=50%', '[ {} != f1 ] && echo {}'], { stdin: 'pipe', input });
    assert.equal(result.exitCode, 1);
    assert.equal(lines(result.stdout).length, 199);
    assert.deepEqual(summaryOf(result.stderr), { failed: 1, total: 200, notRun: 0, halted: false });
  });
});
