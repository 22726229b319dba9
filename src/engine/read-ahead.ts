import type { Executor } from '../model/executor.js';
import type { AutoBatchSize } from './auto-batch.js';

/** Settled inputs the consumer has not taken yet, in batches per executor slot. */
const WINDOW_BATCHES = 4;
/**
 * Bytes of output settled but not taken by the consumer (in memory, or in files that are
 * memory too in /dev/shm), and of inputs not yet settled, past which no more inputs start: a count of
 * inputs alone lets a few big outputs or inputs pile up behind a stalled reader. A single
 * input bigger than this still runs.
 */
const WINDOW_BYTES = 64 * 1024 * 1024;
/**
 * Inputs read ahead under --key: room for other keys to go on while some keys wait on their
 * limits, so that one throttled host does not stall a crawl of many. Small inputs (URLs), so
 * memory stays a few MB.
 */
const KEYED_WINDOW = 4096;
/**
 * What the inputs waiting for their keys may hold, read past the workers' room: 4096 URLs
 * are a few hundred KB, 4096 lines of 20 KB 80 MB (a review: 185 MB of memory, not 72).
 */
const KEYED_WAITING_SIZE = 8 * 1024 * 1024;

/**
 * How far input is read ahead of the consumer: inputs taken but whose results the consumer
 * has not taken yet are bounded, so memory stays flat on endless input and a slow consumer
 * slows the reading.
 */
export class ReadAhead {
  constructor(
    private readonly keyed: boolean,
    private readonly executor: Pick<Executor, 'capacity'>,
    private readonly batches: Pick<AutoBatchSize, 'size' | 'inputBytes'>,
  ) {}

  /**
   * Whether input is read on while the workers have no room: under --key, so that the keys
   * take turns, the line must know them before a worker frees up, while what waits is small.
   */
  readsPastRoom(waitingSize: number): boolean {
    return this.keyed && waitingSize < KEYED_WAITING_SIZE;
  }

  /**
   * How many more inputs may be taken, with `outstanding` inputs taken and not released to the
   * consumer, `heldBytes` of output settled but not taken (a library caller's inputs kept with
   * their outcomes among it), and `unsettled` inputs taken and not settled: 0 when the window
   * is full.
   */
  room(outstanding: number, heldBytes: number, unsettled: number): number {
    if (heldBytes >= WINDOW_BYTES) return 0;
    const size = this.keyed ? KEYED_WINDOW : Math.max(64, WINDOW_BATCHES * this.executor.capacity * this.batches.size);
    // the inputs not settled count too, by their size (those settled are let go, or held with
    // their outcomes in heldBytes); but never fewer than the executor holds when full, however
    // big (8 workers run 8 inputs of 20 MB at once, not 3): what runs is in memory anyway
    const perInput = this.batches.inputBytes;
    const fit = perInput > 0 ? Math.max(this.executor.capacity, Math.floor((WINDOW_BYTES - heldBytes) / perInput)) - unsettled : size;
    return Math.max(0, Math.min(size - outstanding, fit));
  }
}
