import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { accountFor, assertNoWorkerLeft, type JsonOutcome } from '../helpers/accounting.js';
import { bin, lines, prun, root, runtimes } from '../helpers/prun.js';
import { waitForLines } from '../helpers/streams.js';
import { joblogRows, scratchDir } from '../helpers/files.js';

const dir = scratchDir('faults');

let runs = 0;
/**
 * 50 inputs, with `fault` as input 37: triggered by the input, on its first attempt only. Tasks
 * take 2 ms, so that a death is charged to the input that caused it, at once.
 */
async function runWithFault(runtime: string, fault: string, extra: string[] = []) {
  const pids = join(dir, `pids-${++runs}`);
  const inputs = Array.from({ length: 50 }, (_, i) => (i === 37 ? fault : String(i)));
  const result = await prun(['map', 'fixtures/faults.ts', runtime, '2', '--json', ...extra, ':::', ...inputs], {
    env: { PRUN_TEST_PIDS: pids, PRUN_TEST_TASK_MS: '2' },
  });
  const outcomes = accountFor(result.stdout, 50);
  await assertNoWorkerLeft(pids);
  return { result, outcomes };
}

function assertOnlyFailure(outcomes: Map<number, JsonOutcome>, code: string, details: Partial<JsonOutcome> = {}) {
  for (const [index, outcome] of outcomes) {
    if (index === 37) assert.deepEqual({ code: outcome.code, ...pick(outcome, details) }, { code, ...details });
    else assert.equal(outcome.result, String(index), `input ${index}`);
  }
}

function pick(outcome: JsonOutcome, like: Partial<JsonOutcome>): Partial<JsonOutcome> {
  return Object.fromEntries(Object.keys(like).map((key) => [key, outcome[key as keyof JsonOutcome]]));
}

