import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { accountFor } from '../helpers/accounting.js';
import { lines, prun } from '../helpers/prun.js';
import { joblogRows, scratchDir } from '../helpers/files.js';

const dir = scratchDir('attempts');

let runs = 0;
/**
 * `seq 100 | prun map count-starts.ts --joblog FILE`, input 37 ending its worker on every
 * start; the outcomes, each input's starts (their ctx.attempt, in order) and the joblog's rows.
 */
async function run(args: string[], env: Record<string, string>) {
  const starts = join(dir, `starts-${++runs}`);
  const joblog = join(dir, `joblog-${runs}`);
  const result = await prun(['map', 'fixtures/count-starts.ts', '--json', '--joblog', joblog, ...args], {
    input: `${Array.from({ length: 100 }, (_, i) => i + 1).join('\n')}\n`,
    env: { PRUN_TEST_STARTS: starts, PRUN_TEST_DIE_ON: '37', ...env },
    stdin: undefined,
  });
  const outcomes = accountFor(result.stdout, 100);
  const started = await startsOf(starts);
  const rows = await joblogRows(joblog);
  return { result, outcomes, started, rows };
}

/** Each input's starts, as count-starts.ts logs them: their ctx.attempt, in order. */
async function startsOf(file: string): Promise<Map<string, number[]>> {
  const started = new Map<string, number[]>();
  for (const line of lines((await readFile(file, 'utf8')).trimEnd())) {
    const [input, attempt] = line.split(' ');
    started.set(input!, [...(started.get(input!) ?? []), Number(attempt)]);
  }
  return started;
}

/** Every start of an input has an attempt number of its own, growing, never fewer than its starts so far. */
function assertAttemptsGrow(started: Map<string, number[]>): void {
  for (const [input, attempts] of started) {
    attempts.forEach((attempt, i) => assert.ok(attempt >= i + 1 && (i === 0 || attempt > attempts[i - 1]!), `attempts of input ${input}: ${attempts}`));
  }
}

/**
 * Re-runs to find a culprit are counted: an input's attempts only grow, never fewer than its
 * starts so far (one behind the input that died may not have started before its re-run, which
 * counts anyway); with --retries 0 an input starts twice at most; the joblog says the last.
 */
function assertStartsCounted({ started, rows }: Awaited<ReturnType<typeof run>>): void {
  assertAttemptsGrow(started);
  for (const [input, attempts] of started) assert.ok(attempts.length <= 2, `input ${input} started ${attempts.length} times`);
  assert.equal(rows.length, 100);
  for (const row of rows) assert.equal(Number(row[3]), started.get(row[1]!)!.at(-1), `the joblog's attempts of input ${row[1]}`);
}

const deaths = [
  { runtime: '--procs', how: 'exit', code: 'ERR_WORKER_EXIT', detail: { exitCode: 3 } },
  { runtime: '--threads', how: 'exit', code: 'ERR_WORKER_EXIT', detail: { exitCode: 3 } },
  { runtime: '--procs', how: 'SIGKILL', code: 'ERR_WORKER_SIGNAL', detail: { signal: 'SIGKILL' } },
  // prun's own SIGTERM listener took the signal a turn late (was: the input after it blamed)
  { runtime: '--procs', how: 'SIGTERM', code: 'ERR_WORKER_SIGNAL', detail: { signal: 'SIGTERM' } },
  // process.kill(0): to its group, itself included (was: taken a turn late, the input a success)
  { runtime: '--procs', how: 'group', code: 'ERR_WORKER_SIGNAL', detail: { signal: 'SIGTERM' } },
] as const;

