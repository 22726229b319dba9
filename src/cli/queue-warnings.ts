import { isEvictionWarning, ownLibraryWarnings } from '../queue/library-warnings.js';

/**
 * Before a run on the queue: BullMQ's and ioredis's own warnings are said once each, as
 * prun's (queue/library-warnings.ts), on this process only: the library leaves console.warn alone.
 */
export function ownQueueWarnings(): void {
  // the producer says the eviction policy itself, with what to do about it (api/queue-producer.ts)
  ownLibraryWarnings('prun: warning: ', isEvictionWarning);
}