for (const runtime of runtimes) {
  describe(`faults ${runtime}`, () => {
    test('a worker that calls process.exit(): its input fails with the code, the others run', async () => {
      const { result, outcomes } = await runWithFault(runtime, 'exit:3');
      assert.equal(result.exitCode, 1);
      assertOnlyFailure(outcomes, 'ERR_WORKER_EXIT', { exitCode: 3 });
      assert.match(String(result.stderr), /input 37 "exit:3" failed: worker exited with code 3/);
    });

    test("a process.exit(N) from a timer of the last input is said, as mid-run (was: silent, exit 0, as the worker ended)", async () => {
      const result = await prun(['map', 'fixtures/faults.ts', runtime, '1', ':::', 'a', 'b', 'exit-later:3']);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.deepEqual(lines(result.stdout), ['a', 'b', 'exit-later:3']);
      const said = lines(String(result.stderr));
      assert.equal(said.length, 1, String(result.stderr));
      assert.match(said[0]!, /^prun: a worker died (between inputs|as it ended) \(worker exited with code 3\)/);
    });

    test('a worker still busy after its last input (a timer that never ends) is ended after the grace, and said (was: the run held 5 s without a word)', async () => {
      const result = await prun(['map', 'fixtures/faults.ts', runtime, '1', ':::', 'a', 'busy-later']);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.deepEqual(lines(result.stdout), ['a', 'busy-later']);
      assert.deepEqual(lines(String(result.stderr)), ['prun: a worker was still busy 5 s after it was told to end (its setup(), teardown() or a timer of its own), and was ended']);
    });

    test('an exception nothing caught ends the worker in one line, no stack on stderr, as on either runtime', async () => {
      for (const fault of ['uncaught', 'unawaited']) {
        const { result, outcomes } = await runWithFault(runtime, fault);
        assert.equal(result.exitCode, 1);
        assertOnlyFailure(outcomes, 'ERR_WORKER_EXIT', { exitCode: 1 });
        assert.deepEqual(lines(result.stderr), [`prun: input 37 "${fault}" failed: worker crashed: ${fault} on ${fault}`, 'prun: 1 of 50 inputs failed']);
      }
    });

    test('a worker past --memory-limit: out of memory, no V8 report on stderr', async () => {
      const { result, outcomes } = await runWithFault(runtime, 'oom', ['--memory-limit', '64M']);
      assertOnlyFailure(outcomes, 'ERR_OUT_OF_MEMORY');
      assert.doesNotMatch(String(result.stderr), /FATAL ERROR|Last few GCs|Native stack/);
    });

    test('--timeout: a task that never yields times out and its worker is replaced', async () => {
      const { outcomes } = await runWithFault(runtime, 'hang', ['--timeout', '300ms']);
      assertOnlyFailure(outcomes, 'ERR_TIMEOUT', { timeoutMs: 300 });
    });

    test('--timeout: an async task that ignores its signal times out', async () => {
      const { outcomes } = await runWithFault(runtime, 'ignore', ['--timeout', '300ms']);
      assertOnlyFailure(outcomes, 'ERR_TIMEOUT', { timeoutMs: 300 });
    });

    test('--timeout: the signal aborts a task that listens', async () => {
      const { outcomes } = await runWithFault(runtime, 'slow:60000', ['--timeout', '300ms']);
      assertOnlyFailure(outcomes, 'ERR_TIMEOUT', { timeoutMs: 300 });
    });

    test('--retries: a worker death is retried alone, on a fresh worker, and succeeds on attempt 2', async () => {
      const { result, outcomes } = await runWithFault(runtime, 'exit:3', ['--retries', '1', '--chunksize', '1']);
      assert.equal(result.exitCode, 0);
      // the other worker has run inputs by then; the one that replaced the dead one has not
      assert.equal(outcomes.get(37)?.result, 'exit:3 ok on attempt 2, task 1 of its worker');
    });

    test('-0: a death inside a batch of NUL-ended inputs reruns the rest of it, each input whole', async () => {
      const file = join(dir, `nul-${++runs}`);
      const inputs = Array.from({ length: 30 }, (_, i) => (i === 17 ? 'exit:3' : `line ${i}\nand more`));
      await writeFile(file, `${inputs.join('\0')}\0`);
      const result = await prun(['map', 'fixtures/faults.ts', runtime, '2', '-0', '--json', '--chunksize', '10', file], { env: { PRUN_TEST_TASK_MS: '2' } });
      const outcomes = accountFor(result.stdout, 30);
      for (const [index, outcome] of outcomes) {
        if (index === 17) assert.equal(outcome.code, 'ERR_WORKER_EXIT');
        else assert.equal(outcome.result, `line ${index}\nand more`);
      }
      assert.match(String(result.stderr), new RegExp(`input 17 "exit:3" \\(${file.replaceAll('/', '\\/')}:18\\) failed`));
    });

    test('--retries: many worker deaths, each input retried, and never a hang waiting for a fresh worker', async () => {
      // every 7th input kills its worker on its first try: deaths overlap, and suspects run
      // alone while retries wait for fresh workers
      const inputs = Array.from({ length: 100 }, (_, i) => (i % 7 === 3 ? 'exit:3' : String(i)));
      const result = await prun(['map', 'fixtures/faults.ts', runtime, '2', '--retries', '1', '--chunksize', '1', '--json', ':::', ...inputs], {
        timeout: 60_000, // a hang fails the test instead of the whole run
      });
      assert.equal(result.exitCode, 0, String(result.stderr));
      const outcomes = accountFor(result.stdout, 100);
      for (const [index, outcome] of outcomes) {
        if (index % 7 === 3) assert.match(String(outcome.result), /^exit:3 ok on attempt 2, task \d+ of its worker$/);
        else assert.equal(outcome.result, String(index));
      }
    });

    test('--retries: a thrown error is retried; only the last failure is reported', async () => {
      const { result, outcomes } = await runWithFault(runtime, 'always:throw', ['--retries', '2']);
      assert.equal(outcomes.get(37)?.result, 'always:throw');
      assert.equal(result.exitCode, 0);
    });

    test('--halt soon,fail=1 starts no more inputs and counts those that never ran', async () => {
      const inputs = ['throw', ...Array.from({ length: 30 }, (_, i) => String(i))];
      const result = await prun(['map', 'fixtures/faults.ts', runtime, '1', '--chunksize', '1', '--halt', 'soon,fail=1', ':::', ...inputs]);
      assert.equal(result.exitCode, 1);
      const summary = lines(result.stderr).at(-1)!;
      const [, failed, total, notRun] = /(\d+) of (\d+) inputs failed, (\d+) never ran \(halted\)/.exec(summary) ?? [];
      assert.equal(Number(failed), 1, summary);
      assert.equal(Number(total), 31, summary);
      assert.equal(Number(failed) + lines(result.stdout).length + Number(notRun), 31);
    });

    test('--halt counts the inputs of a file it never read', async () => {
      const file = join(dir, `halt-${++runs}.txt`);
      // enough lines that the reader has not reached the end when the halt comes
      await writeFile(file, ['throw', ...Array.from({ length: 100_000 }, (_, i) => String(i))].join('\n'));
      const result = await prun(['map', 'fixtures/faults.ts', file, runtime, '1', '--chunksize', '1', '--halt', 'soon,fail=1']);
      const summary = lines(result.stderr).at(-1)!;
      const [, failed, total, notRun] = /(\d+) of (\d+) inputs failed, (\d+) never ran \(halted\)/.exec(summary) ?? [];
      assert.equal(Number(total), 100_001, summary);
      assert.equal(Number(failed) + lines(result.stdout).length + Number(notRun), 100_001);
    });

    test('--halt now,fail=1 ends running inputs too', async () => {
      const inputs = ['slow:60000', 'throw', 'a', 'b'];
      const result = await prun(['map', 'fixtures/faults.ts', runtime, '2', '--chunksize', '1', '--halt', 'now,fail=1', ':::', ...inputs]);
      assert.equal(result.exitCode, 1);
      assert.match(lines(result.stderr).at(-1)!, /1 of 4 inputs failed, 3 never ran \(halted\)/);
    });
  });
}

