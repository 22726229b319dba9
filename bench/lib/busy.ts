// How busy the machine is with *other* work, measured over a short quiet window before each case:
// the load average alone cannot tell a stray process spinning on a core from our own workers.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** More than this share of the CPU busy with other work makes a case's numbers suspect. */
export const BUSY_THRESHOLD = 0.1;

export interface Busy {
  /** Share of all cores not idle during the window, 0..1. */
  fraction: number;
  /** Processes that used at least a fifth of a core, busiest first. */
  hogs: Array<{ pid: number; cpu: number; command: string }>;
}

function cpuTimes(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { idle, total: fields.reduce((a, b) => a + b, 0) };
}

function processTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(f[11]) + Number(f[12])); // utime + stime
    } catch {
      // gone
    }
  }
  return ticks;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim().slice(0, 100);
  } catch {
    return '?';
  }
}

export async function measureBusy(windowMs = 1000): Promise<Busy> {
  const [c0, p0] = [cpuTimes(), processTicks()];
  await sleep(windowMs);
  const [c1, p1] = [cpuTimes(), processTicks()];
  const fraction = 1 - (c1.idle - c0.idle) / Math.max(1, c1.total - c0.total);
  // /proc/stat counts ticks of all cores: a window of T seconds holds T * 100 * cores ticks (USER_HZ=100).
  const ticksPerCore = (c1.total - c0.total) / availableParallelism();
  const hogs = [...p1]
    .map(([pid, t]) => ({ pid, cpu: (t - (p0.get(pid) ?? t)) / Math.max(1, ticksPerCore) }))
    .filter((h) => h.pid !== process.pid && h.cpu >= 0.2)
    .sort((a, b) => b.cpu - a.cpu)
    .map((h) => ({ ...h, command: commandOf(h.pid) }));
  return { fraction, hogs };
}

/** Measures until the machine is quiet (at most `threshold` busy) or `maxWaitMs` has passed. */
export async function waitQuiet(threshold: number, maxWaitMs: number, log: (line: string) => void): Promise<Busy> {
  const deadline = performance.now() + maxWaitMs;
  let busy = await measureBusy();
  if (busy.fraction > threshold && maxWaitMs > 0) {
    log(`waiting up to ${Math.round(maxWaitMs / 1000)} s for a quiet machine: ${describeBusy(busy)}`);
  }
  while (busy.fraction > threshold && performance.now() < deadline) {
    await sleep(4000);
    busy = await measureBusy();
  }
  return busy;
}

export function describeBusy(b: Busy): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const hogs = b.hogs.map((h) => `pid ${h.pid} \`${h.command}\` ${pct(h.cpu)} of a core`).join(', ');
  return `${pct(b.fraction)} of the CPU was busy with other work just before the case${hogs ? ` (${hogs})` : ''}`;
}
