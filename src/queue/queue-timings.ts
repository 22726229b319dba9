/** The clocks of a run on the queue, which producer and workers must agree on. */

/**
 * Stalled-job recovery: a worker renews its jobs' locks every lockDuration/2; any live
 * worker's checker, every stalledInterval, moves a job whose lock lapsed back to wait. A
 * SIGKILLed machine's batches so run elsewhere within lockDuration + stalledInterval, about
 * 3 s (measured here: 2.7 s with 2000/1000, against 59.7 s with BullMQ's defaults of
 * 30000/30000). The locks are renewed by the worker's main thread, which only relays
 * messages (the user's code runs in the pool's processes or threads), so 2 s does not
 * lapse under load.
 */
export const LOCK_DURATION_MS = 2000;
export const STALLED_INTERVAL_MS = 1000;
/**
 * A batch is handed out again this many times after its worker machine died (BullMQ fails a
 * job on its stall past this count): with 1, a batch whose machine died twice is failed, not
 * handed out again to kill one more machine, and the producer blames what it held.
 */
export const MAX_STALLED_COUNT = 1;

/** A run's keys expire unless its producer refreshes them: a killed producer leaves nothing for long. */
export const RUN_TTL_MS = 120_000;

/**
 * A worker serving a run says so every HEARTBEAT_MS, by Redis's clock (machines' clocks
 * differ); one not heard of for SERVING_WINDOW_MS (it died, or left without saying) no longer
 * counts. Only while the run exists, as reports.
 */
export const HEARTBEAT_MS = 1000;
export const SERVING_WINDOW_MS = 3 * HEARTBEAT_MS;

/**
 * A worker starts no batch of a run whose producer has not beaten for this long (by Redis's
 * clock), until it beats again or the run is ended for its silence (ProducerWatch); and a
 * beat that lay this long on its way to Redis is stale (redis-scripts.ts). Shorter than
 * the outage a producer waits out before it gives up on Redis (OUTAGE_LIMIT_MS): a producer
 * that gave up, reporting what never ran as never ran, is silent by then, however soon Redis
 * answers again (was: its workers started dozens of those inputs in the seconds before they
 * took it for dead, and `--resume` ran them again). Long beside a beat's delay on a loaded
 * machine: a producer that is only slow pauses its workers' starts, nothing more.
 */
export const PRODUCER_SILENCE_MS = 5 * HEARTBEAT_MS;
