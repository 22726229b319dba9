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

/**
 * The value of environment variable `name` as the kernel gave it to this process, bytes and
 * all (Node decodes the environment as UTF-8, as it does argv); undefined where it is not there
 * or /proc/self/environ cannot be read.
 */
export function rawEnvironment(name: string): Buffer | undefined {
  let environ: Buffer;
  try {
    environ = readFileSync('/proc/self/environ');
  } catch {
    return undefined;
  }
  const prefix = Buffer.from(`${name}=`);
  for (let start = 0; start < environ.length; ) {
    const end = environ.indexOf(0, start);
    const entry = environ.subarray(start, end === -1 ? environ.length : end);
    if (entry.subarray(0, prefix.length).equals(prefix)) return entry.subarray(prefix.length);
    if (end === -1) break;
    start = end + 1;
  }
  return undefined;
}
