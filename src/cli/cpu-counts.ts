import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** What GNU parallel's --number-of-threads, --number-of-cores and --number-of-sockets print. */
export interface CpuCounts {
  threads: number;
  cores: number;
  sockets: number;
}

/** This machine's counts, for the threads this process may run on (taskset and cgroups count). */
export function machineCpuCounts(): CpuCounts {
  return cpuCounts(readCpuinfo(), availableParallelism());
}

/**
 * CPUs as GNU parallel counts them: the hardware threads there are to run on, physical cores (distinct
 * "physical id" and "core id" pairs of /proc/cpuinfo) and filled sockets (distinct "physical
 * id"s). As GNU parallel's, neither of the last two is more than the threads there are to
 * run on: under `taskset -c 0` all three are 1. Without /proc/cpuinfo's ids (not Linux, some
 * ARM and virtual machines), a thread is a core, and the sockets are one.
 */
export function cpuCounts(cpuinfo: string | undefined, threads: number): CpuCounts {
  const cores = new Set<string>();
  const sockets = new Set<string>();
  for (const block of (cpuinfo ?? '').split(/\n\s*\n/)) {
    const socket = /^physical id\s*:\s*(\S+)/m.exec(block)?.[1];
    const core = /^core id\s*:\s*(\S+)/m.exec(block)?.[1];
    if (socket === undefined || core === undefined) continue;
    sockets.add(socket);
    cores.add(`${socket}:${core}`);
  }
  const physical = Math.min(threads, cores.size || threads);
  return { threads, cores: physical, sockets: Math.min(physical, sockets.size || 1) };
}

function readCpuinfo(): string | undefined {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return undefined;
  }
}
