import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { joblogRows, waitForFile } from '../helpers/files.js';
import { descendantsOf, assertAllEnded } from '../helpers/processes.js';
import { bin, HUNG_MS, lines, prun, root } from '../helpers/prun.js';
import { inputs, useQueue } from '../helpers/queue.js';
import { waitForLines } from '../helpers/streams.js';
import { runKeys } from '../helpers/redis.js';
import { LOCK_DURATION_MS, STALLED_INTERVAL_MS } from '../../src/queue/queue-timings.js';

const bench = useQueue();
const worker = bench.worker;

/** The id of BullMQ's latest event on the queue. */
async function lastEvent(): Promise<string> {
  return (await bench.redis.command('XREVRANGE', 'prun:batches:events', '+', '-', 'COUNT', '1')).split('\n')[0]!;
}

/** BullMQ's events after `id` (from the start without one), each as its fields: event, jobId, ... */
async function eventsSince(id?: string): Promise<Record<string, string>[]> {
  const words = (await bench.redis.command('XRANGE', 'prun:batches:events', id === undefined ? '-' : `(${id}`, '+')).split('\n');
  const events: Record<string, string>[] = [];
  for (const word of words) {
    if (/^\d+-\d+$/.test(word)) events.push({});
    else {
      const event = events.at(-1);
      if (!event) continue;
      const key = (event['\0key'] ??= '');
      if (key === '') event['\0key'] = word;
      else {
        event[key] = word;
        event['\0key'] = '';
      }
    }
  }
  return events;
}

/** A starts file's `input attempt` lines as each input's attempts, in the order started (`killed PID` lines left out). */
async function attemptsIn(file: string): Promise<Map<string, string[]>> {
  const attempts = new Map<string, string[]>();
  for (const line of lines((await readFile(file, 'utf8')).trim())) {
    if (line.startsWith('killed ')) continue;
    const [input, attempt] = line.split(' ');
    attempts.set(input!, [...(attempts.get(input!) ?? []), attempt!]);
  }
  return attempts;
}

