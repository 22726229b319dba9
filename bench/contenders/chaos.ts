// The script of the faults case: x => x*x, but each start of a task kills its own worker with
// probability PRUN_CHAOS_P, on every attempt: SIGKILL in a forked worker, process.exit in a
// thread (a thread cannot be sent a signal of its own). Each death is first recorded in
// PRUN_CHAOS_LOG, so the report can say how many deaths a run survived.
import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const probability = Number(process.env.PRUN_CHAOS_P ?? '0');
const log = process.env.PRUN_CHAOS_LOG;

export default function square(line: string): string {
  if (Math.random() < probability) {
    if (log) appendFileSync(log, `${line}\n`);
    if (isMainThread) process.kill(process.pid, 'SIGKILL');
    process.exit(70);
  }
  const x = Number(line);
  return String(x * x);
}
