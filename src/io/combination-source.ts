import { combinations } from './arg-groups.js';
import type { InputSource } from './input-source.js';
import { itemSource } from './item-source.js';

/**
 * NUL joins the arguments of one combination into one input: no argv can hold a NUL, so
 * the executor splits them back exactly.
 */
export const ARG_SEPARATOR = '\0';

export function encodeArgs(args: readonly string[]): string {
  return args.join(ARG_SEPARATOR);
}

/**
 * Several `:::` groups as inputs: every combination, first group slowest, as GNU parallel
 * makes them. Made lazily (the product of a few groups can be huge), with the total known
 * from the start, so that the progress bar can show it.
 */
export function combinationSource(groups: readonly (readonly string[])[]): InputSource {
  const total = groups.length === 0 ? 0 : groups.reduce((product, group) => product * group.length, 1);
  let taken = 0;
  const items = itemSource((function* () {
    for (const args of combinations(groups)) yield encodeArgs(args);
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
