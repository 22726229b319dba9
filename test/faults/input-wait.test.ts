import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { assertNoWorkerLeft } from '../helpers/accounting.js';
import { bin, lines, root, runtimes } from '../helpers/prun.js';
import { waitForLines } from '../helpers/streams.js';
import { scratchDir } from '../helpers/files.js';

const dir = scratchDir('input-wait');

let runs = 0;

describe('a worker that dies while prun waits for input', () => {
  for (const runtime of runtimes) {
    // with `a` first, batches are known to be short, so prun waits for input while `exit:3`
    // still runs: its death, its retry and its failure must not wait for the next line
    for (const before of [[], ['a']]) {
      const name = `${runtime}: "a batch was submitted to a pool with no room": the failure is told while stdin is idle, and the next line still runs${before.length ? ' (after a quick input)' : ''}`;
      test(name, { timeout: 180_000 }, async () => {
        const pids = join(dir, `pids-${++runs}`);
        const child = execa(bin, ['map', 'fixtures/faults.ts', runtime, '1'], {
          cwd: root,
          reject: false,
          stdin: 'pipe',
          env: { PRUN_TEST_PIDS: pids },
        });
        for (const input of before) {
          child.stdin!.write(`${input}\n`);
          await waitForLines(child.stdout!, new RegExp(`^${input}$`));
        }
        child.stdin!.write('exit:3\n');
        await waitForLines(child.stderr!, /failed: worker exited with code 3$/);
        child.stdin!.end('after\n');
        const result = await child;
        assert.deepEqual(lines(result.stdout), [...before, 'after']);
        assert.equal(result.exitCode, 1, String(result.stderr));
        assert.match(String(result.stderr), new RegExp(`^prun: input ${before.length} "exit:3" failed: worker exited with code 3$`, 'm'));
        assert.match(lines(result.stderr).at(-1)!, new RegExp(`^prun: 1 of ${before.length + 2} inputs failed$`));
        await assertNoWorkerLeft(pids);
      });
    }
  }
});
