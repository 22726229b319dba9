import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { descendantsOf, assertAllEnded } from '../helpers/processes.js';
import { bin, lines, prun, root } from '../helpers/prun.js';
import { freePort, type PrunWorker, runKeys, type RedisServer, startPrunWorker, startRedis } from '../helpers/redis.js';

let redis: RedisServer;
let dir: string;
const workers: PrunWorker[] = [];
const inputs = Array.from({ length: 20000 }, (_, i) => `${i + 1}\n`).join('');
let reference: string;

before(async () => {
  redis = await startRedis();
  dir = await mkdtemp(join(tmpdir(), 'prun-queue-'));
  reference = (await prun(['map', 'fixtures/queue-square.ts'], { input: inputs, stdin: 'pipe' })).stdout as string;
  assert.equal(lines(reference).length, 20000);
});
// a test that fails leaves no worker behind to take the next test's runs
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
});
after(async () => {
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

function worker(args: string[] = [], env: NodeJS.ProcessEnv = {}): PrunWorker {
  const started = startPrunWorker(bin, root, redis.url, ['--procs', '2', ...args], env);
  workers.push(started);
  return started;
}

/** Waits for a file a fixture writes; bounded, so that a broken run fails rather than hangs. */
async function waitForEntry(folder: string, prefix: string, ms = 30_000): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const found = (await readdir(folder)).find((name) => name.startsWith(prefix));
    if (found) return found;
    await delay(10);
  }
  throw new Error(`no ${prefix}* in ${folder} within ${ms} ms`);
}

