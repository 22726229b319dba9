// Peak memory of a whole process tree, sampled from /proc every ~50 ms.
//
// Why /proc and not the alternatives: `/usr/bin/time -v` reports only the largest single process, and
// this machine has cgroup v1 for memory, whose usage counters include the page cache of the files the
// contenders write. So we sum, over every process descended from the root (or sharing its process
// group), Rss and Pss from /proc/PID/smaps_rollup. Pss splits shared pages (forked workers, libraries)
// between the processes sharing them, so it does not count them twice as the Rss sum does.
import { readdirSync, readFileSync } from 'node:fs';

export interface TreeMemory {
  rssKb: number;
  pssKb: number;
}

interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
}

function readStat(pid: number): ProcEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses; the fields after it are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return undefined; // the process ended between readdir and read
  }
}

function readRollup(pid: number): TreeMemory {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { rssKb: field('Rss'), pssKb: field('Pss') };
  } catch {
    return { rssKb: 0, pssKb: 0 };
  }
}

/** The root and every process below it (by parent links) or in its process group. */
export function treePids(root: number): number[] {
  const entries: ProcEntry[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const entry = readStat(pid);
    if (entry) entries.push(entry);
  }
  const members = new Set<number>([root]);
  for (const e of entries) if (e.pgrp === root) members.add(e.pid);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of entries) {
      if (!members.has(e.pid) && members.has(e.ppid)) {
        members.add(e.pid);
        grew = true;
      }
    }
  }
  return [...members];
}

export function treeMemory(root: number): TreeMemory {
  let rssKb = 0;
  let pssKb = 0;
  for (const pid of treePids(root)) {
    const m = readRollup(pid);
    rssKb += m.rssKb;
    pssKb += m.pssKb;
  }
  return { rssKb, pssKb };
}

/** Samples the tree under `root` until stopped; `stop()` returns the peaks. */
export function sampleTree(root: number, intervalMs = 50): { stop: () => TreeMemory } {
  const peak: TreeMemory = { rssKb: 0, pssKb: 0 };
  const sample = () => {
    const now = treeMemory(root);
    peak.rssKb = Math.max(peak.rssKb, now.rssKb);
    peak.pssKb = Math.max(peak.pssKb, now.pssKb);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}
