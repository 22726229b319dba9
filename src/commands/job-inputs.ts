import { ARG_SEPARATOR, type Payload, type Separator, splitPayload } from '../model/payload.js';

/**
 * Each input of a payload as the arguments of its `prun exec` job, in byte strings (see
 * byte-string.ts), as its inputs are from the moment they are read: a combination's (or -N's)
 * arguments joined by NUL split back; a line holding a NUL splits there too, as no shell
 * command could carry it anyway. A `\r` before a newline is kept, as GNU parallel keeps it:
 * the command gets the line as it is.
 */
export function jobArgs(payload: Payload, separator: Separator): string[][] {
  return splitPayload(payload, separator, 'bytes').map((input) => input.split(ARG_SEPARATOR));
}
