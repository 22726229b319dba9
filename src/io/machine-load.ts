import { readdirSync, readFileSync } from 'node:fs';
import { freemem } from 'node:os';

/**
 * Memory the machine can give to new work now, in bytes: MemAvailable of /proc/meminfo (what
 * the kernel counts as free plus what it can reclaim without swapping), else what Node
 * counts as free.
 */
export function availableMemoryBytes(): number {
  const kb = /^MemAvailable:\s+(\d+) kB$/m.exec(procFile('/proc/meminfo') ?? '');
  return kb ? Number(kb[1]) * 1024 : freemem();
}

/** /proc/<pid>/stat's flags: the task is a kernel thread (include/linux/sched.h). */
const PF_KTHREAD = 0x00200000;

/**
 * The machine's load this instant, as GNU parallel's --load counts it on Linux (`ps axH -o
 * state,command`): the threads running or ready to run (R) and those waiting on the disk (D),
 * kernel threads left out. Read from /proc/<pid>/task/<tid>/stat, so in a container it counts
 * the container's processes, as `ps` does there; /proc/stat's procs_running there counts the
 * whole host's, and a busy host would hold back every start. The asking process is left out
 * whole, as GNU parallel leaves out its `ps`: its own helper threads (V8's, woken by this very
 * count) made `--load 2` run one job at a time. Undefined where there is no /proc.
 */
export function runningProcesses(root = '/proc', self = process.pid): number | undefined {
  const pids = directory(root);
  if (pids === undefined) return undefined;
  let count = 0;
  for (const pid of pids) {
    if (!isId(pid) || Number(pid) === self) continue;
    // a process that ended between the listing and the read has no tasks left to count
    for (const tid of directory(`${root}/${pid}/task`) ?? []) {
      if (isLoad(procFile(`${root}/${pid}/task/${tid}/stat`))) count += 1;
    }
  }
  return count;
}

/** Whether this system lists its processes in /proc, where runningProcesses() counts them. */
export function canCountProcesses(root = '/proc'): boolean {
  return directory(root) !== undefined;
}

/** proc(5): "pid (comm) state ppid pgrp session tty_nr tpgid flags ...", comm free to hold spaces and parentheses. */
function isLoad(stat: string | undefined): boolean {
  if (stat === undefined) return false;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  return (state === 'R' || state === 'D') && (Number(fields[6]) & PF_KTHREAD) === 0;
}

function isId(name: string): boolean {
  return name.charCodeAt(0) >= 48 && name.charCodeAt(0) <= 57;
}

function directory(path: string): string[] | undefined {
  try {
    return readdirSync(path);
  } catch {
    // not Linux, no /proc mounted, or the process is gone
    return undefined;
  }
}

function procFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    // not Linux, no /proc mounted, or the process is gone
    return undefined;
  }
}
