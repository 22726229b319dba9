import type { Run } from '../model/run.js';
import { BRAND, type FromWorker, type RunReport } from '../runtime/protocol.js';

/** How reports leave the worker (the loop's transport). */
export interface ReportTransport {
  post(message: FromWorker): void;
  /** Posts, and settles once the message is out of the worker. */
  postOut(message: FromWorker): Promise<void> | void;
}

/** A run whose values structured clone cannot carry, as one that fails those inputs instead. */
export type Repair = (run: Run) => Run;

/**
 * A worker's run reports on their way to the pool. With many async tasks in flight, lanes end
 * together (a turn of the event loop fires many timers, reads many sockets), and a message a
 * report cost both the worker and the main thread a wake-up, a clone and a dispatch each:
 * reports made in one turn wait for its end (setImmediate) and go as one message (20,000
 * timer tasks, --threads 1 --concurrency 100: about 1,000 messages). A report that must be
 * out before an input starts goes at once, behind those waiting, and so does any other message.
 */
export class ReportQueue {
  private waiting: RunReport[] = [];
  private repairs: (Repair | undefined)[] = [];
  private scheduled = false;

  constructor(private readonly transport: ReportTransport) {}

  /** Sent with the others made in this turn of the event loop, at its end. */
  later(report: RunReport, repair?: Repair): void {
    this.add(report, repair);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.atTurnEnd);
  }

  /** Sent now, behind those waiting. */
  now(report: RunReport, repair?: Repair): void {
    this.add(report, repair);
    void this.send(this.transport.post);
  }

  /** Sent now, behind those waiting; settles once it is out of the worker. */
  out(report: RunReport, repair?: Repair): Promise<void> | void {
    this.add(report, repair);
    return this.send(this.transport.postOut);
  }

  /** Sends what waits now: before a message of another kind, which must not overtake it. */
  flush(): void {
    if (this.waiting.length > 0) void this.send(this.transport.post);
  }

  private readonly atTurnEnd = (): void => {
    this.scheduled = false;
    this.flush();
  };

  private add(report: RunReport, repair: Repair | undefined): void {
    this.waiting.push(report);
    this.repairs.push(repair);
  }

  private send(post: (message: FromWorker) => Promise<void> | void): Promise<void> | void {
    const runs = this.waiting;
    const repairs = this.repairs;
    this.waiting = [];
    this.repairs = [];
    try {
      return post({ brand: BRAND, type: 'runs', runs });
    } catch (error) {
      // a value the message cannot carry (a function, a symbol) fails its input, not the worker
      if (!repairs.some((repair) => repair !== undefined)) throw error;
      const repaired = runs.map((report, position) => {
        const repair = repairs[position];
        return repair ? { ...report, ...repair(report) } : report;
      });
      return post({ brand: BRAND, type: 'runs', runs: repaired });
    }
  }
}
