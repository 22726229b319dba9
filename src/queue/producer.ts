import type { RunningMap, StartRunOptions } from '../api/start-run.js';
import { checkQueueUrl, probe, ProducerQueue, shownUrl } from './bullmq.js';
import { queueSecret } from './sign.js';
import { startQueueRun } from './start-queue-run.js';

/**
 * `--queue URL` for a script: the URL is checked and reached first, so that a bad one is a
 * usage error within seconds (exit 2) rather than a run that waits for a Redis that is not there.
 */
export async function startRunOnQueue(url: string, options: StartRunOptions, warn: (line: string) => void): Promise<RunningMap> {
  checkQueueUrl(url);
  await probe(url);
  const queue = new ProducerQueue(url);
  const policy = await queue.evictionPolicy();
  if (policy !== 'noeviction') {
    warn(`prun: warning: ${shownUrl(url)} has maxmemory-policy ${policy}: under memory pressure Redis may evict jobs; set it to noeviction`);
  }
  return startQueueRun({ ...options, queue, secret: queueSecret() });
}
