import type { Held, Ledger } from './ledger.js';
import type { SlotState } from './lifecycle.js';

/** What a pick looks at in a slot. */
export interface Pickable {
  readonly state: SlotState;
  readonly ledger: Ledger<Held>;
}

/**
 * Of the ready slots that are `open` (say, have tasks left), the one holding the fewest
 * batches that may take one more: a batch that must run `alone` (suspects of a worker death)
 * takes only an empty slot; else a slot takes batches up to `limit`, and none while it holds
 * a batch that runs alone. Ties go to the first slot. Runs for every batch: no allocation.
 */
export function leastLoaded<S extends Pickable>(slots: Iterable<S>, alone: boolean, limit: number, open?: (slot: S) => boolean): S | undefined {
  let best: S | undefined;
  let bestLoad = 0;
  for (const slot of slots) {
    if (slot.state !== 'ready') continue;
    const ledger = slot.ledger;
    const load = ledger.load;
    if (alone ? load !== 0 : ledger.holdsIsolated || load >= limit) continue;
    if (best !== undefined && load >= bestLoad) continue;
    if (open !== undefined && !open(slot)) continue;
    best = slot;
    bestLoad = load;
  }
  return best;
}
