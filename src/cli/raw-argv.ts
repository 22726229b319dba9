import { readFileSync } from 'node:fs';

/**
 * The last `count` arguments of this process as the kernel holds them, bytes and all: Node
 * decodes argv as UTF-8, and what is not UTF-8 is lost in process.argv. Empty where
 * /proc/self/cmdline cannot be read (not Linux): the arguments are then taken as decoded.
 */
export function rawArguments(count: number): Buffer[] {
  let cmdline: Buffer;
  try {
    cmdline = readFileSync('/proc/self/cmdline');
  } catch {
    return [];
  }
  const words: Buffer[] = [];
  let start = 0;
  for (let end = cmdline.indexOf(0, start); end !== -1; end = cmdline.indexOf(0, start)) {
    words.push(cmdline.subarray(start, end));
    start = end + 1;
  }
  return count === 0 ? [] : words.slice(-count);
}
