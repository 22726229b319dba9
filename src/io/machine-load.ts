import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';

/**
 * Memory the machine can give to new work now, in bytes: MemAvailable of /proc/meminfo (what
 * the kernel counts as free plus what it can reclaim without swapping), else what Node
 * counts as free.
 */
export function availableMemoryBytes(): number {
  const kb = field(procFile('/proc/meminfo'), /^MemAvailable:\s+(\d+) kB$/m);
  return kb === undefined ? freemem() : kb * 1024;
}

/**
 * The machine's load this instant, as GNU parallel's --load counts it: the processes (and
 * threads) running or ready to run, and those waiting on the disk (states R and D), less
 * the one asking. From /proc/stat's procs_running and procs_blocked, where GNU parallel reads
 * `ps`; undefined where there is no /proc/stat.
 */
export function runningProcesses(): number | undefined {
  const stat = procFile('/proc/stat');
  const running = field(stat, /^procs_running (\d+)$/m);
  const blocked = field(stat, /^procs_blocked (\d+)$/m);
  return running === undefined ? undefined : Math.max(0, running + (blocked ?? 0) - 1);
}

function procFile(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    // not Linux, or no /proc mounted: nothing to read
    return '';
  }
}

function field(text: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(text);
  return match ? Number(match[1]) : undefined;
}
