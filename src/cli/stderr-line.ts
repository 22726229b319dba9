/**
 * Says one line on stderr: prun's own messages beside a run (a joblog repaired, a worker
 * replaced, a queue that waits). A progress bar on stderr takes it above itself, whole.
 */
export function sayLine(line: string): void {
  process.stderr.write(`${line}\n`);
}
