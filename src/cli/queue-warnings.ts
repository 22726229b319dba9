/**
 * Before a run on the queue: BullMQ's and ioredis's own warnings are said once each, as
 * prun's (queue/bullmq.ts), on this process only: the library leaves console.warn alone.
 */
export async function ownQueueWarnings(): Promise<void> {
  const { isEvictionWarning, ownLibraryWarnings } = await import('../queue/bullmq.js');
  // the producer says the eviction policy itself, with what to do about it (api/queue-producer.ts)
  ownLibraryWarnings('prun: warning: ', isEvictionWarning);
}