describe('attempts are counted (was: a worker death re-ran its batch "alone" with ctx.attempt still 1)', () => {
  for (const { runtime, how, code, detail } of deaths) {
    test(`${runtime}, ${how}: the input that ends its worker is started once and fails with ${code}; every other input ran once`, async () => {
      const { result, outcomes, started } = await run([runtime, '2'], { PRUN_TEST_TASK_MS: '3', PRUN_TEST_DIE_HOW: how });
      assert.equal(result.exitCode, 1);
      const failure = outcomes.get(36) as unknown as Record<string, unknown>;
      assert.deepEqual({ code: failure.code, ...Object.fromEntries(Object.keys(detail).map((key) => [key, failure[key]])) }, { code, ...detail });
      for (let i = 1; i <= 100; i++) assert.deepEqual(started.get(String(i)), [1], `starts of input ${i}`);
    });
  }

  for (const runtime of ['--procs', '--threads']) {
    test(`${runtime}: tasks of mixed lengths, a slow one right after a quick one and then the death: the culprit is started once, and no finished input runs again (was: both started twice)`, async () => {
      // 40 is quick, 41 slow, 42 ends its worker
      const { result, outcomes, started } = await run([runtime, '1'], { PRUN_TEST_TASK_MS: '3', PRUN_TEST_QUICK_EVERY: '5', PRUN_TEST_DIE_ON: '42' });
      assert.equal(result.exitCode, 1);
      assert.equal(outcomes.get(41)?.code, 'ERR_WORKER_EXIT');
      for (let i = 1; i <= 100; i++) assert.deepEqual(started.get(String(i)), [1], `starts of input ${i}`);
    });
  }

  for (const runtime of ['--procs', '--threads']) {
    test(`${runtime}: a worker that dies between inputs (a timer of an input that returned throws) costs no input a start: none fails, none runs twice (was: the next batch ran again as suspects, attempt 2, or its one input was blamed)`, async () => {
      const { result, outcomes, started } = await run([runtime, '1'], { PRUN_TEST_BUSY_MS: '2', PRUN_TEST_DIE_HOW: 'later' });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal([...outcomes.values()].filter((outcome) => outcome.code !== undefined).length, 0);
      for (let i = 1; i <= 100; i++) assert.deepEqual(started.get(String(i)), [1], `starts of input ${i}`);
      // the death is said, mid-run or as the worker ended (was: under --threads, the timer never
      // fired while inputs ran back to back, and was dropped with the worker at the end)
      const said = lines(String(result.stderr));
      assert.equal(said.length, 1, String(result.stderr));
      assert.match(said[0]!, /^prun: a worker died (between inputs|as it ended) \(worker crashed: a timer of input 37\)/);
    });
  }

  for (const runtime of ['--procs', '--threads']) {
    test(`${runtime}: quick tasks that await, and a timer of an input that returned ends the worker while another awaits or as the next is said to start: no input fails, none is lost (was: --threads, the awaiting input was blamed; --procs, the next, which never started: exit 1)`, async () => {
      // once only: a timer that ends the worker on every start of its input may fire while any
      // input that said it started awaits, which is then blamed, as a slow input is (README)
      const outcome = await run([runtime, '1'], { PRUN_TEST_YIELD: '1', PRUN_TEST_DIE_HOW: 'later', PRUN_TEST_DIE_FIRST: '1' });
      assert.equal(outcome.result.exitCode, 0, String(outcome.result.stderr));
      assert.equal([...outcome.outcomes.values()].filter((result) => result.code !== undefined).length, 0, String(outcome.result.stderr));
      assertStartsCounted(outcome);
      // each start has the number of its start: the awaiting suspect runs again as its second,
      // and the inputs after it, which never began, start as their first (was: as their second)
      for (const [input, attempts] of outcome.started) assert.deepEqual(attempts, attempts.map((_, i) => i + 1), `attempts of input ${input}`);
    });
  }

  for (const runtime of ['--procs', '--threads']) {
    test(`${runtime}: tasks that await 30 ms, each said to start as the one before was slow, and a timer of one that returned ends the worker while the next awaits: no input fails, the one awaiting runs again as its second start (was: it was blamed, and failed of another input's timer)`, async () => {
      const outcome = await run([runtime, '1'], { PRUN_TEST_TASK_MS: '30', PRUN_TEST_DIE_HOW: 'later', PRUN_TEST_LATER_MS: '10', PRUN_TEST_DIE_FIRST: '1' });
      assert.equal(outcome.result.exitCode, 0, String(outcome.result.stderr));
      assert.equal([...outcome.outcomes.values()].filter((result) => result.code !== undefined).length, 0, String(outcome.result.stderr));
      assertStartsCounted(outcome);
      for (const [input, attempts] of outcome.started) assert.deepEqual(attempts, attempts.map((_, i) => i + 1), `attempts of input ${input}`);
      assert.ok([...outcome.started.values()].filter((attempts) => attempts.length > 1).length <= 1, 'one suspect at most');
    });

    test(`${runtime}: a task that awaits 3 ms after a quick one (not said to start) and ends its worker in its own continuation: it alone fails, started once (was: a suspect, started twice with --retries 0)`, async () => {
      // 36 is quick, 37 awaits and exits
      const { result, outcomes, started } = await run([runtime, '1'], { PRUN_TEST_TASK_MS: '3', PRUN_TEST_QUICK_EVERY: '36' });
      assert.equal(result.exitCode, 1, String(result.stderr));
      assert.equal(outcomes.get(36)?.code, 'ERR_WORKER_EXIT');
      for (let i = 1; i <= 100; i++) assert.deepEqual(started.get(String(i)), [1], `starts of input ${i}`);
    });
  }

  for (const runtime of ['--procs', '--threads']) {
    test(`${runtime}: tasks of 10 ms, each said to start, and a timer of setup() ends the worker while one awaits: no input fails, the one awaiting runs again as its second start (was: it was blamed, and failed of setup()'s timer)`, async () => {
      const outcome = await run([runtime, '1'], { PRUN_TEST_TASK_MS: '10', PRUN_TEST_DIE_ON: 'none', PRUN_TEST_SETUP_DIES_MS: '400' });
      assert.equal(outcome.result.exitCode, 0, String(outcome.result.stderr));
      assert.equal([...outcome.outcomes.values()].filter((result) => result.code !== undefined).length, 0, String(outcome.result.stderr));
      for (const [input, attempts] of outcome.started) assert.deepEqual(attempts, attempts.map((_, i) => i + 1), `attempts of input ${input}`);
      assert.ok([...outcome.started.values()].filter((attempts) => attempts.length > 1).length <= 1, 'one suspect at most');
    });

    test(`${runtime}: a task that throws from a process.nextTick it queued, then returns: it fails, started once, never a success (was, --procs: reported a success, the death said to be between inputs, exit 0)`, async () => {
      const { result, outcomes, started } = await run([runtime, '1'], { PRUN_TEST_TASK_MS: '3', PRUN_TEST_DIE_HOW: 'tick' });
      assert.equal(result.exitCode, 1, String(result.stderr));
      assert.equal(outcomes.get(36)?.result, undefined, String(result.stderr));
      assert.match(String(outcomes.get(36)?.error), /a tick of input 37/);
      for (let i = 1; i <= 100; i++) assert.deepEqual(started.get(String(i)), [1], `starts of input ${i}`);
    });
  }

  for (const runtime of ['--procs', '--threads']) {
    test(`${runtime}: an input past its --timeout that ignores its abort, whose own timer then ends the worker within the grace: it fails with ERR_TIMEOUT, started once (was: ERR_WORKER_EXIT)`, async () => {
      const { result, outcomes, started } = await run([runtime, '1', '--timeout', '200ms'], { PRUN_TEST_TASK_MS: '3', PRUN_TEST_DIE_ON: 'none', PRUN_TEST_HANG_ON: '37', PRUN_TEST_HANG_THROW_MS: '500' });
      assert.equal(result.exitCode, 1, String(result.stderr));
      assert.equal(outcomes.get(36)?.code, 'ERR_TIMEOUT', String(result.stderr));
      for (let i = 1; i <= 100; i++) assert.deepEqual(started.get(String(i)), [1], `starts of input ${i}`);
    });
  }

  for (const runtime of ['--procs', '--threads']) {
    test(`${runtime}: quick tasks, where a death cannot be charged at once: every re-run is counted as an attempt`, async () => {
      const outcome = await run([runtime, '1'], { PRUN_TEST_TASK_MS: '0' });
      assert.equal(outcome.result.exitCode, 1);
      assert.equal(outcome.outcomes.get(36)?.code, 'ERR_WORKER_EXIT');
      assertStartsCounted(outcome);
    });
  }

  for (const { runtime, how, code } of deaths) {
    test(`${runtime}, ${how} on the first start only, quick tasks: that input fails with ${code}, started once, and no other input runs again (was: its batch ran again as suspects, and it succeeded on its re-run: exit 0, the death unsaid)`, async () => {
      const { result, outcomes, started, rows } = await run([runtime, '2'], { PRUN_TEST_DIE_HOW: how, PRUN_TEST_DIE_FIRST: '1' });
      assert.equal(result.exitCode, 1, String(result.stderr));
      assert.equal(outcomes.get(36)?.code, code);
      for (let i = 1; i <= 100; i++) assert.deepEqual(started.get(String(i)), [1], `starts of input ${i}`);
      assert.ok(rows.every((row) => row[3] === '1'), 'every joblog row says one attempt');
      // --retries 1: its retry succeeds, and it alone starts twice
      const retried = await run([runtime, '2', '--retries', '1'], { PRUN_TEST_DIE_HOW: how, PRUN_TEST_DIE_FIRST: '1' });
      assert.equal(retried.result.exitCode, 0, String(retried.result.stderr));
      for (let i = 1; i <= 100; i++) assert.deepEqual(retried.started.get(String(i)), i === 37 ? [1, 2] : [1], `starts of input ${i}`);
    });
  }

  test('--threads: quick tasks, then one that runs its worker out of memory: it alone is blamed, started once; only inputs that had finished, their results lost, run again, counted; none is counted that never started (was: it started twice, and inputs after it had attempt 2 on their one start)', async () => {
    const outcome = await run(['--threads', '2', '--memory-limit', '64M'], { PRUN_TEST_TASK_MS: '0', PRUN_TEST_DIE_HOW: 'memory' });
    const { result, outcomes, started } = outcome;
    assert.equal(result.exitCode, 1, String(result.stderr));
    assert.equal(outcomes.get(36)?.code, 'ERR_OUT_OF_MEMORY');
    assert.deepEqual(started.get('37'), [1]);
    // each start has the number of its start: a re-run of one that had finished is its second
    for (const [input, attempts] of started) assert.deepEqual(attempts, attempts.map((_, i) => i + 1), `attempts of input ${input}`);
    const again = [...started].filter(([, attempts]) => attempts.length > 1).map(([input]) => Number(input));
    assert.ok(again.every((input) => input < 37), `run again: ${again}`);
    assertStartsCounted(outcome);
    // one such input is said in the singular (was: only the plural matched, and one failed the test)
    if (again.length > 0) assert.match(String(result.stderr), /^prun: a worker was lost \(out of memory\) with (an input it had finished, whose result was not reported yet: it runs again, its start|\d+ inputs it had finished, whose results were not reported yet: they run again, each start) counted in ctx\.attempt$/m);
  });

  for (const runtime of ['--procs', '--threads']) {
    test(`${runtime} --concurrency 5: a death among async tasks, with batches held ahead and reports that wait for the end of a turn: every re-run is counted, no input starts more than twice`, async () => {
      const outcome = await run([runtime, '2', '--concurrency', '5', '--chunksize', '1'], { PRUN_TEST_TASK_MS: '2' });
      assert.equal(outcome.result.exitCode, 1);
      assert.equal(outcome.outcomes.get(36)?.code, 'ERR_WORKER_EXIT');
      for (let index = 0; index < 100; index++) if (index !== 36) assert.equal(outcome.outcomes.get(index)?.result, String(index + 1), `result of input ${index + 1}`);
      assertStartsCounted(outcome);
    });
  }

  for (const runtime of ['--procs', '--threads']) {
    test(`${runtime} --concurrency 2: a worker that dies while two inputs run, once only: what runs again is said in one line (was: in silence, exit 0, the death never heard of)`, { timeout: 180_000 }, async () => {
      const starts = join(dir, `starts-${++runs}`);
      const result = await prun(['map', 'fixtures/count-starts.ts', runtime, '1', '--concurrency', '2', ':::', 'die', 'a', 'b'], {
        env: { PRUN_TEST_STARTS: starts, PRUN_TEST_DIE_ON: 'die', PRUN_TEST_DIE_FIRST: '1', PRUN_TEST_TASK_MS: '300' },
      });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.deepEqual(lines(result.stdout).sort(), ['a', 'b', 'die']);
      assert.match(String(result.stderr), /^prun: a worker was lost \(worker exited with code 3\) and which input did it is not known: its [23] unreported inputs run again, alone, each start counted in ctx\.attempt$/m);
    });

    test(`${runtime}: an input that blocks its worker past --timeout among quick ones, once only: what runs again is said in one line (was: in silence, exit 0)`, { timeout: 180_000 }, async () => {
      const inputs = [...Array.from({ length: 20 }, (_, i) => `q${i}`), 'hang', ...Array.from({ length: 20 }, (_, i) => `r${i}`)];
      const result = await prun(['map', 'fixtures/faults.ts', runtime, '1', '--timeout', '500ms'], { input: `${inputs.join('\n')}\n`, stdin: undefined });
      if (runtime === '--procs') {
        // a forked worker cannot say which quick input it was in: they run again, alone, to find it
        assert.equal(lines(result.stdout).length, 41, String(result.stderr));
        assert.match(String(result.stderr), /^prun: a worker was lost \(an input ran past --timeout 500ms\) and which input did it is not known: its \d+ unreported inputs run again, alone, each start counted in ctx\.attempt$/m);
        return;
      }
      // a thread wrote which input it began (start-slot.ts): that one timed out, and only the
      // finished inputs whose results were lost with the thread run again
      assert.equal(result.exitCode, 1, String(result.stderr));
      // `q0 ok on attempt 1, ...`
      assert.deepEqual(lines(result.stdout).map((line) => line.split(' ')[0]).sort(), inputs.filter((input) => input !== 'hang').sort());
      assert.match(String(result.stderr), /^prun: input 20 "hang" failed: timed out after 500ms$/m);
      assert.doesNotMatch(String(result.stderr), /which input did it is not known/);
    });

    test(`${runtime} --concurrency 2 --retries 1: the retry of a task stuck past --timeout, given to its worker's free lane before the worker was ended, never began there: it starts as attempt 2 (was: 3, with a notice that other inputs ran again)`, { timeout: 180_000 }, async () => {
      // ignore: an async task that ignores its abort, on its first attempt only
      const result = await prun(['map', 'fixtures/faults.ts', runtime, '1', '--concurrency', '2', '--timeout', '1s', '--retries', '1', '--chunksize', '1', ':::', 'ignore', 'a', 'b', 'c', 'd', 'e']);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.match(String(result.stdout), /^ignore ok on attempt 2, /m);
      assert.doesNotMatch(String(result.stderr), /unreported input/);
    });

    test(`${runtime} --concurrency 2: a worker ended for a task stuck past --timeout, its other lanes still starting inputs: their re-runs are counted (was: run again with the same attempt)`, { timeout: 180_000 }, async () => {
      const starts = join(dir, `starts-${++runs}`);
      const result = await prun(['map', 'fixtures/count-starts.ts', runtime, '1', '--concurrency', '2', '--chunksize', '1', '--timeout', '1s', ':::', 'hang', 'a', 'b', 'c', 'd'], {
        env: { PRUN_TEST_STARTS: starts, PRUN_TEST_HANG_ON: 'hang', PRUN_TEST_TASK_MS: '600' },
      });
      assert.equal(result.exitCode, 1, String(result.stderr));
      assert.deepEqual(lines(result.stdout).sort(), ['a', 'b', 'c', 'd']);
      assertAttemptsGrow(await startsOf(starts));
      // the one past --timeout is named, and the re-runs are said as the others' (was: "which input did it is not known")
      assert.match(String(result.stderr), /^prun: input 0 "hang" failed: timed out after 1s$/m);
      assert.doesNotMatch(String(result.stderr), /which input did it is not known/);
      assert.match(String(result.stderr), /^prun: a worker was ended for an input past --timeout 1s; which of its other inputs had started is not known: its \d+ unreported inputs? runs? again, alone, each start counted in ctx\.attempt$/m);
    });
  }
});
