import type { RunningExec, StartExecOptions } from './start-exec.js';
import type { RunningMap, StartRunOptions } from './start-run.js';
import { usageError } from '../errors.js';
import { probe, ProducerQueue } from '../queue/bullmq.js';
import { checkQueueUrl, shownUrl } from '../queue/queue-url.js';
import { queueSecret } from '../queue/sign.js';
import type { MachineLimitOptions } from './machine-limits.js';
import { startExecQueueRun } from './start-queue-exec.js';
import { startQueueRun } from './start-queue-run.js';

/** Whether the producer runs workers of its own beside the queue: only when asked (`--procs N`). */
export interface QueueSide {
  url: string;
  local: boolean;
}

/**
 * `--queue URL` for a script: the URL is checked and reached first, so that a bad one is a
 * usage error within seconds (exit 2) rather than a run that waits for a Redis that is not there.
 */
export async function startRunOnQueue(side: QueueSide, options: StartRunOptions, warn: (line: string) => void): Promise<RunningMap> {
  refuseMachineLimits(options);
  const queue = await connect(side.url, warn);
  return sayIfNoWorker(startQueueRun({ ...options, queue, secret: queueSecret(), local: side.local }), side, queue, warn);
}

/** `--queue URL` for `prun exec`. */
export async function startExecOnQueue(side: QueueSide, options: StartExecOptions, warn: (line: string) => void): Promise<RunningExec> {
  refuseMachineLimits(options);
  const queue = await connect(side.url, warn);
  return sayIfNoWorker(startExecQueueRun({ ...options, queue, secret: queueSecret(), local: side.local }), side, queue, warn);
}

/**
 * --memfree and --load look at the machine they run on: here the producer's, which runs
 * nothing but what its own lanes take, so they would hold back the whole queue for it.
 */
function refuseMachineLimits(options: MachineLimitOptions): void {
  if (options.memFree !== undefined || options.load !== undefined) {
    throw usageError('--memfree and --load do not go with --queue: they would measure this machine, not the ones that run the inputs');
  }
}

/** How long a run may have no worker before the producer says what it waits for. */
const NO_WORKER_NOTICE_MS = 10_000;

/**
 * Says once, on stderr, that nothing serves the run yet: off a terminal there is no spinner,
 * and a producer with no `prun worker` anywhere waited in silence.
 */
function sayIfNoWorker<Run extends RunningMap | RunningExec>(run: Run, side: QueueSide, queue: Pick<ProducerQueue, 'health'>, warn: (line: string) => void): Run {
  if (side.local) return run;
  const timer = setTimeout(() => {
    const { workers, succeeded, failed } = run.tracker;
    // a queue that does not answer says nothing of its workers: the run waits for it, and
    // says so if it stays away (was: 'no worker has taken this run' while one ran its inputs)
    if (queue.health.downSince() !== undefined) return;
    if (!workers && succeeded + failed === 0) warn(`prun: no worker has taken this run in ${NO_WORKER_NOTICE_MS / 1000} s: start one with prun worker --queue ${shownUrl(side.url)}`);
  }, NO_WORKER_NOTICE_MS);
  timer.unref();
  void run.finished.finally(() => clearTimeout(timer));
  return run;
}

async function connect(url: string, warn: (line: string) => void): Promise<ProducerQueue> {
  checkQueueUrl(url);
  await probe(url);
  const queue = new ProducerQueue(url);
  const policy = await queue.evictionPolicy();
  if (policy !== 'noeviction') {
    warn(`prun: warning: ${shownUrl(url)} has maxmemory-policy ${policy}: under memory pressure Redis may evict jobs; set it to noeviction`);
  }
  return queue;
}
