// A halt is a halt on the queue too: from the moment the producer sees a --halt condition met,
// no batch starts on any worker, whatever the workers hold ahead (BullMQ hands each up to its
// concurrency at once) and however soon a slot is free again after the failure.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { lines, prun } from '../helpers/prun.js';
import { useQueue } from '../helpers/queue.js';
import { runKeys } from '../helpers/redis.js';
import { waitForLines } from '../helpers/streams.js';
import { waitForEntry } from '../helpers/files.js';

const bench = useQueue();

/**
 * Each job records its start in `starts`; `hold` waits for the gate, which the test opens once
 * prun has seen the failure; `fail` waits for `hold` to be running, records its end (`ended`),
 * then fails. So when `fail` fails both slots are busy, and nothing should start after it.
 * Every wait is bounded (30 s).
 */
function command(dir: string): string {
  const wait = (file: string) => `i=0; while [ ! -e ${dir}/${file} ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i+1)); done`;
  return `echo {} >> ${dir}/starts; case {} in hold) : > ${dir}/held; ${wait('open')};; fail) ${wait('held')}; echo ended >> ${dir}/starts; exit 1;; esac; echo {}`;
}

describe('prun exec --queue --halt (was: the batches a worker held started after the halt)', () => {
  const where = [
    { name: 'on a prun worker --procs 2', args: [] as string[], workers: 1 },
    { name: 'on the producer\'s own -j 2', args: ['-j', '2'], workers: 0 },
  ];
  for (const when of ['soon', 'now']) {
    for (const { name, args, workers } of where) {
      test(`--halt ${when},fail=1 ${name}: no input starts once the failure is seen; the rest never ran; no key stays`, { timeout: 180_000 }, async () => {
        const dir = await mkdtemp(join(bench.dir, 'halt-'));
        const pool = Array.from({ length: workers }, () => bench.worker(['--procs', '2']));
        // `fail` first: in input order its failure is printed as it is seen, not once `hold` ends
        // (was second: the test waited for hold's own 30 s bound, 48 s a run, past 60 s on a loaded machine)
        const inputs = ['fail', 'hold', 'a', 'b', 'c', 'd', 'e', 'f'];
        const child = prun(['exec', '--queue', bench.redis.url, ...args, '--halt', `${when},fail=1`, command(dir), ':::', ...inputs]);
        await waitForLines(child.stderr!, /"fail".* failed/);
        await writeFile(join(dir, 'open'), '');
        const result = await child;
        assert.equal(result.exitCode, 1, String(result.stderr));
        const starts = (await readFile(join(dir, 'starts'), 'utf8')).split('\n').filter(Boolean);
        // both slots were busy when `fail` failed: nothing started after it
        assert.equal(starts.at(-1), 'ended', starts.join(' '));
        starts.pop();
        // what started and finished printed (but `fail`), in input order; `now` ended `hold`
        const printed = lines(result.stdout);
        const finished = inputs.filter((input) => input !== 'fail' && starts.includes(input) && (when === 'soon' || input !== 'hold'));
        assert.deepEqual(printed, finished);
        const summary = lines(result.stderr).at(-1)!;
        assert.match(summary, new RegExp(`^prun: 1 of 8 inputs failed, ${8 - 1 - printed.length} never ran`), summary);
        assert.deepEqual(await runKeys(bench.redis), [], 'a finished run leaves no keys');
        await Promise.all(pool.map((each) => each.stop()));
      });
    }
  }
});

/** Resolves once BullMQ counts `count` jobs as taken by workers; bounded. */
async function waitForActive(count: number): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (Number(await bench.redis.command('LLEN', 'prun:batches:active')) >= count) return;
    await delay(10);
  }
  throw new Error(`fewer than ${count} jobs taken after 30 s`);
}

describe('prun exec --queue, one Ctrl-C', () => {
  test('a batch a worker holds behind a running one never starts (was: given ahead to the busy slot, it did)', { timeout: 180_000 }, async () => {
    const dir = await mkdtemp(join(bench.dir, 'interrupt-'));
    const pool = [bench.worker(['--procs', '1'])];
    const child = prun(['exec', '--queue', bench.redis.url, command(dir), ':::', 'q1', 'q2', 'hold', 'a', 'b']);
    // the worker runs `hold` and holds `a`: after quick batches (q1, q2) BullMQ hands it a job
    // more than it runs (take-ahead.ts)
    await waitForEntry(dir, 'held');
    await waitForActive(2);
    child.kill('SIGINT');
    await waitForLines(child.stderr!, /starting no more inputs/);
    await writeFile(join(dir, 'open'), '');
    const result = await child;
    assert.equal(result.exitCode, 130, String(result.stderr));
    assert.deepEqual(lines(result.stdout), ['q1', 'q2', 'hold']);
    assert.deepEqual((await readFile(join(dir, 'starts'), 'utf8')).split('\n').filter(Boolean), ['q1', 'q2', 'hold']);
    assert.match(lines(result.stderr).at(-1)!, /, 2 never ran \(interrupted\)$/);
    assert.deepEqual(await runKeys(bench.redis), [], 'a finished run leaves no keys');
    await Promise.all(pool.map((each) => each.stop()));
  });
});
