import { type Batch, cutBatch, type Placement, throttledAgain } from '../../model/batch.js';
import { DueBatches } from './due-batches.js';

/** How many inputs a batch with this placement may hold if placed now (0: no room). */
export type RoomFor = (placement: Placement) => number;

/** What a line gives the pipeline: a batch to submit now, or why not. */
export type Pick = Batch | 'no-room' | undefined;

/** Where batches wait for room. The pipeline takes from one line and knows not which. */
export interface Line {
  /** New input, at the back. */
  add(batch: Batch): void;
  /**
   * A batch to try again: now, or not before `dueAt`, waiting aside until then so that it
   * blocks nothing behind it. `throttled`: it waits on a throttle signal, not on --retries.
   */
  retry(batch: Batch, dueAt: number | undefined, throttled?: boolean): void;
  /**
   * The next batch to submit, cut to the room there is; 'no-room' when one could start but the
   * executor has no room; undefined when nothing may start now (nothing waits, or what waits is
   * not due).
   */
  next(now: number, roomFor: RoomFor): Pick;
  /** When something that waits may become startable without any other event: to set a timer. */
  readonly nextDue: number | undefined;
  /** Inputs waiting, due or not. */
  readonly count: number;
  /** Everything that waits, taken out (the run stops). */
  drain(): Batch[];
}

/** A run without keys that gives up on its throttled inputs (scheduler/run-throttle.ts). */
export interface RunGiveUp {
  givenUp(now: number): boolean;
  /** One throttled input, throttled past the most it may bear: it gives up alone. */
  inputGivenUp(batch: Batch, now: number): boolean;
  gaveUp(batches: Batch[]): void;
}

/**
 * Batches in arrival order, first come first placed; retries with a due time wait aside
 * until then and join the back when due, but a throttled one goes to the front. The line of
 * every run without --key. Once the run has given up on its throttle (`giveUp`), a throttled
 * retry that comes due fails instead, and so does every batch that would start, until an
 * input in flight ends well.
 */
export class WaitingLine implements Line {
  private readonly ready: Batch[] = [];
  private readonly later = new DueBatches();
  private readonly throttled = new Set<Batch>();
  private readyInputs = 0;

  constructor(private readonly giveUp?: RunGiveUp) {}

  add(batch: Batch): void {
    this.ready.push(batch);
    this.readyInputs += batch.count;
  }

  /** Batches placed before all that waits, in their order. */
  private addFirst(batches: Batch[]): void {
    this.ready.unshift(...batches);
    for (const batch of batches) this.readyInputs += batch.count;
  }

  retry(batch: Batch, dueAt: number | undefined, throttled = false): void {
    if (dueAt === undefined) return this.add(batch);
    this.later.add(batch, dueAt);
    if (throttled) this.throttled.add(batch);
  }

  next(now: number, roomFor: RoomFor): Pick {
    const givenUp: Batch[] = [];
    const runGivenUp = this.giveUp?.givenUp(now) === true;
    // a throttled input goes again first, as a key's does (keyed-line.ts): behind what was never
    // started, a run paced after the signal reached it last (was: 25 s later, 200 inputs, and
    // the ordered output held back all that time)
    const first: Batch[] = [];
    for (let due = this.later.takeDue(now); due; due = this.later.takeDue(now)) {
      if (!this.throttled.delete(due)) this.add(due);
      else if (runGivenUp || this.giveUp?.inputGivenUp(due, now)) givenUp.push(due);
      // throttled again, it goes behind what waits, as a key's does (keyed-line.ts)
      else if (throttledAgain(due)) this.add(due);
      else first.push(due);
    }
    this.addFirst(first);
    // given up, the run starts nothing more, as a key that gave up (keyed-line.ts): what would
    // start fails without a try, rather than each input hitting the throttled server once
    // (was: every input read after the give-up started once, and failed on its 429)
    if (runGivenUp && this.ready.length > 0) {
      givenUp.push(...this.ready.splice(0));
      this.readyInputs = 0;
    }
    // one throttled again waits behind the rest, and may come to the front only past the most
    // it may bear: it fails then, not asked again (was: asked once more, 10 s past --max-throttle,
    // a page that had answered Retry-After: 3600)
    while (this.ready[0] && this.giveUp?.inputGivenUp(this.ready[0], now)) {
      const late = this.ready.shift()!;
      this.readyInputs -= late.count;
      givenUp.push(late);
    }
    if (givenUp.length > 0) this.giveUp!.gaveUp(givenUp);
    const head = this.ready[0];
    if (!head) return undefined;
    const room = roomFor(head);
    if (room <= 0) return 'no-room';
    if (head.count <= room) {
      this.readyInputs -= head.count;
      return this.ready.shift();
    }
    // more than the room: the rest keeps its place at the front
    this.ready[0] = cutBatch(head, room, head.count);
    this.readyInputs -= room;
    return cutBatch(head, 0, room);
  }

  get nextDue(): number | undefined {
    return this.later.nextDue;
  }

  get count(): number {
    return this.readyInputs + this.later.count;
  }

  drain(): Batch[] {
    this.readyInputs = 0;
    this.throttled.clear();
    return [...this.ready.splice(0), ...this.later.drain()];
  }
}
