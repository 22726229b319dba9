// The queue cases' driver: `node queue.mjs prun|raw PRUN FILE WORKERS BATCH [SCRIPT]`. Starts its own
// redis-server on a free loopback port, WORKERS worker processes, runs the producer with
// results to stdout, then ends the workers and Redis by pid. Both modes pay the same set-up.
//   prun: WORKERS `prun worker --procs 1`, and `prun map SCRIPT FILE --queue URL --chunksize BATCH`
//         (SCRIPT: bench/contenders/square.ts unless given; BATCH 'auto' sizes batches as prun does).
//   raw:  WORKERS BullMQ Workers (this file, mode worker), batches of BATCH lines as jobs, each
//         job's returnvalue read back from the completed event: the floor of BullMQ alone.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [mode, ...args] = process.argv.slice(2);
const QUEUE = 'bench-raw';
const WINDOW = 64; // jobs outstanding at once, as prun keeps

if (mode === 'worker') {
  const [url] = args;
  const worker = new Worker(
    QUEUE,
    async (job) => job.data.lines.map((line) => String(Number(line) * Number(line))).join('\n'),
    { connection: quiet(new Redis(url, { maxRetriesPerRequest: null })), concurrency: 1 },
  );
  worker.on('error', () => {});
  process.on('SIGTERM', () => void worker.close(true).then(() => process.exit(0)));
} else {
  const [prun, file, workers, batch, script = 'bench/contenders/square.ts'] = args;
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => (times > 100 ? null : 50) });
  await client.ping();
  const children = [];
  for (let i = 0; i < Number(workers); i++) {
    const argv = mode === 'prun' ? [prun, 'worker', '--queue', url, '--procs', '1'] : [new URL(import.meta.url).pathname, 'worker', url];
    children.push(spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'ignore'] }));
  }
  try {
    if (mode === 'prun') await runPrun(prun, url, file, batch, script);
    else await runRaw(client, url, file, Number(batch));
  } finally {
    await Promise.all(children.map((child) => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM')))));
    client.disconnect();
    redis.kill('SIGTERM');
  }
  // BullMQ's own connections would retry the Redis just ended
  process.exit(0);
}

async function runPrun(prun, url, file, batch, script) {
  const producer = spawn(process.execPath, [prun, 'map', script, file, '--queue', url, '--chunksize', batch, '--no-progress'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise((resolve) => producer.once('exit', resolve));
  if (code !== 0) throw new Error(`prun map exited ${code}`);
}

async function runRaw(connection, url, file, batch) {
  const queue = new Queue(QUEUE, { connection });
  const events = new QueueEvents(QUEUE, { connection: quiet(new Redis(url, { maxRetriesPerRequest: null })) });
  await events.waitUntilReady();
  const done = new Map();
  let next = 0;
  let outstanding = 0;
  let wake;
  events.on('completed', ({ jobId, returnvalue }) => {
    done.set(Number(jobId.slice(1)), returnvalue);
    outstanding--;
    let text = '';
    while (done.has(next)) {
      text += `${done.get(next)}\n`;
      done.delete(next++);
    }
    if (text) process.stdout.write(text);
    wake?.();
  });
  let id = 0;
  let lines = [];
  const add = async () => {
    while (outstanding >= WINDOW) await new Promise((resolve) => (wake = resolve));
    outstanding++;
    await queue.add('b', { lines }, { jobId: `b${id++}`, removeOnComplete: true, removeOnFail: true });
    lines = [];
  };
  for await (const line of createInterface({ input: createReadStream(file) })) {
    lines.push(line);
    if (lines.length === batch) await add();
  }
  if (lines.length > 0) await add();
  while (next < id) await new Promise((resolve) => (wake = resolve));
  await events.close();
  await queue.close();
}

/** Redis is ended at the end of a run: the connections' retries are not news. */
function quiet(redis) {
  redis.on('error', () => {});
  return redis;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
