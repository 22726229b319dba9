import type { WorkerConfig } from '../runtime/protocol.js';

/**
 * Whether a worker keeps its heap small (runtime/young-generation.ts, runtime/heap-governor.ts).
 * Only a worker of one task at a time does. One that runs many async tasks at once holds the
 * state of all of them (a fetch's request, socket and streams, a hundred times over): its old
 * generation grows past the governor's slack with every round of requests, and the full
 * collections forced that often cost it more than its own work. 10,000 fetches of a local
 * page, --threads 1 --concurrency 100: 31 to 40 forced collections and 7.8 to 11.4 s of user
 * CPU, against 5.5 to 5.9 s without them; 20,000 with --procs 1: 12.2 s against 8.3 s.
 * The price is memory, which V8's own limits bound and which levels off: --threads 4
 * --concurrency 25, peak RSS 163 MB for 2,000 fetches, 299 MB for 20,000 (176 MB with the
 * governor), 330 MB for 60,000.
 */
export function keepsHeapSmall(config: WorkerConfig): boolean {
  return config.concurrency === 1;
}
