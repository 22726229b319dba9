import type { Delivery } from '../model/delivery.js';
import type { InputSource } from '../io/input-source.js';

/**
 * A library caller's inputs by index, from when the run takes them until their outcome is
 * yielded, so that an outcome gives back the very value it was made from. The run numbers
 * inputs in the order it takes them, and takes no more than its window holds: so does this.
 */
export class InputLedger {
  private readonly inputs = new Map<number, unknown>();
  private taken = 0;

  /** The source, with every input it hands out recorded, and handed out as `convert` makes it. */
  watch(source: InputSource, convert?: (input: unknown) => unknown): InputSource {
    return {
      take: async (max, maxBytes) => {
        const slice = await source.take(max, maxBytes);
        if (!slice || !Array.isArray(slice.payload)) return slice;
        for (const input of slice.payload) this.inputs.set(this.taken++, input);
        return convert ? { ...slice, payload: slice.payload.map(convert) } : slice;
      },
      remaining: () => source.remaining(),
      seekEnd: () => source.seekEnd?.(),
      prefetch: () => source.prefetch?.(),
      endSeen: source.endSeen && (() => source.endSeen!()),
      close: () => source.close(),
    };
  }

  /** The input at `index`, let go of. */
  take(index: number): unknown {
    const input = this.inputs.get(index);
    this.inputs.delete(index);
    return input;
  }

  /** Lets go of the inputs a delivery settles without an outcome (they never ran). */
  forget(delivery: Delivery): void {
    for (let index = delivery.first; index < delivery.first + delivery.count; index++) this.inputs.delete(index);
  }
}
