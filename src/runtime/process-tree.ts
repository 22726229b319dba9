import { readdirSync, readFileSync } from 'node:fs';
import { holdsMark, OWNER_VARIABLE } from './owner-mark.js';

const POLL_MS = 10;

/*
 * The processes below a process, read from /proc: what a process group cannot reach, since a
 * process may leave its group (`spawn(..., { detached: true })`, setsid). Linux only; elsewhere
 * nobody is found. A process whose parent has died is re-parented (to init), out of anyone's
 * tree: these are read while the parent still lives.
 */

/**
 * Running (not zombie) processes below `root`, but `spared` and those below them, read from
 * /proc at once; `childrenOf` is how a process's children are found, the kernel's lists where
 * it keeps them.
 */
export function descendantsOf(root: number, spared: ReadonlySet<number> = new Set(), childrenOf = childrenFilesListed() ? listedChildren : scannedChildren()): number[] {
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of childrenOf(queue.shift()!)) {
      if (spared.has(child)) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * The children of every process, from one read of each process's stat: where the kernel lists
 * no children of a task (a kernel built without CONFIG_PROC_CHILDREN).
 */
export function scannedChildren(): (pid: number) => number[] {
  const children = new Map<number, number[]>();
  for (const pid of listedPids() ?? []) {
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z') continue;
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(pid);
    else children.set(stat.ppid, [pid]);
  }
  return (pid) => children.get(pid) ?? [];
}

/**
 * The running children of `pid`, as the kernel lists them for each of its threads: a few reads
 * where a scan of every process costs three system calls a process on the machine (6 ms with 100
 * processes, at each --threads start and end, and more on a busy machine).
 */
function listedChildren(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return []; // it has ended
  }
  const children: number[] = [];
  for (const task of tasks) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${task}/children`, 'latin1');
    } catch {
      continue; // the thread has ended
    }
    for (const child of text.split(' ')) if (child !== '' && isRunning(Number(child))) children.push(Number(child));
  }
  return children;
}

let childrenFiles: boolean | undefined;

/** Whether this kernel lists a task's children in /proc (CONFIG_PROC_CHILDREN: most do). */
function childrenFilesListed(): boolean {
  if (childrenFiles === undefined) {
    try {
      readFileSync(`/proc/self/task/${process.pid}/children`);
      childrenFiles = true;
    } catch {
      childrenFiles = false;
    }
  }
  return childrenFiles;
}

/**
 * Running processes that carry a worker's mark (owner-mark.ts): `mark` itself, or with
 * `{ under: true }` every mark of which it is the run's part. Read from /proc/PID/environ, the
 * environment each process started with; a process of another user is not readable, and not
 * ours. Linux only; elsewhere nobody is found.
 */
export function processesMarked(mark: string, { under = false } = {}): number[] {
  const variable = Buffer.from(`\0${OWNER_VARIABLE}=`);
  const found: number[] = [];
  for (const pid of listedPids() ?? []) {
    if (pid === process.pid) continue;
    let environment: Buffer;
    try {
      // with a NUL before, so that the first variable is found as the others are
      environment = Buffer.concat([Buffer.from('\0'), readFileSync(`/proc/${pid}/environ`)]);
    } catch {
      continue; // ended since /proc was listed, or not ours to read
    }
    const at = environment.indexOf(variable);
    if (at < 0) continue;
    const end = environment.indexOf(0, at + variable.length);
    const value = environment.toString('utf8', at + variable.length, end < 0 ? environment.length : end);
    if (holdsMark(value, mark, under) && isRunning(pid)) found.push(pid);
  }
  return found;
}

/** Ends each of `pids` by its pid: SIGTERM, then SIGKILL to those left after `graceMs`. */
export async function endProcesses(pids: readonly number[], graceMs: number): Promise<void> {
  if (pids.length === 0) return;
  signalEach(pids, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let left = pids;
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    left = left.filter(isRunning);
  }
  signalEach(left, 'SIGKILL');
}

/** Sends `name` to each of `pids`; one that has ended on its own is no error. */
export function signalEach(pids: readonly number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // it has ended on its own
    }
  }
}

/**
 * Whether a process of the group is still running, zombies aside; undefined where /proc cannot
 * tell. A process that died after its parent waits for init to reap it, and an init that is
 * no real one (a container's) may take seconds: counted as alive, it kept prun waiting for
 * a group of the dead.
 */
export function groupRunning(pgid: number): boolean | undefined {
  return listedPids()?.some((pid) => {
    const stat = readStat(pid);
    return stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z';
  });
}

/** The pids /proc lists now; undefined where there is no /proc to read. */
function listedPids(): number[] | undefined {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return undefined;
  }
}

function readStat(pid: number): { state: string; ppid: number; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined; // it has ended since /proc was listed
  }
  // the command name, in parentheses, may hold spaces and parentheses itself
  const [state, ppid, pgrp] = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return state === undefined || ppid === undefined || pgrp === undefined ? undefined : { state, ppid: Number(ppid), pgrp: Number(pgrp) };
}

function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}
