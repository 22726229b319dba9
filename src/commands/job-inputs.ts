import { ARG_SEPARATOR, type Payload, type Separator, splitPayload, withNulWritten } from '../model/payload.js';

/** Said once a run when an input held a NUL, which no argument can hold: GNU parallel's answer, and its hint. */
export const NUL_REPLACED = 'prun: a NUL character in the input was replaced with \\0: an argument cannot hold one (did you mean -0, --null?)\n';

/**
 * Each input of a payload as the arguments of its `prun exec` job, in byte strings (see
 * byte-string.ts), as its inputs are from the moment they are read: a combination's (or -N's)
 * arguments, read into an array, joined by NUL, split back; a line read as it is (a byte
 * payload) is one argument, a NUL in it written `\0` as GNU parallel writes it, and `onNul`
 * told (was: split there, a job of two arguments, silently). A `\r` before a newline is
 * kept, as GNU parallel keeps it: the command gets the line as it is.
 */
export function jobArgs(payload: Payload, separator: Separator, onNul?: () => void): string[][] {
  const inputs = splitPayload(payload, separator, 'bytes');
  if (Array.isArray(payload)) return inputs.map((input) => input.split(ARG_SEPARATOR));
  return inputs.map((input) => {
    if (!input.includes('\0')) return [input];
    onNul?.();
    return [withNulWritten(input)];
  });
}
