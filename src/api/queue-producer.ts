import type { RunningExec, StartExecOptions } from './start-exec.js';
import type { RunningMap, StartRunOptions } from './start-run.js';
import { usageError } from '../errors.js';
import { probe, ProducerQueue } from '../queue/bullmq.js';
import { checkQueueUrl, shownUrl } from '../queue/queue-url.js';
import { sayOutages } from '../queue/outage-notice.js';
import { OUTAGE_LIMIT_MS } from '../queue/queue-executor.js';
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
export async function startRunOnQueue(side: QueueSide, options: StartRunOptions): Promise<RunningMap> {
  refuseMachineLimits(options);
  const say = options.notice ?? (() => {});
  const queue = await connect(side.url, say);
  return saysWhatItWaitsFor(startQueueRun({ ...options, queue, secret: queueSecret(), local: side.local }), side, queue, say);
}

/** `--queue URL` for `prun exec`. */
export async function startExecOnQueue(side: QueueSide, options: StartExecOptions): Promise<RunningExec> {
  refuseMachineLimits(options);
  const say = options.notice ?? (() => {});
  const queue = await connect(side.url, say);
  return saysWhatItWaitsFor(startExecQueueRun({ ...options, queue, secret: queueSecret(), local: side.local }), side, queue, say);
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

/** How often the producer looks at how many workers serve the run. */
const WORKER_CHECK_MS = 1000;

/**
 * Says on stderr, once each time it happens, that nothing serves the run: none yet (off a
 * terminal there is no spinner, and a producer with no `prun worker` anywhere waited in
 * silence), or none any more (an input that kills every machine it runs on took them all,
 * and the run waited for ever without a word: a review).
 */
function sayIfNoWorker(run: RunningMap | RunningExec, url: string, queue: Pick<ProducerQueue, 'health'>, warn: (line: string) => void): void {
  let noneSince = Date.now();
  let said = false;
  const timer = setInterval(() => {
    const { workers, succeeded, failed } = run.tracker;
    // seen serving it, a batch of it started, or an input of it ended (was: by results alone, and
    // a run whose first input killed its machine was said never taken; then by the count of
    // workers alone, and one that handed the run back within a second was said never to have come)
    const served = run.tracker.served || succeeded + failed > 0;
    // a queue that does not answer says nothing of its workers: the run waits for it, and
    // says so if it stays away (was: 'no worker has taken this run' while one ran its inputs)
    if (workers || queue.health.downSince() !== undefined) {
      noneSince = Date.now();
      said = false;
      return;
    }
    if (said || Date.now() - noneSince < NO_WORKER_NOTICE_MS) return;
    said = true;
    const seconds = NO_WORKER_NOTICE_MS / 1000;
    if (!served) warn(`prun: no worker has taken this run in ${seconds} s: start one with prun worker --queue ${url}`);
    else warn(`prun: no worker has served this run for ${seconds} s (those that did have left or died): start one with prun worker --queue ${url}`);
  }, WORKER_CHECK_MS);
  timer.unref();
  void run.finished.finally(() => clearInterval(timer));
}

/** The run, saying on stderr while it waits for Redis, and while it waits for a worker unless it has its own. */
function saysWhatItWaitsFor<Run extends RunningMap | RunningExec>(run: Run, side: QueueSide, queue: Pick<ProducerQueue, 'health'>, warn: (line: string) => void): Run {
  const url = shownUrl(side.url);
  void run.finished.finally(sayOutages(queue.health, url, 'prun', `waiting up to ${OUTAGE_LIMIT_MS / 1000} s for it`, warn));
  if (!side.local) sayIfNoWorker(run, url, queue, warn);
  return run;
}

async function connect(url: string, warn: (line: string) => void): Promise<ProducerQueue> {
  checkQueueUrl(url);
  await probe(url);
  const queue = new ProducerQueue(url);
  const policy = await queue.evictionPolicy().catch(async (error: unknown) => {
    await queue.close();
    throw error;
  });
  if (policy !== 'noeviction') {
    warn(`prun: warning: ${shownUrl(url)} has maxmemory-policy ${policy}: under memory pressure Redis may evict jobs; set it to noeviction`);
  }
  return queue;
}
