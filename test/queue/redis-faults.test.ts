// How prun meets a Redis it cannot reach, loses, or is refused by, producer and worker alike.
// Each test has its own Redis, or none, and its own workers: they run side by side, since
// most of their time is prun waiting out a deadline (the queue's 30 s outage limit above all).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type AddressInfo, createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { bin, HUNG_MS, lines, prun, root } from '../helpers/prun.js';
import { type Gate, gateIn } from '../helpers/queue.js';
import { freePort, type RedisServer, runKeys, startPrunWorker, startRedis } from '../helpers/redis.js';
import { waitForFile } from '../helpers/files.js';
import { waitForLines } from '../helpers/streams.js';

describe('prun map --queue: a Redis that cannot be reached, is lost or refuses', { concurrency: true }, () => {
  /** A Redis for the tests that need one to answer and leave no run in it. */
  let shared: RedisServer;
  let dir = '';
  before(async () => {
    shared = await startRedis();
    dir = await mkdtemp(join(tmpdir(), 'prun-redis-faults-'));
  });
  after(async () => {
    await shared?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const hundred = Array.from({ length: 100 }, (_, i) => String(i + 1));
  const inputs1000 = Array.from({ length: 1000 }, (_, i) => `${i + 1}\n`).join('');

  /**
   * A run of 1..100 with a joblog, on a Redis of its own with one worker, which `lose` takes
   * away once the worker holds input 50; then the same run resumed locally from the joblog,
   * which must print every input once across the two. Resolves with the first run.
   */
  async function loseThenResume(t: TestContext, lose: (own: RedisServer, gate: Gate) => Promise<void>) {
    const own = await startRedis();
    t.after(() => own.stop());
    const gate = await gateIn(dir, 50);
    const joblog = join(gate.dir, 'joblog');
    const lone = startPrunWorker(bin, root, own.url, ['--procs', '1'], gate.env);
    t.after(() => lone.stop());
    const run = prun(['map', 'fixtures/queue-square.ts', '--queue', own.url, '--joblog', joblog, ':::', ...hundred]);
    await gate.reached();
    await lose(own, gate);
    const lost = await run;
    await lone.stop();
    await own.stop();
    const resumed = await prun(['map', 'fixtures/queue-square.ts', '--joblog', joblog, '--resume', ':::', ...hundred]);
    assert.equal(resumed.exitCode, 0, String(resumed.stderr));
    const printed = [...lines(lost.stdout), ...lines(resumed.stdout)].map(Number).sort((a, b) => a - b);
    assert.deepEqual(printed, hundred.map((n) => Number(n) ** 2));
    return { lost, url: own.url };
  }

  test('redis gone for good: one line naming the queue, exit 1, a joblog to resume from', async (t) => {
    const { lost, url } = await loseThenResume(t, async (own) => {
      process.kill(own.pid, 'SIGKILL');
    });
    assert.equal(lost.exitCode, 1);
    assert.match(String(lost.stderr), new RegExp(`^prun: lost the queue at ${url}: `, 'm'));
  });

  test("redis away past the producer's patience, then back: the workers start nothing more of the run it gave up on, and end it (was: dozens of the inputs it said never ran started, and --resume ran them again)", { timeout: 300_000 }, async (t) => {
    const own = await startRedis();
    t.after(() => own.stop());
    const starts = join(await mkdtemp(join(dir, 'silent-')), 'starts');
    const env = { PRUN_TEST_STARTS: starts, PRUN_TEST_TASK_MS: '20' };
    const machines = [startPrunWorker(bin, root, own.url, ['--procs', '1'], env), startPrunWorker(bin, root, own.url, ['--procs', '1'], env)];
    t.after(() => Promise.all(machines.map((machine) => machine.stop())));
    const run = prun(['map', 'fixtures/count-starts.ts', '--queue', own.url], { input: inputs1000, stdin: 'pipe' });
    await waitForFile(starts, (rows) => rows.length >= 50, 60_000);
    process.kill(own.pid, 'SIGSTOP');
    const lost = await run;
    const before = await readFile(starts, 'utf8');
    process.kill(own.pid, 'SIGCONT');
    assert.equal(lost.exitCode, 1, String(lost.stderr));
    assert.match(String(lost.stderr), new RegExp(`^prun: lost the queue at ${own.url}: no answer for `, 'm'));
    // what the producer wrote into the stopped Redis's socket runs now, its beats among them:
    // stale, they keep no batch going, and the workers end the run for its producer's
    // silence (ProducerWatch: 8 s), leaving no key
    assert.deepEqual(await runKeys(own, 30_000), []);
    assert.equal(await readFile(starts, 'utf8'), before);
  });

  test('redis gone before any result came back: exit 1 with the summary, no word of a missing worker (was: exit 2, "no worker has taken this run")', { timeout: 240_000 }, async (t) => {
    const own = await startRedis();
    t.after(() => own.stop());
    // the worker holds input 1, its first: nothing comes back before Redis goes
    const gate = await gateIn(dir, 1);
    const lone = startPrunWorker(bin, root, own.url, ['--procs', '1'], gate.env);
    t.after(() => lone.stop());
    const run = prun(['map', 'fixtures/queue-square.ts', '--queue', own.url, ':::', ...hundred]);
    await gate.reached();
    process.kill(own.pid, 'SIGKILL');
    const lost = await run;
    await gate.open();
    assert.equal(lost.exitCode, 1, String(lost.stderr));
    assert.match(String(lost.stderr), new RegExp(`^prun: lost the queue at ${own.url}: `, 'm'));
    assert.doesNotMatch(String(lost.stderr), /no worker has taken this run/);
    assert.equal(lines(String(lost.stderr)).at(-1), 'prun: 0 of 100 inputs failed, 100 never ran');
  });

  test('redis back without its data (restarted empty, FLUSHALL): one line naming the queue, exit 1, a joblog to resume from (was: the producer waited for ever)', { timeout: 180_000 }, async (t) => {
    const { lost, url } = await loseThenResume(t, async (own, gate) => {
      await own.command('FLUSHALL');
      await gate.open();
    });
    assert.equal(lost.exitCode, 1, String(lost.stderr));
    assert.match(String(lost.stderr), new RegExp(`^prun: lost the queue at ${url}: the run's keys are gone`, 'm'));
  });

  test('redis away for seconds, then back: the producer and the worker each say once that it is away, and that it answers again (was: both silent, the producer until it gave up 30 s later)', { timeout: 180_000 }, async (t) => {
    const own = await startRedis();
    let back: RedisServer | undefined;
    t.after(async () => {
      await own.stop();
      await back?.stop();
    });
    const worker = startPrunWorker(bin, root, own.url, ['--procs', '1'], {});
    t.after(() => worker.stop());
    const run = prun(['map', 'fixtures/takes-ms.ts', '--queue', own.url, '--chunksize', '1'], { input: Array.from({ length: 400 }, () => '50\n').join(''), stdin: 'pipe', timeout: 120_000 });
    await waitForLines(run.stdout!, /./);
    process.kill(own.pid, 'SIGKILL');
    const away = new RegExp(`^prun: the queue at ${own.url} is away \\(.+\\): waiting up to 30 s for it$`);
    await waitForLines(run.stderr!, away);
    back = await startRedis([], own.port);
    // back empty, without the run's keys: the producer hears it answer, then ends the run
    const lost = await run;
    assert.equal(lost.exitCode, 1, String(lost.stderr));
    const said = lines(String(lost.stderr));
    const at = (pattern: RegExp) => said.findIndex((line) => pattern.test(line));
    const order = [at(away), at(new RegExp(`^prun: the queue at ${own.url} answers again$`)), at(/^prun: lost the queue at .*: the run's keys are gone/)];
    assert.ok(order[0]! >= 0 && order[0]! < order[1]! && order[1]! < order[2]!, String(lost.stderr));
    assert.equal(said.filter((line) => away.test(line)).length, 1, String(lost.stderr));
    // the worker, which waits for ever, says the same of itself
    const workerSays = (pattern: RegExp) => lines(worker.stderr()).filter((line) => pattern.test(line)).length;
    for (let i = 0; i < 200 && workerSays(/answers again$/) === 0; i++) await delay(50);
    assert.equal(workerSays(new RegExp(`^prun worker: the queue at ${own.url} is away \\(.+\\): waiting for it$`)), 1, worker.stderr());
    assert.equal(workerSays(new RegExp(`^prun worker: the queue at ${own.url} answers again$`)), 1, worker.stderr());
  });

  test('a Redis that hangs (SIGSTOP) closes nothing: an idle prun worker says all the same that it is away, and that it answers again once woken (was: silent, its watch never asked Redis anything)', { timeout: 180_000 }, async (t) => {
    const own = await startRedis();
    t.after(() => own.stop());
    const worker = startPrunWorker(bin, root, own.url, ['--procs', '1'], {});
    t.after(() => worker.stop());
    const says = (pattern: RegExp) => lines(worker.stderr()).filter((line) => pattern.test(line)).length;
    /** Polls the worker's stderr, which no event marks, for at most 30 s. */
    const until = async (pattern: RegExp) => {
      for (let i = 0; i < 600 && says(pattern) === 0; i++) await delay(50);
      assert.equal(says(pattern), 1, worker.stderr());
    };
    await until(/PRUN_QUEUE_SECRET is not set/);
    process.kill(own.pid, 'SIGSTOP');
    try {
      await until(new RegExp(`^prun worker: the queue at ${own.url} is away \\(no answer for \\d+ s\\): waiting for it$`));
    } finally {
      process.kill(own.pid, 'SIGCONT');
    }
    await until(new RegExp(`^prun worker: the queue at ${own.url} answers again$`));
  });

  /**
   * A loopback proxy to `redis` that forwards both ways until a client sends a command holding
   * `word`, then nothing more on any connection: a Redis that hangs at that moment.
   */
  async function hangingAt(t: TestContext, redis: RedisServer, word: string): Promise<string> {
    let hung = false;
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const up = createConnection(redis.port, '127.0.0.1');
      for (const socket of [client, up]) {
        sockets.add(socket);
        socket.on('error', () => {});
        socket.on('close', () => (client.destroy(), up.destroy()));
      }
      client.on('data', (data: Buffer) => {
        hung ||= data.toString('latin1').toUpperCase().includes(word);
        if (!hung) up.write(data);
      });
      up.on('data', (data: Buffer) => void (hung || client.write(data)));
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      for (const socket of sockets) socket.destroy();
      proxy.close();
    });
    return `redis://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  }

  test('a Redis that hangs just after the producer reached it: one line, exit 2, within the deadline (was: silent for ever)', { timeout: 180_000 }, async (t) => {
    const url = await hangingAt(t, shared, 'CONFIG');
    const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', url, ':::', '1', '2'], { timeout: HUNG_MS });
    assert.equal(result.exitCode, 2, String(result.stderr));
    assert.equal(String(result.stderr).trim(), `prun: cannot reach the queue at ${url}: no answer in 10 s`);
  });

  test('a Redis that hangs as the run is published: the run ends at the outage limit in one line, exit 1 (was: it waited for ever)', { timeout: 180_000 }, async (t) => {
    const url = await hangingAt(t, shared, 'MULTI');
    const lost = await prun(['map', 'fixtures/queue-square.ts', '--queue', url, ':::', '1', '2'], { timeout: HUNG_MS });
    assert.equal(lost.exitCode, 1, String(lost.stderr));
    assert.match(String(lost.stderr), new RegExp(`^prun: lost the queue at ${url}: no answer for \\d+ s$`, 'm'));
  });

  test('nothing listening at the URL: one line, exit 2', async () => {
    const port = await freePort();
    // bounded: a run that waited for a Redis that is not there would be killed, and fail
    const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', `redis://127.0.0.1:${port}`, ':::', '1'], { timeout: HUNG_MS });
    assert.equal(result.timedOut, false);
    assert.equal(result.exitCode, 2);
    assert.equal(lines(String(result.stderr).trim()).length, 1, String(result.stderr));
    const worker = await prun(['worker', '--queue', `redis://127.0.0.1:${port}`], { timeout: HUNG_MS });
    assert.equal(worker.timedOut, false);
    assert.equal(worker.exitCode, 2);
    assert.equal(lines(String(worker.stderr).trim()).length, 1, String(worker.stderr));
  });

  test('a server that takes the connection and never answers (a Redis stopped with SIGSTOP, a port that is not Redis): one line within the deadline, exit 2 (was: producer and worker waited for ever)', { timeout: 180_000 }, async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `redis://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const [producer, worker] = await Promise.all([
        prun(['map', 'fixtures/queue-square.ts', '--queue', url, ':::', '1'], { timeout: HUNG_MS }),
        prun(['worker', '--queue', url], { timeout: HUNG_MS }),
      ]);
      for (const result of [producer, worker]) {
        assert.equal(result.timedOut, false);
        assert.equal(result.exitCode, 2);
        assert.equal(result.stdout, '');
        assert.match(String(result.stderr), /^prun: cannot reach the queue at redis:\/\/127\.0\.0\.1:\d+: no answer in \d+ s$/);
      }
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  test('a port where something else answers (an HTTP server): one line saying it is not Redis, exit 2 (was: ioredis\'s "Protocol error ... Please report this.")', { timeout: 180_000 }, async () => {
    const sockets = new Set<Socket>();
    const http = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => {});
      socket.write('HTTP/1.0 200 OK\r\n\r\nhello\r\n');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', `redis://127.0.0.1:${(http.address() as AddressInfo).port}`, ':::', '1'], { timeout: HUNG_MS });
      assert.equal(result.exitCode, 2);
      assert.equal(result.stdout, '');
      assert.match(String(result.stderr), /^prun: cannot reach the queue at redis:\/\/127\.0\.0\.1:\d+: what answers there does not speak Redis's protocol \(is the port a Redis server\?\)$/);
    } finally {
      for (const socket of sockets) socket.destroy();
      http.close();
    }
  });

  test('redis:// to a Redis that wants TLS (it resets a connection that speaks plain text): the line says rediss://, exit 2 (was: a bare "read ECONNRESET")', { timeout: 180_000 }, async () => {
    // what a TLS-only redis-server does with plain text: its handshake fails, and it closes
    // the connection with the bytes unread, a reset
    const tls = createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    try {
      const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', `redis://127.0.0.1:${(tls.address() as AddressInfo).port}`, ':::', '1'], { timeout: HUNG_MS });
      assert.equal(result.exitCode, 2);
      assert.equal(result.stdout, '');
      assert.match(String(result.stderr), /^prun: cannot reach the queue at redis:\/\/127\.0\.0\.1:\d+: .*ECONNRESET \(a Redis that wants TLS is rediss:\/\/\)$/);
    } finally {
      tls.close();
    }
  });

  test('a Redis out of memory (noeviction) refuses the run: one line, exit 2, nothing ran (was: a stack trace)', { timeout: 180_000 }, async () => {
    const full = await startRedis();
    try {
      // every write is refused from here on: what is used is past the limit
      await full.command('CONFIG', 'SET', 'maxmemory', '1');
      const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', full.url, ':::', '1'], { timeout: HUNG_MS });
      assert.equal(result.exitCode, 2);
      assert.equal(result.stdout, '');
      assert.match(String(result.stderr), /^prun: the queue at redis:\/\/127\.0\.0\.1:\d+ refused the run: OOM command not allowed when used memory > 'maxmemory'\.$/);
    } finally {
      await full.stop();
    }
  });

  test('a Redis that runs out of memory mid-run (noeviction): the run ends in one line, exit 1, what never ran counted (was: it waited for ever, silent)', { timeout: 240_000 }, async () => {
    const full = await startRedis();
    try {
      const worker = startPrunWorker(bin, root, full.url, ['--procs', '1'], {});
      const run = prun(['map', 'fixtures/takes-ms.ts', '--queue', full.url, '--chunksize', '1'], { input: Array.from({ length: 400 }, () => '50\n').join(''), stdin: 'pipe', timeout: 60_000 });
      await waitForLines(run.stdout!, /./);
      await full.command('CONFIG', 'SET', 'maxmemory', '1');
      const result = await run;
      await worker.stop();
      assert.equal(result.exitCode, 1, String(result.stderr));
      const said = lines(String(result.stderr).trimEnd());
      assert.match(said[0]!, /^prun: the queue at redis:\/\/127\.0\.0\.1:\d+ refuse(s writes|d a batch): OOM command not allowed/);
      assert.match(said.at(-1)!, /never ran/);
    } finally {
      await full.stop();
    }
  });

  test('rediss:// to a Redis without TLS: the timeout says that the TLS handshake got no answer, exit 2 (was: a bare "connect ETIMEDOUT")', { timeout: 180_000 }, async () => {
    const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', shared.url.replace(/^redis:/, 'rediss:'), ':::', '1'], { timeout: HUNG_MS });
    assert.equal(result.exitCode, 2);
    assert.match(String(result.stderr), /^prun: cannot reach the queue at rediss:\/\/127\.0\.0\.1:\d+: .*ETIMEDOUT \(no answer to the TLS handshake: a Redis without TLS is redis:\/\/\)$/);
  });

  test('prun worker stopped before it serves (SIGTERM, Ctrl-C while it reaches Redis) holds nothing: it exits 0 at once (was: 143 or 130, killed by the signal)', { timeout: 180_000 }, async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      let reached!: () => void;
      const connected = new Promise<void>((resolve) => (reached = resolve));
      const sockets = new Set<Socket>();
      // it never answers: the worker is still reaching it when the signal comes
      const silent = createServer((socket) => {
        sockets.add(socket);
        reached();
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const child = execa(bin, ['worker', '--queue', `redis://127.0.0.1:${(silent.address() as AddressInfo).port}`], { cwd: root, reject: false, timeout: HUNG_MS });
        await connected;
        child.kill(signal);
        const result = await child;
        assert.equal(result.timedOut, false);
        assert.equal(result.exitCode, 0, `${signal}: ${String(result.stderr)}`);
      } finally {
        for (const socket of sockets) socket.destroy();
        silent.close();
      }
    }
  });

  test('a URL naming a database Redis does not have: one line, exit 2, not a run in database 0', async () => {
    for (const args of [['map', 'fixtures/queue-square.ts', '--queue', `${shared.url}/99`, '--procs', '1', ':::', '1'], ['worker', '--queue', `${shared.url}/99`]]) {
      const result = await prun(args, { timeout: HUNG_MS });
      assert.equal(result.exitCode, 2, args[0]);
      assert.equal(result.stdout, '');
      assert.match(String(result.stderr), /^prun: cannot reach the queue at redis:\/\/127\.0\.0\.1:\d+\/99: [^\n]+$/);
    }
  });

  test('a Redis that refuses the password: one line saying so, exit 2 (was: "Connection is closed.")', async () => {
    const locked = await startRedis(['--requirepass', 'right']);
    try {
      const port = new URL(locked.url).port;
      for (const [url, said] of [[`redis://:wrong@127.0.0.1:${port}`, /WRONGPASS/], [locked.url, /NOAUTH/]] as const) {
        const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', url, ':::', '1'], { timeout: HUNG_MS });
        assert.equal(result.exitCode, 2);
        assert.match(String(result.stderr), new RegExp(`^prun: cannot reach the queue at redis://127\\.0\\.0\\.1:${port}: .*${said.source}`));
      }
    } finally {
      await locked.stop();
    }
  });

  test('a URL that is not redis:// is a usage error', async () => {
    const result = await prun(['map', 'fixtures/queue-square.ts', '--queue', 'http://127.0.0.1:1', ':::', '1']);
    assert.equal(result.exitCode, 2);
    assert.equal(lines(String(result.stderr).trim()).length, 1);
  });

  test('a URL with no host, or a database that is not a number, is a usage error: one line, exit 2 (was: a stack trace, or database 1 for /1.5)', async () => {
    for (const url of ['redis://', `${shared.url}/abc`, `${shared.url}?db=x`, `${shared.url}/1.5`, `${shared.url}/2/x`]) {
      for (const args of [['map', 'fixtures/queue-square.ts', '--queue', url, '--procs', '1', ':::', '1'], ['worker', '--queue', url]]) {
        const result = await prun(args, { timeout: HUNG_MS });
        assert.equal(result.exitCode, 2, `${args[0]} ${url}`);
        assert.equal(result.stdout, '');
        assert.equal(lines(String(result.stderr).trim()).length, 1, String(result.stderr));
      }
    }
  });
});
