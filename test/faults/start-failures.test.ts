import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { map } from 'prunjs';
import { assertNoWorkerLeft } from '../helpers/accounting.js';
import { lines, prun, root, runtimes } from '../helpers/prun.js';
import { scratchDir } from '../helpers/files.js';

const dir = scratchDir('start-failures');

/** The pool's limit of starts that fail in a row (MAX_START_FAILURES). */
const IN_A_ROW = 3;

let runs = 0;
/** fixtures/setup-once.ts: setup() succeeds in the first worker to start only. */
async function runSetupOnce(args: string[], env: Record<string, string> = {}) {
  const starts = join(dir, `starts-${++runs}`);
  const result = await prun(['map', 'fixtures/setup-once.ts', ...args], { env: { PRUN_TEST_STARTS: starts, ...env } });
  const count = lines((await readFile(starts, 'utf8')).trim()).length;
  return { result, starts: count };
}

/** Every input is a result, a failure or counted as never ran, in the summary. */
function assertAccounted(result: { stdout: unknown; stderr: unknown }, total: number, neverRan: number) {
  const summary = lines(result.stderr).at(-1)!;
  assert.equal(summary, `prun: 0 of ${total} inputs failed, ${neverRan} never ran`);
  assert.equal(lines(result.stdout).length + neverRan, total);
}

