import { readdirSync, readFileSync } from 'node:fs';

const POLL_MS = 10;

/**
 * Ends every process descended from prun's own but `spare` (SIGTERM, then SIGKILL after `graceMs`),
 * each by its pid: never by process group, since prun's group also holds the other commands
 * of a shell pipeline (`seq 10 | prun … | sort`).
 *
 * For `--threads`: what setup() or a task starts in a worker thread is a child of prun itself,
 * in prun's own group, so no worker's group can end it. Linux only (it reads /proc); elsewhere
 * it does nothing. Only the CLI calls it, at its end: in the library, prun's process is the
 * user's, and so are its children.
 */
export async function endDescendants(graceMs: number, spare: readonly number[] = []): Promise<void> {
  // what prun started for itself (the results relay of stdout-takeover.ts) still has work to do
  const pids = descendantsOf(process.pid).filter((pid) => !spare.includes(pid));
  if (pids.length === 0) return;
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let left = pids;
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    left = left.filter(isRunning);
  }
  for (const pid of left) signal(pid, 'SIGKILL');
}

/** Running (not zombie) processes below `root`, read from /proc at once. */
function descendantsOf(root: number): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const childrenOf = new Map<number, number[]>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat || stat.state === 'Z') continue;
    const siblings = childrenOf.get(stat.ppid);
    if (siblings) siblings.push(Number(name));
    else childrenOf.set(stat.ppid, [Number(name)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of childrenOf.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function readStat(pid: number): { state: string; ppid: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined; // it has ended since /proc was listed
  }
  // the command name, in parentheses, may hold spaces and parentheses itself
  const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return state === undefined || ppid === undefined ? undefined : { state, ppid: Number(ppid) };
}

function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // it has ended on its own
  }
}
