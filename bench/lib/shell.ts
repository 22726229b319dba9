// Runs one contender command the same way for everyone: `/bin/sh -c CMD` in its own process group,
// wall clock from spawn to exit (performance.now), stderr kept for the failure message.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { sampleTree, type TreeMemory } from './tree-memory.js';

export interface RunOutcome {
  ms: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stderrTail: string;
  memory?: TreeMemory;
  load1: number;
}

const STDERR_KEEP = 4000;

export function runCommand(
  command: string,
  options: { cwd: string; timeoutMs: number; sampleMemory?: boolean },
): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const load1 = loadavg()[0] ?? 0;
    const t0 = performance.now();
    // detached: a new process group, so a timeout can kill the whole pipeline and the memory sampler
    // can find every process of it.
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const sampler = options.sampleMemory && child.pid !== undefined ? sampleTree(child.pid) : undefined;
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      sampler?.stop();
      reject(error);
    });
    child.on('exit', (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      const memory = sampler?.stop();
      // Leftovers of a broken contender must not run into the next contender's timing.
      killGroup(child.pid, 'SIGKILL');
      // Wait for stderr to close so the tail is complete, but not for a grandchild keeping it open.
      const done = () => resolve({ ms, code, signal, timedOut, stderrTail: stderr.trim(), memory, load1 });
      const grace = setTimeout(done, 500);
      child.stderr.once('close', () => {
        clearTimeout(grace);
        done();
      });
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** "exit 1: <last stderr line>" or similar; undefined when the run succeeded. */
export function failureOf(run: RunOutcome, timeoutMs: number): string | undefined {
  if (run.timedOut) return `timed out after ${Math.round(timeoutMs / 1000)} s`;
  if (run.code === 0) return undefined;
  const how = run.signal ? `killed by ${run.signal}` : `exit ${run.code}`;
  const lines = run.stderrTail.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  // A Node crash ends with its stack and version; the message worth showing is the error line.
  const errorLine = lines.find((l) => /^(\w*Error\b|Error \[|\w+: .*error)/i.test(l) || /^[a-z-]+: /.test(l));
  const shown = errorLine ?? lines.slice(-2).join(' / ');
  return shown ? `${how}: ${shown.slice(0, 200)}` : how;
}
