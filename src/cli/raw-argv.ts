import { readFileSync } from 'node:fs';

/**
 * The last `count` arguments of this process as the kernel holds them, bytes and all: Node
 * decodes argv as UTF-8, and what is not UTF-8 is lost in process.argv. Empty where
 * /proc/self/cmdline cannot be read (not Linux): the arguments are then taken as decoded.
 */
export function rawArguments(count: number): Buffer[] {
  const words = procEntries('cmdline');
  return words === undefined || count === 0 ? [] : words.slice(-count);
}

/**
 * The value of environment variable `name` as the kernel gave it to this process, bytes and
 * all (Node decodes the environment as UTF-8, as it does argv); undefined where it is not there
 * or /proc/self/environ cannot be read.
 */
export function rawEnvironment(name: string): Buffer | undefined {
  const prefix = Buffer.from(`${name}=`);
  return procEntries('environ')
    ?.find((entry) => entry.subarray(0, prefix.length).equals(prefix))
    ?.subarray(prefix.length);
}

/** The NUL-ended entries of one of this process's /proc files, as bytes; undefined where it cannot be read. */
function procEntries(file: 'cmdline' | 'environ'): Buffer[] | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(`/proc/self/${file}`);
  } catch {
    return undefined;
  }
  const entries: Buffer[] = [];
  let start = 0;
  for (let end = bytes.indexOf(0, start); end !== -1; end = bytes.indexOf(0, start)) {
    entries.push(bytes.subarray(start, end));
    start = end + 1;
  }
  return entries;
}