describe('prun map --queue', () => {
  test('three workers print exactly what a local run prints', async () => {
    const pool = [worker(), worker(), worker()];
    const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', redis.url], { input: inputs, stdin: 'pipe' });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, reference);
    assert.deepEqual(await runKeys(redis), [], 'a finished run leaves no keys');
    await Promise.all(pool.map((each) => each.stop()));
    for (const each of pool) assert.equal(await each.exited, 0);
  });

  test('a SIGKILLed worker: its batches run elsewhere, every input once', async () => {
    const gate = await mkdtemp(join(dir, 'gate-'));
    const env = { PRUN_TEST_GATE_DIR: gate, PRUN_TEST_HALT: '10000' };
    const pool = [worker([], env), worker([], env), worker([], env)];
    const run = prun(['map', 'fixtures/queue-square.ts', '--queue', redis.url], { input: inputs, stdin: 'pipe' });
    const reached = await waitForEntry(gate, 'reached-');
    const victim = pool.find((each) => `reached-${each.pid}` === reached)!;
    assert.ok(victim, `${reached} names one of the workers`);
    const children = await descendantsOf(victim.pid);
    process.kill(victim.pid, 'SIGKILL');
    await victim.exited;
    await writeFile(join(gate, 'open'), '');
    const result = await run;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, reference);
    await assertAllEnded(children);
    assert.deepEqual(await runKeys(redis), []);
    await Promise.all(pool.map((each) => each.stop()));
  });

  test('SIGTERM hands a worker\'s batches back and exits 0', async () => {
    const gate = await mkdtemp(join(dir, 'gate-'));
    const env = { PRUN_TEST_GATE_DIR: gate, PRUN_TEST_HALT: '500' };
    const leaving = worker([], env);
    const run = prun(['map', 'fixtures/queue-square.ts', '--queue', redis.url], { input: inputs, stdin: 'pipe' });
    await waitForEntry(gate, `reached-${leaving.pid}`);
    const staying = worker([], env);
    process.kill(leaving.pid, 'SIGTERM');
    assert.equal(await leaving.exited, 0);
    await writeFile(join(gate, 'open'), '');
    const result = await run;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, reference);
    await staying.stop();
  });

  test('a worker with another secret refuses the run: one line, exit 2, nothing runs', async () => {
    const refusing = worker([], { PRUN_QUEUE_SECRET: 'the workers' });
    const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', redis.url, ':::', '1', '2', '3'], { env: { PRUN_QUEUE_SECRET: 'another' } });
    assert.equal(result.exitCode, 2);
    assert.equal(result.stdout, '');
    assert.equal(lines(String(result.stderr).trim()).length, 1, String(result.stderr));
    assert.equal(refusing.stderr(), '', 'a worker with a secret does not warn');
    assert.deepEqual(await runKeys(redis), []);
    await refusing.stop();
  });

  test('a worker without a secret warns once that it runs whatever is queued', async () => {
    const open = worker();
    const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', redis.url, ':::', '1', '2', '3']);
    assert.deepEqual(lines(result.stdout), ['1', '4', '9']);
    assert.deepEqual(await runKeys(redis), []);
    await open.stop();
    assert.equal(lines(open.stderr().trim()).length, 1);
  });

  test('redis stopped for a few seconds: the run waits and goes on', async () => {
    const gate = await mkdtemp(join(dir, 'gate-'));
    const env = { PRUN_TEST_GATE_DIR: gate, PRUN_TEST_HALT: '700' };
    const pool = [worker([], env), worker([], env)];
    const run = prun(['map', 'fixtures/queue-square.ts', '--queue', redis.url], { input: inputs, stdin: 'pipe' });
    await waitForEntry(gate, 'reached-');
    process.kill(redis.pid, 'SIGSTOP');
    await writeFile(join(gate, 'open'), '');
    await delay(3000); // the outage itself: what is tested is that the run survives it
    process.kill(redis.pid, 'SIGCONT');
    const result = await run;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, reference);
    assert.deepEqual(await runKeys(redis), []);
    await Promise.all(pool.map((each) => each.stop()));
  });

  test('redis gone for good: one line naming the queue, exit 1, a joblog to resume from', async () => {
    const own = await startRedis();
    const gate = await mkdtemp(join(dir, 'gate-'));
    const joblog = join(gate, 'joblog');
    const env = { PRUN_TEST_GATE_DIR: gate, PRUN_TEST_HALT: '50' };
    const lone = startPrunWorker(bin, root, own.url, ['--procs', '1'], env);
    workers.push(lone);
    const run = prun(['map', 'fixtures/queue-square.ts', '--queue', own.url, '--joblog', joblog, ':::', ...Array.from({ length: 100 }, (_, i) => String(i + 1))]);
    await waitForEntry(gate, 'reached-');
    process.kill(own.pid, 'SIGKILL');
    const result = await run;
    assert.equal(result.exitCode, 1);
    assert.match(String(result.stderr), new RegExp(`^prun: lost the queue at ${own.url}: `, 'm'));
    await own.stop();
    // the rest runs locally from the joblog
    const resumed = await prun(['map', 'fixtures/queue-square.ts', '--joblog', joblog, '--resume', ':::', ...Array.from({ length: 100 }, (_, i) => String(i + 1))]);
    assert.equal(resumed.exitCode, 0);
    const all = [...lines(result.stdout), ...lines(resumed.stdout)].map(Number).sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 100 }, (_, i) => (i + 1) ** 2));
    await lone.stop();
  });

  test('prun exec --queue prints what a local prun exec prints, failures alike', async () => {
    const pool = [worker(), worker()];
    const command = 'echo {} $(({}*2)); test {} -ne 77';
    const numbers = Array.from({ length: 300 }, (_, i) => String(i + 1));
    const local = await prun(['exec', '--tag', command, ':::', ...numbers]);
    const result = await prun(['exec', '--queue', redis.url, '--tag', command, ':::', ...numbers]);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, local.stdout);
    assert.equal(result.stderr, local.stderr);
    assert.deepEqual(await runKeys(redis), []);
    await Promise.all(pool.map((each) => each.stop()));
  });

  test('packages the script imports resolve from the worker\'s folder', async () => {
    const folder = await mkdtemp(join(dir, 'worker-'));
    await cp(join(root, 'fixtures/ts-imports/node_modules'), join(folder, 'node_modules'), { recursive: true });
    const here = startPrunWorker(bin, folder, redis.url, ['--procs', '1']);
    workers.push(here);
    const local = await prun(['map', 'fixtures/ts-imports/main.ts', ':::', '1', '2']);
    const result = await prun(['map', 'fixtures/ts-imports/main.ts', '--queue', redis.url, ':::', '1', '2']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, local.stdout);
    await here.stop();
  });

  test('a worker that cannot load the script fails the run with one line', async () => {
    const folder = await mkdtemp(join(dir, 'worker-')); // no node_modules: the package is missing
    const here = startPrunWorker(bin, folder, redis.url, ['--procs', '1']);
    workers.push(here);
    const result = await prun(['map', 'fixtures/ts-imports/main.ts', '--queue', redis.url, ':::', '1', '2']);
    assert.equal(result.exitCode, 2);
    assert.equal(result.stdout, '');
    assert.equal(lines(String(result.stderr).trim()).length, 1, String(result.stderr));
    await here.stop();
  });

  test('nothing listening at the URL: one line, exit 2', async () => {
    const port = await freePort();
    const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', `redis://127.0.0.1:${port}`, ':::', '1']);
    assert.equal(result.exitCode, 2);
    assert.equal(lines(String(result.stderr).trim()).length, 1, String(result.stderr));
    const worker = await prun(['worker', '--queue', `redis://127.0.0.1:${port}`]);
    assert.equal(worker.exitCode, 2);
  });

  test('a URL that is not redis:// is a usage error', async () => {
    const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', 'http://127.0.0.1:1', ':::', '1']);
    assert.equal(result.exitCode, 2);
    assert.equal(lines(String(result.stderr).trim()).length, 1);
    assert.ok(!existsSync(join(dir, 'never')));
  });
});