for (const runtime of runtimes) {
  describe(`workers that cannot start again ${runtime}`, () => {
    test('setup() failing in a replacement after --max-tasks-per-child: exit 1, not 2, and the inputs left are counted', async () => {
      const { result, starts } = await runSetupOnce([runtime, '1', '--max-tasks-per-child', '1', ':::', 'a', 'b', 'c']);
      assert.deepEqual(lines(result.stdout), ['a']);
      assert.equal(result.exitCode, 1);
      assert.deepEqual(lines(result.stderr), ['prun: workers keep dying at start: setup() failed: no second start (fixtures/setup-once.ts:31)', 'prun: 0 of 3 inputs failed, 2 never ran']);
      assertAccounted(result, 3, 2);
      assert.equal(starts, 1 + IN_A_ROW);
    });

    test('setup() failing on the second of two workers, after the first ran an input: exit 1, the inputs left are counted', async () => {
      // `hold` keeps the first worker busy until the run ends it: it never ran
      const { result, starts } = await runSetupOnce([runtime, '2', ':::', 'a', 'hold', 'hold', 'hold']);
      assert.deepEqual(lines(result.stdout), ['a']);
      assert.equal(result.exitCode, 1);
      assert.match(String(result.stderr), /^prun: workers keep dying at start: setup\(\) failed: no second start \(fixtures\/setup-once\.ts:31\)$/m);
      assertAccounted(result, 4, 3);
      assert.equal(starts, 1 + IN_A_ROW);
    });

    test('endless respawn: a replacement whose setup() exits is not started for ever', async () => {
      const pids = join(dir, `pids-${++runs}`);
      const { result, starts } = await runSetupOnce([runtime, '1', '--max-tasks-per-child', '1', ':::', 'a', 'b', 'c'], {
        PRUN_TEST_SETUP_EXIT: '4',
        PRUN_TEST_PIDS: pids,
      });
      assert.equal(result.exitCode, 1);
      assert.match(String(result.stderr), /^prun: workers keep dying at start: worker exited with code 4$/m);
      assertAccounted(result, 3, 2);
      assert.equal(starts, 1 + IN_A_ROW);
      await assertNoWorkerLeft(pids);
    });

    test('workers that exit in setup() on every start: replaced until IN_A_ROW deaths in a row, then one line, `workers keep dying at start`, and the count of what never ran, exit 2 (was: the first death ended the run, `a worker failed to start`; then no count)', async () => {
      const starts = join(dir, `starts-${++runs}`);
      const pids = join(dir, `pids-${++runs}`);
      // with the fixture's markers made first, no start is the first one: every start exits
      await writeFile(`${starts}.first`, '');
      await writeFile(`${starts}.ran`, '');
      const result = await prun(['map', 'fixtures/setup-once.ts', runtime, '1', ':::', 'a', 'b'], {
        env: { PRUN_TEST_STARTS: starts, PRUN_TEST_SETUP_EXIT: '4', PRUN_TEST_PIDS: pids },
      });
      assert.equal(result.exitCode, 2);
      assert.equal(result.stdout, '');
      assert.deepEqual(lines(result.stderr), ['prun: workers keep dying at start: worker exited with code 4', 'prun: 0 of 2 inputs failed, 2 never ran']);
      assert.equal(lines((await readFile(starts, 'utf8')).trim()).length, IN_A_ROW);
      await assertNoWorkerLeft(pids);
    });

    test('regression: one failed start of the first workers, while none was ready yet, ended the run with exit 2 (by a race): it is replaced', async () => {
      for (const env of [{}, { PRUN_TEST_SETUP_EXIT: '4' }]) {
        const starts = join(dir, `starts-${++runs}`);
        const result = await prun(['map', 'fixtures/setup-fails-first.ts', runtime, '2', ':::', 'a', 'b', 'c', 'd'], { env: { PRUN_TEST_STARTS: starts, ...env } });
        assert.equal(result.exitCode, 0, String(result.stderr));
        assert.deepEqual(lines(result.stdout), ['a', 'b', 'c', 'd']);
        // the two first, and the one that replaced the failed start if it reached its setup()
        // before the run was over (then it is ended: no input needs it)
        const count = lines((await readFile(starts, 'utf8')).trim()).length;
        assert.ok(count === 2 || count === 3, `${count} starts`);
        // and it is said (was: nothing, exit 0)
        assert.match(String(result.stderr), /^prun: a worker could not start \((setup\(\) failed: |worker exited with code 4)/);
      }
    });

    test("regression: a worker's setup() that failed while the others ran every input went unsaid (exit 0, nothing on stderr)", async () => {
      const { result } = await runSetupOnce([runtime, '2', ':::', ...Array.from({ length: 20 }, (_, i) => String(i))]);
      assert.equal(lines(result.stdout).length + (result.exitCode === 0 ? 0 : Number(/(\d+) never ran/.exec(String(result.stderr))?.[1])), 20, String(result.stderr));
      // whether the run ended first, or the failed starts did
      const said = result.exitCode === 0 ? /^prun: (a worker|\d workers) could not start \(/m : /^prun: workers keep dying at start: /m;
      assert.match(String(result.stderr), said);
      // and only that: its exit is its setup()'s failure (was, under --threads: also 'a worker died as it ended')
      if (result.exitCode === 0) assert.deepEqual(lines(result.stderr).filter((line) => !said.test(line)), []);
    });

    test('regression: a replacement no input needs held the run (its setup() hanging: for ever; failing: exit 1 with every input done)', { timeout: 180_000 }, async () => {
      const envs: Record<string, string>[] = [{ PRUN_TEST_SETUP_HANG: '1' }, {}];
      for (const env of envs) {
        const { result, starts } = await runSetupOnce([runtime, '1', '--max-tasks-per-child', '2', ':::', 'a', 'b'], env);
        assert.equal(result.exitCode, 0, String(result.stderr));
        assert.deepEqual(lines(result.stdout), ['a', 'b']);
        assert.ok(starts <= 2, `${starts} starts`);
      }
    });

    test('a setup() that hangs: --timeout bounds it, one line names setup(), its workers are ended, exit 2', async () => {
      const pids = join(dir, `pids-${++runs}`);
      const result = await prun(['map', 'fixtures/setup-hangs.ts', runtime, '2', '--timeout', '300ms', ':::', 'a', 'b'], {
        env: { PRUN_TEST_PIDS: pids },
      });
      assert.equal(result.exitCode, 2);
      assert.equal(result.stdout, '');
      assert.deepEqual(lines(result.stderr), ['prun: setup() timed out after 300ms']);
      await assertNoWorkerLeft(pids);
    });

    test('an import that never ends (a top-level await): --timeout bounds it too, at 10 s at least, one line naming the script, exit 2 (was: a silent hang)', { timeout: 180_000 }, async () => {
      const script = join(dir, `import-hangs${runtime}.ts`);
      const pids = join(dir, `pids-${++runs}`);
      await writeFile(script, [
        "import { appendFileSync } from 'node:fs';",
        "appendFileSync(process.env.PRUN_TEST_PIDS!, `${process.pid}\\n`);",
        'await new Promise(() => setInterval(() => {}, 1000));',
        'export default (x: string) => x;',
      ].join('\n'));
      const result = await prun(['map', script, runtime, '1', '--timeout', '300ms', ':::', 'a', 'b'], { env: { PRUN_TEST_PIDS: pids } });
      assert.equal(result.exitCode, 2);
      assert.equal(result.stdout, '');
      assert.deepEqual(lines(result.stderr), [`prun: script failed to load: timed out after 10s (${script})`]);
      await assertNoWorkerLeft(pids);
    });

    test('a setup() that hangs shows in the spinner', async () => {
      // two inputs: no more workers start than there are inputs
      const result = await prun(['map', 'fixtures/setup-hangs.ts', runtime, '2', '--timeout', '300ms', '--progress', ':::', 'a', 'b']);
      assert.equal(result.exitCode, 2);
      assert.match(String(result.stderr), /running setup\(\) in 2 workers/);
    });
  });
}

describe('map() when workers cannot start again', () => {
  test('yields what ran, then throws ERR_WORKER_START', async () => {
    const starts = join(dir, `starts-${++runs}`);
    process.env.PRUN_TEST_STARTS = starts;
    const outcomes: unknown[] = [];
    try {
      await assert.rejects(
        async () => {
          for await (const outcome of map(['a', 'b', 'c'], `${root}fixtures/setup-once.ts`, { workers: 1, maxTasksPerChild: 1 })) outcomes.push(outcome);
        },
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'ERR_WORKER_START');
          assert.equal(error.message, 'workers keep dying at start: setup() failed: no second start (fixtures/setup-once.ts:31)');
          // what setup() threw, as ERR_SETUP keeps it (was: no cause, for a replacement's failed start)
          assert.equal((error.cause as Error | undefined)?.message, 'no second start');
          return true;
        },
      );
    } finally {
      delete process.env.PRUN_TEST_STARTS;
    }
    assert.deepEqual(outcomes, [{ index: 0, input: 'a', ok: true, result: 'a' }]);
  });
});
