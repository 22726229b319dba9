import { ARG_SEPARATOR } from '../model/payload.js';
import { blankEmptyGroups, combinationCount, combinations } from './arg-groups.js';
import type { InputSource } from './input-source.js';
import { itemSource } from './item-source.js';

/** A combination's arguments as one input (see ARG_SEPARATOR). */
export function encodeArgs(args: readonly string[]): string {
  return args.join(ARG_SEPARATOR);
}

/**
 * Several `:::` groups as inputs: every combination, first group slowest, as GNU parallel
 * makes them. Made lazily (the product of a few groups can be huge), with the total known
 * from the start, so that the progress bar can show it. An empty group is one empty value
 * among others, as GNU parallel's (`blankEmptyGroups`).
 */
export function combinationSource(groups: readonly (readonly string[])[]): InputSource {
  const total = combinationCount(groups.map((group) => group.length));
  let taken = 0;
  const items = itemSource((function* () {
    for (const args of combinations(blankEmptyGroups(groups, ''))) yield encodeArgs(args);
  })());
  return {
    async take(max, maxBytes) {
      const slice = await items.take(max, maxBytes);
      if (slice) taken += slice.count;
      return slice;
    },
    remaining: () => items.remaining() ?? total - taken,
    close: () => items.close(),
  };
}
