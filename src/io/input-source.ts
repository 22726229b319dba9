import type { Origin } from '../model/batch.js';
import type { Payload, Separator } from '../model/payload.js';

/** Consecutive inputs taken from a source; never spans two files. */
export interface Slice {
  payload: Payload;
  /** What ends each input of a byte payload. */
  separator: Separator;
  count: number;
  origin: Origin | undefined;
}

/**
 * A stream of inputs that hands them out in slices, read lazily: nothing is read before it is
 * asked for, beyond one read-ahead buffer.
 */
export interface InputSource {
  /**
   * Up to `max` inputs and about `maxBytes` bytes (at least one input), as soon as one is
   * available; null at the end.
   */
  take(max: number, maxBytes: number): Promise<Slice | null>;
  /** Inputs not yet taken, once the end of the input has been seen. */
  remaining(): number | undefined;
  /**
   * Whole inputs read ahead and not yet taken, whether or not the end has been seen: what a
   * stop leaves unrun of an input that cannot be read again (a pipe whose writer is still there).
   */
  heldInputs?(): number;
  /**
   * Settles once the end of the input has been read ahead, when remaining() has become known
   * (never, for an input whose end is not read ahead): the total is shown then, not at the
   * next take, which may be a long task away.
   */
  endSeen?(): Promise<void>;
  /**
   * Someone wants the total (a progress bar, a --halt percentage): a stream is read ahead
   * further, within a fixed bound, to find its end. Without it a stream is read only a few
   * reads ahead, and its total is known only near its end.
   */
  seekEnd?(): void;
  /**
   * Starts reading now, before the first take, so that a short input's end (and remaining())
   * may be known before it is asked for: the pool then starts no more workers than inputs.
   */
  prefetch?(): void;
  /**
   * How many inputs it holds in all, counted by a read of its own before it is opened: a
   * regular file's lines (undefined for anything else, which a second reader would take
   * lines from). Lets the total be known while a pipe before it is read (concatSources).
   */
  countAhead?(): Promise<number | undefined>;
  /** Whether countAhead can count it: it is a regular file (which the CLI's own counter counts too). */
  countable?(): Promise<boolean>;
  /** Stops reading and lets go of files. */
  close(): void;
}

const NEVER = new Promise<void>(() => {});

/**
 * The sources one after the other, as one. Its total is known once the current source's end
 * is and every later one has been counted ahead (a regular file): `<(seq 3000) file.txt`
 * shows its total while the pipe is read, not once the file's turn comes (was: half-way).
 */
export function concatSources(sources: readonly InputSource[]): InputSource {
  let position = 0;
  /** What each source counted ahead holds, once counted; undefined until then, or when it cannot be. */
  const counted: (number | undefined)[] = [];
  /**
   * Counts the sources after the first, one at a time, when the first cannot be counted (a
   * pipe): whether all could be. When it can, all regular, the caller's counter counts them
   * (inputCounter), and a second read of each would only cost.
   */
  const countLater = async (): Promise<boolean> => {
    if (await sources[0]!.countable?.().catch(() => false)) return false;
    for (let i = 1; i < sources.length; i++) {
      counted[i] = await sources[i]!.countAhead?.().catch(() => undefined);
      if (counted[i] === undefined) return false;
    }
    return true;
  };
  return {
    async take(max, maxBytes) {
      while (position < sources.length) {
        const slice = await sources[position]!.take(max, maxBytes);
        if (slice) return slice;
        position++;
      }
      return null;
    },
    remaining() {
      if (position === sources.length) return 0;
      let left = sources[position]!.remaining();
      // the later sources' counts, where they are known (counted ahead)
      for (let i = position + 1; i < sources.length && left !== undefined; i++) left = counted[i] === undefined ? undefined : left + counted[i]!;
      return left;
    },
    heldInputs() {
      // the others are not opened before their turn: only the current one holds any
      return sources[position]?.heldInputs?.() ?? 0;
    },
    seekEnd() {
      for (const source of sources) source.seekEnd?.();
    },
    endSeen() {
      // the first source's end, if every later one can be counted ahead; else the last source's,
      // which is opened in its turn only: once its end is seen, it is the one read
      if (sources.length <= 1) return sources[0]?.endSeen?.() ?? NEVER;
      return countLater().then((all) => (all ? (sources[0]!.endSeen?.() ?? NEVER) : (sources.at(-1)!.endSeen?.() ?? NEVER)));
    },
    prefetch() {
      // the others are not opened before their turn
      sources[position]?.prefetch?.();
    },
    close() {
      for (const source of sources) source.close();
    },
  };
}
