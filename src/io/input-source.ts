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
  /** Stops reading and lets go of files. */
  close(): void;
}

const NEVER = new Promise<void>(() => {});

/** The sources one after the other, as one. */
export function concatSources(sources: readonly InputSource[]): InputSource {
  let position = 0;
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
      // only the last source's end is the end of the input
      if (position < sources.length - 1) return undefined;
      return position === sources.length ? 0 : sources[position]!.remaining();
    },
    heldInputs() {
      // the others are not opened before their turn: only the current one holds any
      return sources[position]?.heldInputs?.() ?? 0;
    },
    seekEnd() {
      for (const source of sources) source.seekEnd?.();
    },
    endSeen() {
      // the last source is opened in its turn only: once its end is seen, it is the one read
      return sources.at(-1)?.endSeen?.() ?? NEVER;
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