describe('prun map --queue', () => {
  test('three workers print exactly what a local run prints', async () => {
    const pool = [worker(), worker(), worker()];
    await bench.assertCompleted(await prun(['map', 'fixtures/queue-square.ts', '--queue', bench.redis.url], { input: inputs, stdin: 'pipe' }));
    await Promise.all(pool.map((each) => each.stop()));
    for (const each of pool) assert.equal(await each.exited, 0);
  });

  test('long batches are not taken ahead: with two single-slot workers, two inputs run on both at once (was: both queued on one machine, the other idle)', { timeout: 180_000 }, async () => {
    const started = join(bench.dir, 'ahead-started');
    const gate = join(bench.dir, 'ahead-gate');
    const env = { PRUN_TEST_STARTED: started, PRUN_TEST_GATE: gate };
    worker(['--procs', '1'], env);
    const run = prun(['map', 'fixtures/gated.ts', '--queue', bench.redis.url, '--chunksize', '1', ':::', 'gate1', 'gate2']);
    // each input waits for the gate, opened once both have started: the second worker comes
    // once the first runs an input, and the second input waits for it, not behind the first
    await waitForFile(started, (seen) => seen.length >= 1, 30_000);
    worker(['--procs', '1'], env);
    await waitForFile(started, (seen) => seen.length >= 2, 30_000).catch((error: unknown) => {
      run.kill();
      throw error;
    });
    await writeFile(gate, '');
    const result = await run;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.deepEqual(lines(result.stdout), ['gate1', 'gate2']);
  });

  test('a SIGKILLed worker: its batches run elsewhere, every input once', async () => {
    const gate = await bench.gate(10000);
    const pool = [worker([], gate.env), worker([], gate.env), worker([], gate.env)];
    const run = prun(['map', 'fixtures/queue-square.ts', '--queue', bench.redis.url], { input: inputs, stdin: 'pipe' });
    const reached = await gate.reached();
    const victim = pool.find((each) => `reached-${each.pid}` === reached)!;
    assert.ok(victim, `${reached} names one of the workers`);
    const children = await descendantsOf(victim.pid);
    process.kill(victim.pid, 'SIGKILL');
    await victim.exited;
    await gate.open();
    await bench.assertCompleted(await run, children);
    await Promise.all(pool.map((each) => each.stop()));
  });

  test('an input that kills its worker machine each time: two machines die, then it fails as locally, the rest run (was: every machine killed, a hang)', async () => {
    const dir = await mkdtemp(join(bench.dir, 'machine-'));
    const starts = join(dir, 'starts');
    const env = { PRUN_TEST_STARTS: starts, PRUN_TEST_DIE_ON: 'killer', PRUN_TEST_DIE_HOW: 'machine', PRUN_TEST_TASK_MS: '5' };
    const pool = [worker(['--procs', '1'], env), worker(['--procs', '1'], env), worker(['--procs', '1'], env)];
    const run = await prun(['map', 'fixtures/count-starts.ts', '--queue', bench.redis.url, '--chunksize', '1', '--json', ':::', 'a', 'killer', 'b', 'c'], { timeout: 120_000 });
    assert.equal(run.timedOut, false);
    assert.equal(run.exitCode, 1, String(run.stderr));
    const records = lines(run.stdout).map((line) => JSON.parse(line) as { input: string; result?: string; code?: string });
    assert.deepEqual(records.map((r) => [r.input, r.result ?? r.code]), [['a', 'a'], ['killer', 'ERR_WORKER_EXIT'], ['b', 'b'], ['c', 'c']]);
    const started = lines(await readFile(starts, 'utf8'));
    assert.equal(started.filter((line) => line.startsWith('killed ')).length, 2, started.join(', '));
    // each take of it a start, counted: ctx.attempt 1, then 2
    assert.deepEqual(started.filter((line) => line.startsWith('killer ')), ['killer 1', 'killer 2']);
    // and its second start is said on the producer's stderr, as a local worker's loss is (was: said nowhere)
    assert.equal(lines(run.stderr).filter((line) => /^prun: input 1 was taken over by \S+ from a worker that died, froze or left holding it, perhaps after it began it: it runs as attempt 2/.test(line)).length, 1, String(run.stderr));
    await Promise.all(pool.map((each) => each.stop()));
  });

  // two batches at once on each of 4 machines: the killer's and bystanders'; batches of 10 with
  // inputs of 20 ms, and prun's own batching of quick inputs, where batches end just before the death
  for (const shape of [{ count: 40, killer: 14, taskMs: 20, chunksize: ['--chunksize', '10'] }, { count: 20000, killer: 12000, taskMs: 0, chunksize: [] }]) {
    test(`regression: an input that kills its machine inside a batch (${shape.count} inputs): two machines die, it fails, nothing else fails, and every start is in the joblog (was: every machine killed, then a hang; batches that had ended ran again, uncounted)`, { timeout: 300_000 }, async () => {
      const dir = await mkdtemp(join(bench.dir, 'machine-'));
      const startsFile = join(dir, 'starts');
      const joblog = join(dir, 'joblog');
      const killer = String(shape.killer);
      // with batches of 10, the killer dies only once the producer has printed the inputs of its
      // batch before it: their reports are in Redis (under load, a death could beat them there)
      const reported = join(dir, 'reported');
      const env = { PRUN_TEST_STARTS: startsFile, PRUN_TEST_DIE_ON: killer, PRUN_TEST_DIE_HOW: 'machine', PRUN_TEST_TASK_MS: String(shape.taskMs), ...(shape.count === 40 ? { PRUN_TEST_DIE_AFTER: reported } : {}) };
      const pool = [worker([], env), worker([], env), worker([], env), worker([], env)];
      const all = Array.from({ length: shape.count }, (_, i) => String(i + 1));
      const running = prun(['map', 'fixtures/count-starts.ts', '--queue', bench.redis.url, ...shape.chunksize, '--json', '--joblog', joblog], { input: `${all.join('\n')}\n`, stdin: 'pipe', timeout: 100_000 });
      if (shape.count === 40) await waitForLines(running.stdout!, new RegExp(`"input":"${shape.killer - 1}"`)).then(() => writeFile(reported, ''));
      const run = await running;
      assert.equal(run.timedOut, false);
      assert.equal(run.exitCode, 1, String(run.stderr));
      const records = lines(run.stdout).map((line) => JSON.parse(line) as { input: string; result?: string; code?: string });
      assert.deepEqual(records.map((r) => r.result ?? r.code), all.map((n) => (n === killer ? 'ERR_WORKER_EXIT' : n)));
      const started = lines(await readFile(startsFile, 'utf8'));
      assert.equal(started.filter((line) => line.startsWith('killed ')).length, 2, started.join(', ').slice(0, 500));
      assert.deepEqual(started.filter((line) => line.startsWith(`${killer} `)), [`${killer} 1`, `${killer} 2`]);
      const starts = await attemptsIn(startsFile);
      // what reported before a death is not run again
      if (shape.count === 40) for (const input of ['11', '12', '13']) assert.deepEqual(starts.get(input), ['1'], input);
      // an input started more often than its row's attempts say ran again without saying so
      const counted = new Map((await joblogRows(joblog)).map((fields) => [fields[1]!, Number(fields[3])]));
      const uncounted = [...starts].filter(([input, each]) => each.length > (counted.get(input) ?? 0));
      assert.deepEqual(uncounted.slice(0, 5), []);
      assert.deepEqual(await runKeys(bench.redis), []);
      await Promise.all(pool.map((each) => each.stop()));
    });
  }

  test('regression: a worker with --concurrency 4 whose pool dies, inputs that throw then succeed: every result once, each under its own index (was: 1537 of 3000 with exit 0, failures charged to other inputs)', { timeout: 180_000 }, async () => {
    worker(['--procs', '1', '--concurrency', '4']);
    const count = 606;
    const input = Array.from({ length: count }, (_, i) => `${i + 1}\n`).join('');
    const result = await prun(['map', 'fixtures/dies-and-throws.ts', '--queue', bench.redis.url, '--retries', '2', '--json'], { input, stdin: 'pipe' });
    assert.equal(result.exitCode, 0, String(result.stderr));
    const outcomes = lines(result.stdout).map((line) => JSON.parse(line) as { index: number; input: string; result?: string });
    assert.equal(outcomes.length, count);
    assert.deepEqual(outcomes.map((outcome) => outcome.index), Array.from({ length: count }, (_, i) => i));
    for (const { index, input: text, result: value } of outcomes) assert.equal(value, `${index + 1} ${(index + 1) ** 2}`, text);
    assert.deepEqual(await runKeys(bench.redis), []);
  });

  test('SIGTERM hands a worker\'s batches back and exits 0', async () => {
    const gate = await bench.gate(500);
    const leaving = worker([], gate.env);
    const run = prun(['map', 'fixtures/queue-square.ts', '--queue', bench.redis.url], { input: inputs, stdin: 'pipe' });
    await gate.reached(leaving.pid);
    const before = await lastEvent();
    // the leaving worker is the only one yet: the jobs it made active are the ones it holds
    // (read before the other starts, which may take some of its own at once)
    const held = new Set((await eventsSince()).filter((event) => event.event === 'active').map((event) => event.jobId));
    const staying = worker([], gate.env);
    const children = await descendantsOf(leaving.pid);
    process.kill(leaving.pid, 'SIGTERM');
    assert.equal(await leaving.exited, 0);
    await assertAllEnded(children);
    await gate.open();
    const result = await run;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, bench.reference);
    // handed back, not left for the stalled check to find once its lock lapsed (on a loaded
    // machine the staying worker's own locks may lapse now and then: those are not the test's)
    const stalled = (await eventsSince(before)).filter((event) => event.event === 'stalled' && held.has(event.jobId));
    assert.deepEqual(stalled, []);
    assert.ok(held.size > 0, 'the leaving worker held a batch');
    await staying.stop();
  });

  /**
   * A run of fixtures/queue-starts.ts over 1..`count` in batches of `chunksize`, held at input
   * 15 by a gate, where `handBacks` workers in turn reach it and are sent SIGTERM (each hands
   * its batches back and exits 0); then the gate opens and one more worker finishes the run,
   * exactly as a local run prints it. Each input's attempts, in the order started, and the joblog.
   */
  async function handedBack(handBacks: number, count: number, chunksize: number) {
    const gate = await bench.gate(15);
    const starts = join(gate.dir, 'starts');
    const joblog = join(gate.dir, 'joblog');
    const env = { ...gate.env, PRUN_TEST_STARTS: starts };
    const all = Array.from({ length: count }, (_, i) => String(i + 1));
    const run = prun(['map', 'fixtures/queue-starts.ts', '--queue', bench.redis.url, '--chunksize', String(chunksize), '--joblog', joblog, ':::', ...all]);
    for (let take = 0; take < handBacks; take++) {
      const leaving = worker(['--procs', '1'], env);
      await gate.reached(leaving.pid);
      process.kill(leaving.pid, 'SIGTERM');
      assert.equal(await leaving.exited, 0);
    }
    await gate.open();
    const staying = worker(['--procs', '1'], env);
    const result = await run;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.deepEqual(lines(result.stdout), all.map((n) => String(Number(n) ** 2)));
    await staying.stop();
    return { attempts: await attemptsIn(starts), joblog: await joblogRows(joblog) };
  }

  test('regression: a batch handed back after some of it had reported runs on from there (was: whole again, then its rest a third time)', { timeout: 180_000 }, async () => {
    // batches of 10, each input 5 ms: 11 to 14 report before 15 waits at the gate
    const { attempts } = await handedBack(1, 40, 10);
    // reported before the hand-back: started once; 15, cut short by it: once more, as attempt 2
    for (const input of ['11', '12', '13', '14']) assert.deepEqual(attempts.get(input), ['1'], input);
    assert.deepEqual(attempts.get('15'), ['1', '2']);
    assert.ok([...attempts.values()].every((each) => each.length <= 2), JSON.stringify([...attempts]));
    // a batch the leaving worker held but had not started is not counted as taken: its inputs start
    // as attempt 1 (was: 2). The rest of 11-20, which did start, counts its take (README, "Attempts")
    assert.deepEqual([...attempts].filter(([input, each]) => (Number(input) < 11 || Number(input) > 20) && each[0] !== '1'), []);
  });

  test('regression: a batch handed back twice in a row (a rolling restart) runs on a third worker, each start counted once (was: failed as "machine died 2 times", attempts 1 then 3)', { timeout: 180_000 }, async () => {
    const { attempts, joblog } = await handedBack(2, 20, 20);
    assert.deepEqual(attempts.get('15'), ['1', '2', '3']);
    // index, input, status, attempts, ...: the joblog counts the three starts too
    assert.deepEqual(joblog.find((fields) => fields[1] === '15')?.slice(1, 4), ['15', '0', '3']);
  });

  test('a worker with another secret refuses the run: one line, exit 2, nothing runs', async () => {
    const refusing = worker([], { PRUN_QUEUE_SECRET: 'the workers' });
    const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', bench.redis.url, ':::', '1', '2', '3'], { env: { PRUN_QUEUE_SECRET: 'another' } });
    assert.equal(result.exitCode, 2);
    assert.equal(result.stdout, '');
    assert.equal(lines(String(result.stderr).trim()).length, 1, String(result.stderr));
    assert.equal(refusing.stderr(), '', 'a worker with a secret does not warn');
    assert.deepEqual(await runKeys(bench.redis), []);
    await refusing.stop();
  });

  test('regression: a worker that refuses the run while another runs an input: that input ends and is heard, the rest never run (was: the run ended at once, the input that then ended well counted as never ran)', { timeout: 180_000 }, async () => {
    const started = join(bench.dir, 'refused-started');
    const gate = join(bench.dir, 'refused-gate');
    worker(['--procs', '1'], { PRUN_TEST_STARTED: started, PRUN_TEST_GATE: gate });
    const run = prun(['map', 'fixtures/gated.ts', '--queue', bench.redis.url, '--chunksize', '1', ':::', 'gate1', 'x2', 'x3']);
    await waitForFile(started, (seen) => seen.length >= 1, 30_000);
    worker([], { PRUN_QUEUE_SECRET: 'the workers' });
    // the producer has heard the refusal, and waits for the input running on the other worker
    await waitForLines(run.stderr!, /refused the run: starting no more inputs/);
    await writeFile(gate, '');
    const result = await run;
    assert.equal(result.exitCode, 1, String(result.stderr));
    assert.deepEqual(lines(result.stdout), ['gate1']);
    assert.match(String(result.stderr), /0 of 3 inputs failed, 2 never ran/);
    assert.deepEqual(lines((await readFile(started, 'utf8')).trim()), ['gate1']);
    assert.deepEqual(await runKeys(bench.redis), []);
  });

  test('a worker that refuses the run while another runs an input that does not end: the run ends after the grace, nothing ran, exit 2 (was, for a commit: a wait for ever)', { timeout: 180_000 }, async () => {
    const started = join(bench.dir, 'refused-stuck-started');
    // the gate is never made: the input never ends, and does not look at its signal
    worker(['--procs', '1'], { PRUN_TEST_STARTED: started, PRUN_TEST_GATE: join(bench.dir, 'refused-stuck-gate') });
    const run = prun(['map', 'fixtures/gated.ts', '--queue', bench.redis.url, '--chunksize', '1', ':::', 'gate1', 'x2']);
    await waitForFile(started, (seen) => seen.length >= 1, 30_000);
    worker([], { PRUN_QUEUE_SECRET: 'the workers' });
    const result = await run;
    assert.equal(result.exitCode, 2, String(result.stderr));
    assert.equal(result.stdout, '');
    assert.match(String(result.stderr), /refused the run: starting no more inputs; waiting up to 10 s for the running ones\n.*a worker refused the run: .*bad signature/);
  });

  test('a worker whose TMPDIR cannot hold a folder (missing, a file) says so in one line, exit 2 (was: a stack trace, exit 1)', async () => {
    const folder = await mkdtemp(join(bench.dir, 'no-modules-'));
    await writeFile(join(folder, 'a-file'), '');
    for (const [tmp, why] of [['not-there', 'no such file or directory'], ['a-file', 'not a directory']]) {
      const result = await prun(['worker', '--queue', bench.redis.url], { cwd: folder, env: { TMPDIR: join(folder, tmp!), PRUN_QUEUE_SECRET: 's' } });
      assert.equal(result.exitCode, 2, String(result.stderr));
      assert.equal(String(result.stderr).trim(), `prun: cannot make a folder for the scripts of the queue in ${join(folder, tmp!)} (TMPDIR): ${why}`);
    }
  });

  test('a prun worker runs no more workers than its limit of open files allows, said in one line, and serves the run (was: every worker died of EMFILE, the run refused)', async () => {
    const limited = execa('sh', ['-c', 'ulimit -n 64 && exec "$0" "$@"', process.execPath, bin, 'worker', '--queue', bench.redis.url, '--procs', '16'], { cwd: root, reject: false, stdin: 'ignore', stdout: 'ignore' });
    try {
      // said as the worker takes the run: its pool is made then
      const said = waitForLines(limited.stderr!, /^prun: only enough file handles to run \d+ workers? at once \(ulimit -n is 64\): running \d+, not 16$/);
      const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', bench.redis.url, ':::', '1', '2', '3']);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.deepEqual(lines(result.stdout), ['1', '4', '9']);
      await said;
    } finally {
      limited.kill('SIGTERM');
      await limited;
    }
  });

  test('a worker without a secret warns once that it runs whatever is queued', async () => {
    const open = worker();
    const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', bench.redis.url, ':::', '1', '2', '3']);
    assert.deepEqual(lines(result.stdout), ['1', '4', '9']);
    assert.deepEqual(await runKeys(bench.redis), []);
    await open.stop();
    assert.equal(lines(open.stderr().trim()).length, 1);
  });

  test('redis stopped for a few seconds: the run waits and goes on', async () => {
    const gate = await bench.gate(700);
    const pool = [worker([], gate.env), worker([], gate.env)];
    const run = prun(['map', 'fixtures/queue-square.ts', '--queue', bench.redis.url], { input: inputs, stdin: 'pipe' });
    await gate.reached();
    process.kill(bench.redis.pid, 'SIGSTOP');
    await gate.open();
    // no event marks it: the outage is what is under test, and it outlasts the workers' locks
    // (Redis's clock runs on while it is stopped), so that batches come back and run twice
    await delay(LOCK_DURATION_MS + STALLED_INTERVAL_MS);
    process.kill(bench.redis.pid, 'SIGCONT');
    await bench.assertCompleted(await run);
    await Promise.all(pool.map((each) => each.stop()));
  });

  test('| head: the producer exits 141 with none of its run\'s keys left (was: they stayed until they expired, and workers ran its batches)', async () => {
    const pool = [worker()];
    const pipeline = `seq 20000 | "$0" map fixtures/queue-square.ts --queue "$1" | head -3; echo "\${PIPESTATUS[1]}" >&2`;
    const result = await execa('bash', ['-c', pipeline, bin, bench.redis.url], { cwd: root, reject: false });
    assert.deepEqual(lines(result.stdout), ['1', '4', '9']);
    assert.equal(lines(result.stderr).at(-1), '141', String(result.stderr));
    assert.deepEqual(await runKeys(bench.redis), [], 'a run ended by | head leaves no keys');
    await Promise.all(pool.map((each) => each.stop()));
  });

  test('prun exec --queue prints what a local prun exec prints, failures alike', async () => {
    const pool = [worker(), worker()];
    const command = 'echo {} $(({}*2)); test {} -ne 77';
    const numbers = Array.from({ length: 300 }, (_, i) => String(i + 1));
    const local = await prun(['exec', '--tag', command, ':::', ...numbers]);
    const result = await prun(['exec', '--queue', bench.redis.url, '--tag', command, ':::', ...numbers]);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, local.stdout);
    assert.equal(result.stderr, local.stderr);
    assert.deepEqual(await runKeys(bench.redis), []);
    await Promise.all(pool.map((each) => each.stop()));
  });

  test('prun exec --queue reads the command as a local prun exec does: -X, -N, -q, --plus, --rpl, --wd (was: a worker ran them as plain commands, or died of --plus)', async () => {
    const pool = [worker()];
    await mkdir(join(bench.dir, 'wd'), { recursive: true });
    const cases = [
      ['-X', 'echo', 'pre{}', ':::', 'a', 'b', 'c'],
      ['-N2', 'echo', 'pre{}', ':::', 'a', 'b', 'c'],
      ['-q', '{}', ':::', 'echo a'],
      ['--plus', 'echo', '{0#}', '{..}', ':::', 'a.tar.gz', 'b.tgz'],
      ['--rpl', '{ext} s:.*\\.::', 'echo', '{ext}', ':::', 'a.txt'],
      ['--wd', join(bench.dir, 'wd'), 'pwd', ':::', 'x'],
    ];
    for (const args of cases) {
      const local = await prun(['exec', '-k', ...args], { cwd: bench.dir });
      const result = await prun(['exec', '-k', '--queue', bench.redis.url, ...args], { cwd: bench.dir });
      assert.equal(result.exitCode, local.exitCode, `${args.join(' ')}: ${String(result.stderr)}`);
      assert.equal(result.stdout, local.stdout, args.join(' '));
    }
    assert.equal(pool[0]!.stderr().includes('Error'), false, pool[0]!.stderr());
    assert.deepEqual(await runKeys(bench.redis), []);
  });

  test('prun exec --queue --wd DIR: a worker makes DIR on its own machine when it is missing there (was: "spawn /bin/sh ENOENT", the folder not named)', async () => {
    const pool = [worker()];
    const folder = join(await mkdtemp(join(bench.dir, 'wd-')), 'made-by-the-worker');
    // the producer makes it on its machine, then it is taken away, as on another machine where it never was
    const producer = execa(bin, ['exec', '--queue', bench.redis.url, '--wd', folder, 'pwd'], { cwd: root, reject: false, stdin: 'pipe', timeout: HUNG_MS });
    // made, and past its checks: the run is in Redis (was: removed between its mkdir and the
    // stat after it, the producer said it could not make it, exit 2: seen once under load)
    for (let tries = 0; !existsSync(folder) || (await runKeys(bench.redis)).length === 0; tries++) {
      if (tries > 400) assert.fail('the producer never made the folder, or never began its run');
      await delay(50);
    }
    await rmdir(folder);
    producer.stdin!.end('x\n');
    const result = await producer;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, folder);
    assert.doesNotMatch(pool[0]!.stderr(), /ENOENT|Error/);
    assert.deepEqual(await runKeys(bench.redis), []);
  });

  test('prun exec --queue --pipe is refused: exit 2, one line (was: each job got its block\'s name and an empty stdin)', async () => {
    const result = await prun(['exec', '--queue', bench.redis.url, '--pipe', 'wc', '-l'], { input: 'a\nb\n', stdin: 'pipe' });
    assert.equal(result.exitCode, 2);
    assert.equal(result.stdout, '');
    assert.equal(lines(String(result.stderr).trim()).length, 1, String(result.stderr));
  });

  test('prun exec --queue runs the jobs in the worker\'s shell, chosen as locally (was: /bin/sh whatever the worker\'s)', async () => {
    const bashWorker = worker([], { PARALLEL_SHELL: '/bin/bash' });
    const command = '[[ {} == a* ]] && echo "bash {}"';
    const env = { PARALLEL_SHELL: '/bin/bash' };
    const local = await prun(['exec', command, ':::', 'ab', 'ac'], { env });
    const result = await prun(['exec', '--queue', bench.redis.url, command, ':::', 'ab', 'ac'], { env });
    assert.equal(local.stdout, 'bash ab\nbash ac');
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, local.stdout);
    await bashWorker.stop();
  });

  test('packages the script imports resolve from the worker\'s folder', async () => {
    const folder = await mkdtemp(join(bench.dir, 'worker-'));
    await cp(join(root, 'fixtures/ts-imports/node_modules'), join(folder, 'node_modules'), { recursive: true });
    const here = worker(['--procs', '1'], {}, { cwd: folder });
        const local = await prun(['map', 'fixtures/ts-imports/main.ts', ':::', '1', '2']);
    const result = await prun(['map', 'fixtures/ts-imports/main.ts', '--queue', bench.redis.url, ':::', '1', '2']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, local.stdout);
    // regression: the producer needed the packages too (the script was compiled here with them
    // resolved, only to check it), though it runs nothing of it
    const producer = await mkdtemp(join(bench.dir, 'producer-'));
    await cp(join(root, 'fixtures/ts-imports'), producer, { recursive: true, filter: (path) => !path.includes('node_modules') });
    const elsewhere = await prun(['map', 'main.ts', '--queue', bench.redis.url, ':::', '1', '2'], { cwd: producer });
    assert.equal(elsewhere.exitCode, 0, String(elsewhere.stderr));
    assert.equal(elsewhere.stdout, local.stdout);
    await here.stop();
  });

  test("a worker that cannot load the script fails the run with one line naming the script (was: the worker's cached copy, /tmp/prun-queue-0/<hash>.mjs)", async () => {
    const folder = await mkdtemp(join(bench.dir, 'worker-')); // no node_modules: the package is missing
    const here = worker(['--procs', '1'], {}, { cwd: folder });
    const result = await prun(['map', 'fixtures/ts-imports/main.ts', '--queue', bench.redis.url, ':::', '1', '2']);
    assert.equal(result.exitCode, 2);
    assert.equal(result.stdout, '');
    assert.equal(lines(String(result.stderr).trim()).length, 1, String(result.stderr));
    assert.match(String(result.stderr), /fixtures\/ts-imports\/main\.ts/);
    // and where the worker looked for the package
    assert.ok(String(result.stderr).includes(`found no node_modules in ${folder} or above when it started`), String(result.stderr));
    assert.doesNotMatch(String(result.stderr), /\.mjs/);
    await here.stop();
  });

  test('no worker anywhere: after a while one line says what the run waits for (was: silence off a terminal); a worker started then runs it', { timeout: 180_000 }, async () => {
    const producer = execa(bin, ['map', 'fixtures/queue-square.ts', '--queue', bench.redis.url, ':::', '3'], { cwd: root, reject: false, timeout: HUNG_MS });
    await waitForLines(producer.stderr!, /^prun: no worker has taken this run in \d+ s: start one with prun worker --queue redis:\/\/127\.0\.0\.1:\d+$/);
    const one = worker();
    const run = await producer;
    await one.stop();
    assert.equal(run.exitCode, 0, String(run.stderr));
    assert.equal(run.stdout, '9');
  });

  test('every worker gone mid-run (an input killed the one machine): after a while one line says so (was: a silent wait for ever); a worker started then finishes it', { timeout: 240_000 }, async () => {
    const dir = await mkdtemp(join(bench.dir, 'all-gone-'));
    const starts = join(dir, 'starts');
    const env = { PRUN_TEST_STARTS: starts, PRUN_TEST_DIE_ON: 'killer', PRUN_TEST_DIE_HOW: 'machine', PRUN_TEST_TASK_MS: '5' };
    const doomed = worker(['--procs', '1'], env);
    const producer = execa(bin, ['map', 'fixtures/count-starts.ts', '--queue', bench.redis.url, '--chunksize', '1', ':::', 'a', 'killer', 'b'], { cwd: root, reject: false, timeout: 80_000, env: { PRUN_TEST_STARTS: starts } });
    await waitForLines(producer.stderr!, /^prun: no worker has served this run for \d+ s \(those that did have left or died\): start one with prun worker --queue redis:\/\/127\.0\.0\.1:\d+$/);
    await doomed.exited;
    // this one does not die of it: the killer runs as its next attempt
    const rescuer = worker(['--procs', '1'], { PRUN_TEST_STARTS: starts });
    const run = await producer;
    await rescuer.stop();
    assert.equal(run.exitCode, 0, String(run.stderr));
    assert.deepEqual(lines(run.stdout), ['a', 'killer', 'b']);
    assert.ok(lines(await readFile(starts, 'utf8')).includes('killer 2'));
  });

  test('a worker that took the run and handed it back at once (SIGTERM), before it was ever counted: the line says none serves it any more, not that none took it (was: "no worker has taken this run")', { timeout: 240_000 }, async () => {
    const dir = await mkdtemp(join(bench.dir, 'handed-back-'));
    const starts = join(dir, 'starts');
    const env = { PRUN_TEST_STARTS: starts, PRUN_TEST_TASK_MS: '60000' };
    const producer = execa(bin, ['map', 'fixtures/count-starts.ts', '--queue', bench.redis.url, ':::', 'a'], { cwd: root, reject: false, timeout: 80_000, env });
    const brief = worker(['--procs', '1'], env);
    // gone within a moment of its start: the producer, which counts workers once a second, may never see it
    await waitForFile(starts, (started) => started.includes('a 1'));
    await brief.stop();
    const said = await waitForLines(producer.stderr!, /^prun: no worker has (taken|served) this run/);
    producer.kill('SIGTERM');
    await producer;
    assert.match(said, /^prun: no worker has served this run for \d+ s \(those that did have left or died\)/);
  });

  test('Ctrl-C on the producer asks what runs on the workers to stop, as a local run does: a command gets SIGTERM, one that traps it and ends well ran (was: they ran on while the producer waited out its grace)', { timeout: 240_000 }, async () => {
    const dir = await mkdtemp(join(bench.dir, 'abort-'));
    const pids = join(dir, 'pids');
    worker(['--procs', '2']);
    const command = `if [ {} = traps ]; then trap 'echo stopped well; exit 0' TERM; fi; sleep 300 & echo $! >> ${pids}; wait`;
    const producer = execa(bin, ['exec', '--queue', bench.redis.url, command, ':::', 'fails', 'traps'], { cwd: root, reject: false, timeout: 80_000 });
    await waitForFile(pids, (started) => started.filter(Boolean).length >= 2);
    producer.kill('SIGINT');
    const result = await producer;
    assert.equal(result.exitCode, 130, String(result.stderr));
    assert.equal(result.stdout, 'stopped well');
    assert.match(String(result.stderr), /0 of 2 inputs failed, 1 never ran \(interrupted\)/);
  });

  test('--memory-limit, --concurrency or --max-tasks-per-child given to the producer: a warning each that it sets no worker here (was: ignored in silence; then --concurrency and --max-tasks-per-child still were)', { timeout: 180_000 }, async () => {
    const one = worker();
    const run = await prun(['map', 'fixtures/queue-square.ts', '--queue', bench.redis.url, '--memory-limit', '64M', '--concurrency', '4', '--max-tasks-per-child', '2', ':::', '3'], { timeout: HUNG_MS });
    await one.stop();
    assert.equal(run.exitCode, 0, String(run.stderr));
    assert.equal(run.stdout, '9');
    for (const flag of ['--memory-limit', '--concurrency', '--max-tasks-per-child']) assert.match(String(run.stderr), new RegExp(`^prun: warning: ${flag} applies to nothing here: no worker runs on this machine; .*prun worker`, 'm'));
  });

  test('regression: --timeout of a task that ignores its abort signal, run by a worker: it fails, and the run ends (was: the producer waited for ever)', { timeout: 180_000 }, async () => {
    const one = worker();
    const run = await prun(['map', 'fixtures/faults.ts', '--queue', bench.redis.url, '--timeout', '300ms', '--json', ':::', 'ignore'], { timeout: HUNG_MS });
    await one.stop();
    assert.equal(run.exitCode, 1, String(run.stderr));
    assert.equal((JSON.parse(String(run.stdout)) as { code: string }).code, 'ERR_TIMEOUT');
  });
});
