// The progress line of a run through the queue: how many workers serve it, as they come and go.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lines, prun } from '../helpers/prun.js';
import { inputs, useQueue } from '../helpers/queue.js';
import { waitForLines } from '../helpers/streams.js';

const bench = useQueue();

describe('prun map --queue --progress', () => {
  test('the off-terminal progress line counts the workers serving the run, the producer\'s own among them', async () => {
    const gate = await bench.gate(10000);
    const remote = bench.worker([], gate.env);
    const run = prun(['map', 'fixtures/queue-square.ts', '--queue', bench.redis.url, '--procs', '1', '--progress'], { input: inputs, stdin: 'pipe', env: gate.env });
    // the run cannot end while the gate is shut: the line is drawn again each second until then
    const counted = waitForLines(run.stderr!, / \| 0 failed \| 2 workers$/);
    await gate.reached();
    const bound = setTimeout(() => run.kill('SIGKILL'), 30_000); // the line never came: the run ends, the test fails
    await counted;
    clearTimeout(bound);
    await gate.open();
    const result = await run;
    await bench.assertCompleted(result);
    assert.match(lines(String(result.stderr).trimEnd()).at(-1)!, /^20000\/20000 100% in /);
    await remote.stop();
  });
});
