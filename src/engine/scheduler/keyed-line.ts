import { type Batch, throttledAgain } from '../../model/batch.js';
import { payloadSize } from '../../model/payload.js';
import { DueBatches } from './due-batches.js';
import type { KeyLimits } from './key-limits.js';
import { Timeline } from './timeline.js';
import type { Line, Pick, RoomFor } from './waiting-line.js';

/**
 * Batches of one input, each with a key (--key), in a queue per key. Keys take turns, and a
 * key that must wait (its rate, its running inputs, a backoff) is set aside until it may
 * start again: it never holds a worker and never blocks another key. A key is looked at only
 * when its turn comes, so a placement costs a few heap steps however many keys wait.
 */
export class KeyedLine implements Line {
  private readonly queues = new Map<string, Batch[]>();
  /** Each key's next turn: when it may next be able to start an input; ties in arrival order, so keys take turns. */
  private readonly turns = new Timeline<string>();
  /** Keys with a turn in `turns`, so that none is there twice. */
  private readonly queued = new Set<string>();
  /** Keys waiting for one of their running inputs to end (--key-concurrency, a slow start). */
  private readonly parked = new Set<string>();
  /** When parked keys may start all the same (KeyLimits.stallAt); stale once the key is no longer parked. */
  private readonly stalls = new Timeline<string>();
  /** Retries not due yet (--retry-delay), out of their keys' queues until then. */
  private readonly later = new DueBatches();
  private readonly running = new Map<number, { key: string; startedAt: number }>();
  private inputs = 0;
  /** What the inputs waiting in the queues hold (payloadSize): reading ahead stops at a bound of it. */
  private size = 0;
  private lastNow = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly limits: KeyLimits,
    /** The key has been throttled too long: these, its waiting inputs, fail. */
    private readonly onGivenUp: (key: string, batches: Batch[]) => void,
  ) {}

  add(batch: Batch): void {
    this.queue(batch.key ?? '').push(batch);
    this.inputs += batch.count;
    this.size += payloadSize(batch.payload);
    this.wake(batch.key ?? '', this.lastNow);
  }

  /**
   * A retry goes to the front of its key's queue, when due: the key's own limits hold it. One
   * throttled again goes to the back (Batch.throttles): was, a page that always answered 503
   * took each of its key's starts, the key never ended a try cleanly, and its other inputs
   * failed ERR_THROTTLED at --max-throttle without ever being tried.
   */
  retry(batch: Batch, dueAt: number | undefined): void {
    if (dueAt !== undefined) {
      this.later.add(batch, dueAt);
      return;
    }
    if (throttledAgain(batch)) this.queue(batch.key ?? '').push(batch);
    else this.queue(batch.key ?? '').unshift(batch);
    this.inputs += batch.count;
    this.size += payloadSize(batch.payload);
    this.wake(batch.key ?? '', this.lastNow);
  }

  next(now: number, roomFor: RoomFor): Pick {
    this.lastNow = now;
    for (let due = this.later.takeDue(now); due; due = this.later.takeDue(now)) this.retry(due, undefined);
    for (let key = this.stalls.takeDue(now); key !== undefined; key = this.stalls.takeDue(now)) {
      if (this.parked.delete(key)) this.wake(key, now);
    }
    for (let key = this.turns.takeDue(now); key !== undefined; key = this.turns.takeDue(now)) {
      this.queued.delete(key);
      const queue = this.queues.get(key);
      if (!queue) continue;
      if (this.limits.givenUp(key, now)) {
        this.queues.delete(key);
        for (const batch of queue) this.taken(batch);
        this.onGivenUp(key, queue);
        continue;
      }
      const wait = this.limits.wait(key, now);
      if (wait === Number.POSITIVE_INFINITY) {
        this.parked.add(key);
        const stall = this.limits.stallAt?.(key, now);
        if (stall !== undefined) this.stalls.add(key, stall);
        continue;
      }
      if (wait > 0) {
        this.turn(key, now + wait);
        continue;
      }
      const batch = queue[0]!;
      if (roomFor(batch) <= 0) {
        // it keeps its place: the key that was first when the workers filled up is first when
        // one frees up (was: put last, keys swapped places at every look, whoever came first)
        this.queued.add(key);
        this.turns.putBack();
        return 'no-room';
      }
      queue.shift();
      this.taken(batch);
      if (queue.length === 0) this.queues.delete(key);
      else this.turn(key, now); // behind the keys already due: keys take turns
      this.running.set(batch.id, { key, startedAt: this.limits.started(key, now) });
      return batch;
    }
    return undefined;
  }

  /** A batch this line gave out went to a worker that has reported nothing yet (Executor.submit). */
  placedCold(batch: Batch): void {
    const start = this.running.get(batch.id);
    if (start) this.limits.coldStart?.(start.key, start.startedAt);
  }

  /**
   * A batch this line gave out has ended (ran, failed or was lost), told before any retry of
   * it: its key's limits learn of it, and a key waiting for room may go on.
   */
  ended(batch: Batch, now: number, throttle?: { retryAfterMs: number | undefined }): void {
    const start = this.running.get(batch.id);
    if (!start) return;
    this.running.delete(batch.id);
    this.limits.ended(start.key, start.startedAt, now, throttle);
    if (this.parked.delete(start.key)) this.wake(start.key, now);
  }

  get nextDue(): number | undefined {
    const times = [this.turns.nextAt, this.later.nextDue, this.stalls.nextAt].filter((at) => at !== undefined);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  get count(): number {
    return this.inputs + this.later.count;
  }

  /** What the inputs waiting in the queues hold, about (payloadSize). */
  get waitingSize(): number {
    return this.size;
  }

  /** Inputs waiting on a key that backs off after a throttle signal. */
  throttledCount(now: number): number {
    if (!this.limits.isThrottled) return 0;
    let count = 0;
    for (const [key, queue] of this.queues) if (this.limits.isThrottled(key, now)) count += queue.length;
    return count;
  }

  drain(): Batch[] {
    const batches = [...[...this.queues.values()].flat(), ...this.later.drain()];
    this.queues.clear();
    this.queued.clear();
    this.parked.clear();
    this.turns.drain();
    this.stalls.drain();
    this.inputs = 0;
    this.size = 0;
    return batches;
  }

  /** A batch leaves the queues. */
  private taken(batch: Batch): void {
    this.inputs -= batch.count;
    this.size -= payloadSize(batch.payload);
  }

  private queue(key: string): Batch[] {
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = []));
    return queue;
  }

  /** Gives a key a turn at `at`, unless it has one or waits for an end of its own. */
  private wake(key: string, at: number): void {
    if (!this.queued.has(key) && !this.parked.has(key)) this.turn(key, at);
  }

  /** Gives a key its next turn at `at`: it has none now (just taken from the heap). */
  private turn(key: string, at: number): void {
    this.queued.add(key);
    this.turns.add(key, at);
  }
}
