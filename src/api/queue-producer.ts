import type { RunningExec, StartExecOptions } from './start-exec.js';
import type { RunningMap, StartRunOptions } from './start-run.js';
import { checkQueueUrl, probe, ProducerQueue, shownUrl } from '../queue/bullmq.js';
import { queueSecret } from '../queue/sign.js';
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
  return startQueueRun({ ...options, queue: await connect(side.url, warn), secret: queueSecret(), local: side.local });
}

/** `--queue URL` for `prun exec`. */
export async function startExecOnQueue(side: QueueSide, options: StartExecOptions, warn: (line: string) => void): Promise<RunningExec> {
  return startExecQueueRun({ ...options, queue: await connect(side.url, warn), secret: queueSecret(), local: side.local });
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