describe('faults that only a process can have', () => {
  test('a worker killed by SIGKILL: its input fails with the signal named', async () => {
    const { outcomes } = await runWithFault('--procs', 'kill:SIGKILL');
    assertOnlyFailure(outcomes, 'ERR_WORKER_SIGNAL', { signal: 'SIGKILL' });
  });

  test('a worker killed by SIGKILL inside a large batch: the others are run again, not failed', async () => {
    const { outcomes } = await runWithFault('--procs', 'kill:SIGKILL', ['--chunksize', '50']);
    assertOnlyFailure(outcomes, 'ERR_WORKER_SIGNAL', { signal: 'SIGKILL' });
  });

  test('the input that killed its worker has its duration in the joblog (was: none)', async () => {
    const joblog = join(dir, 'killed-joblog');
    // every task first takes 200 ms: the worker tells each start, and the death is charged to one
    const result = await prun(['map', 'fixtures/faults.ts', '--procs', '1', '--joblog', joblog, ':::', 'a', 'kill:SIGKILL', 'b'], { env: { PRUN_TEST_TASK_MS: '200' } });
    assert.equal(result.exitCode, 1, String(result.stderr));
    const rows = (await joblogRows(joblog)).map((row) => ({ input: row[1], status: row[2], duration: row[4] }));
    const killed = rows.find((row) => row.input === 'kill:SIGKILL');
    assert.equal(killed?.status, '1', JSON.stringify(rows));
    assert.ok(Number(killed.duration) >= 0.2 && killed.duration !== '', JSON.stringify(rows));
  });

  test('so has one after a quick input, which its worker did not say it started (was: none)', async () => {
    const joblog = join(dir, 'killed-after-quick-joblog');
    const inputs = join(dir, 'killed-after-quick-inputs');
    // a and b are quick; the one between takes 300 ms, then kills its worker
    await writeFile(inputs, 'a\nkill-after:300\nb\n');
    const result = await prun(['map', 'fixtures/faults.ts', '--procs', '1', '--joblog', joblog, inputs]);
    assert.equal(result.exitCode, 1, String(result.stderr));
    const killed = (await joblogRows(joblog)).find((row) => row[1] === 'kill-after:300');
    assert.equal(killed?.[2], '1', String(killed));
    assert.ok(killed[4] !== '' && Number(killed[4]) >= 0.3, String(killed));
  });
});

describe('the reader goes away', () => {
  for (const runtime of runtimes) {
    test(`${runtime}: | head -n 1 ends prun at once, quietly`, async () => {
      const child = execa(bin, ['map', 'fixtures/square.ts', runtime, '2', '--chunksize', '1'], {
        cwd: root,
        reject: false,
        input: Array.from({ length: 200_000 }, (_, i) => `${i}\n`).join(''),
      });
      await waitForLines(child.stdout!, /^0$/);
      child.stdout!.destroy();
      const result = await child;
      assert.equal(result.exitCode, 141);
      assert.equal(result.stderr, '');
    });
  }
});

