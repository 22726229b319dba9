import type { Delivery } from '../engine/delivery.js';
import type { ProgressTracker } from '../progress/tracker.js';

/** What a run may be told to leave out, and whom it tells of settled inputs. */
export interface JournalHooks {
  /** Inputs to leave out (--resume). */
  skip?: (index: number) => boolean;
  /** Deliver a `records` delivery after the output of every settled input (--joblog). */
  journal?: boolean;
}

/** A run under way, whatever runs the work: its deliveries in output order, and its counts. */
export interface RunningWork {
  deliveries: AsyncIterable<Delivery>;
  /**
   * How the deliveries' text is to be written: 'latin1' when each character stands for one
   * byte (the output of shell commands, which need not be UTF-8).
   */
  encoding: 'utf8' | 'latin1';
  tracker: ProgressTracker;
  /** Settles when the first worker can take work, or the run ended before that. */
  ready: Promise<void>;
  /** Settles when every worker the run starts with can take work, or the run ended before that. */
  allReady: Promise<void>;
  /** soon: start no more inputs, let running ones finish; now: end them too. */
  stop(mode: 'soon' | 'now'): void;
}
