import type { RunningPipeline } from '../engine/pipeline.js';
import type { Delivery } from '../model/delivery.js';
import type { ProgressTracker } from '../progress/tracker.js';

/** What a run may be told to leave out, and whom it tells of settled inputs. */
export interface JournalHooks {
  /**
   * Inputs to leave out (--resume): asked once per input, in input order, with its text (as a
   * joblog row holds it: `input` of a --joblog record) and its index.
   */
  skip?: (input: string, index: number) => boolean;
  /** Deliver a `records` delivery after the output of every settled input (--joblog). */
  journal?: boolean;
}

export interface NoticeHook {
  /**
   * Where the pool's own one-line notices go (`prun: a worker died between inputs …`): the
   * CLI's stderr. The library leaves it unset and prints nothing.
   */
  notice?: (line: string) => void;
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
  /**
   * Settles, with what to show while waiting, once a worker begins the script's setup(): a
   * setup() that takes long is then seen for what it is. Absent when there is none to run.
   */
  settingUp?: Promise<string>;
  /** Settles when every worker the run starts with can take work, or the run ended before that. */
  allReady: Promise<void>;
  /** soon: start no more inputs, let running ones finish (`abortRunning`: their signal aborted); now: end them too. */
  stop(mode: 'soon' | 'now', abortRunning?: boolean): void;
  /**
   * Why running could not go on (setup() failed, workers keep dying at start), once the
   * deliveries have ended: they end normally even then, with what never ran as `skipped`.
   */
  fatalError(): Error | undefined;
  /** Whether inputs are running now, as opposed to the run waiting for input or for a limit. */
  busy(): boolean;
  /**
   * Settles once the run's workers are ended and what it holds elsewhere (a queue's keys) is
   * cleaned up, however the run ended: also after its consumer went away (`| head`).
   */
  finished: Promise<void>;
}

/** How a run is stopped and watched: what a pipeline gives, whatever runs its work. */
export type RunControls = Pick<RunningWork, 'stop' | 'fatalError' | 'busy' | 'finished'>;

/** The pipeline's controls as the run's: every way of starting a run hands them on unchanged. */
export function controlsOf(pipeline: RunningPipeline): RunControls {
  return { stop: pipeline.stop, fatalError: pipeline.fatalError, busy: pipeline.busy, finished: pipeline.finished };
}