describe('Ctrl-C', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    for (const runtime of runtimes) {
      test(`${runtime}: the first ${signal} lets running inputs finish, prints them, counts the rest`, async () => {
        const flag = join(dir, `flag-${++runs}`);
        const pids = join(dir, `pids-${runs}`);
        const inputs = Array.from({ length: 12 }, () => `wait ${flag}`);
        const child = execa(bin, ['map', 'fixtures/wait-for-file.ts', runtime, '2', '--chunksize', '1', ':::', ...inputs], {
          cwd: root,
          reject: false,
          env: { PRUN_TEST_PIDS: pids },
        });
        await waitForLines(child.stderr!, /^waiting /, 2);
        child.kill(signal);
        await waitForLines(child.stderr!, /starting no more inputs/);
        await writeFile(flag, '');
        const result = await child;
        assert.equal(result.exitCode, code);
        assert.deepEqual(lines(result.stdout), [`wait ${flag}`, `wait ${flag}`]);
        assert.match(lines(result.stderr).at(-1)!, /0 of 12 inputs failed, 10 never ran \(interrupted\)/);
        await assertNoWorkerLeft(pids);
      });
    }
  }

  test('a second SIGINT ends running inputs at once, and no worker is left', async () => {
    const pids = join(dir, `pids-${++runs}`);
    const inputs = Array.from({ length: 6 }, () => `wait ${join(dir, 'never')}`);
    const child = execa(bin, ['map', 'fixtures/wait-for-file.ts', '--procs', '2', '--chunksize', '1', ':::', ...inputs], {
      cwd: root,
      reject: false,
      env: { PRUN_TEST_PIDS: pids },
    });
    await waitForLines(child.stderr!, /^waiting /, 2);
    child.kill('SIGINT');
    await waitForLines(child.stderr!, /starting no more inputs/);
    child.kill('SIGINT');
    const result = await child;
    assert.equal(result.exitCode, 130);
    assert.equal(result.stdout, '');
    assert.match(lines(result.stderr).at(-1)!, /6 never ran \(interrupted\)/);
    await assertNoWorkerLeft(pids);
  });
});

describe('--joblog', () => {
  test('records every settled input; --resume skips them; --resume-failed runs failures again', async () => {
    const joblog = join(dir, 'joblog.tsv');
    const first = await prun(['map', 'fixtures/fail-on-odd.ts', 'fixtures/numbers.txt', '--joblog', joblog]);
    assert.equal(first.exitCode, 1);
    const rows = lines((await readFile(joblog, 'utf8')).trim()).map((row) => row.split('\t'));
    assert.deepEqual(rows[0], ['index', 'input', 'status', 'attempts', 'duration', 'error']);
    assert.deepEqual(rows.slice(1).map((row) => row[0]).sort((a, b) => Number(a) - Number(b)), [...Array(10).keys()].map(String));
    const row3 = rows.find((row) => row[0] === '2')!;
    assert.deepEqual([row3[1], row3[2], row3[3], row3[5]], ['3', '1', '1', 'odd input 3']);
    assert.match(row3[4]!, /^\d+\.\d{3}$/);

    const resumed = await prun(['map', 'fixtures/fail-on-odd.ts', 'fixtures/numbers.txt', '--joblog', joblog, '--resume']);
    assert.equal(resumed.exitCode, 0);
    assert.equal(resumed.stdout, '');

    const retried = await prun(['map', 'fixtures/fail-on-odd.ts', 'fixtures/numbers.txt', '--joblog', joblog, '--resume-failed']);
    assert.equal(retried.stdout, '');
    assert.equal((String(retried.stderr).match(/failed: odd input/g) ?? []).length, 5);
  });
});

describe('bad input', () => {
  test('a line of 20 MB is one input', async () => {
    const file = join(dir, 'long.txt');
    await writeFile(file, `short\n${'x'.repeat(20 * 1024 * 1024)}\nend\n`);
    const script = join(dir, 'length.ts');
    await writeFile(script, 'export default (input: string) => input.length;\n');
    const result = await prun(['map', script, file, '--threads', '2']);
    assert.deepEqual(lines(result.stdout), ['5', String(20 * 1024 * 1024), '3']);
  });

  test('invalid UTF-8 reaches the function as U+FFFD', async () => {
    const file = join(dir, 'latin1.txt');
    await writeFile(file, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const result = await prun(['map', 'fixtures/context.ts', file]);
    assert.equal(JSON.parse(String(result.stdout)).input, 'caf\uFFFD');
  });

  for (const [args, message] of [
    [['--timeout', 'soon'], /--timeout must be a duration/],
    // was: "timeout must be a whole number of 1 or more, got 3599999999996400000"
    [['--timeout', '999999999999h'], /--timeout is too long: .*"999999999999h"/],
    [['--procs', '0'], /--procs must be a whole number of 1 or more/],
    [['--retries', '-1'], /--retries/],
    [['--halt', 'sometimes'], /--halt must be like/],
    [['--memory-limit', 'lots'], /--memory-limit must be a size/],
    [['--resume'], /--resume and --resume-failed need --joblog/],
  ] as const) {
    test(`${args.join(' ')} is a usage error`, async () => {
      const result = await prun(['map', 'fixtures/square.ts', ...args, ':::', '1']);
      assert.equal(result.exitCode, 2);
      assert.match(String(result.stderr), message);
      assert.equal(lines(result.stderr).length <= 2, true, String(result.stderr));
    });
  }
});
