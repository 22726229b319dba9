// Case 2, cpu: 200 inputs of a naive fib taking ~20 ms each, 2 workers. Does the pool get 2 cores' worth?
import { spawnSync } from 'node:child_process';
import { expectLines } from '../lib/check.js';
import { linesFile } from '../lib/fixtures.js';
import { judged, medianMs } from '../lib/targets.js';
import type { RunContext } from '../lib/runner.js';
import type { CaseDef, Contender } from '../lib/types.js';

function fibOf(n: number): number {
  let [a, b] = [0, 1];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}

/** The n for which fib(n) takes closest to targetMs, measured in a fresh Node process. */
function calibrate(root: string, targetMs: number): { n: number; ms: number } {
  const r = spawnSync('node', ['bench/contenders/calibrate-fib.mjs', String(targetMs)], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fib calibration failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { n: number; ms: number };
}

export function cpuCase({ config }: RunContext): CaseDef {
  const count = config.quick ? 20 : 200;
  const targetMs = config.quick ? 5 : 20;
  const calibrated = config.fibN ? { n: config.fibN, ms: Number.NaN } : calibrate(config.root, targetMs);
  const { n } = calibrated;
  const file = linesFile(config.outDir, `fib-${n}x${count}.txt`, count, () => String(n));
  const prun = (flags: string) => `${config.prun} map bench/contenders/fib.ts ${file} ${flags}`;
  const c = (id: string, label: string, cmd: string, more: Partial<Contender> = {}): Contender => ({
    id,
    label,
    command: ({ out }) => `${cmd} > ${out}`,
    ...more,
  });
  const result = String(fibOf(n));
  return {
    name: 'cpu',
    title: `cpu: ${count} inputs of fib(${n}) (~${targetMs} ms each), 2 workers`,
    inputs: count,
    floors: ['floor'],
    contenders: [
      c('floor', 'floor: single-process loop', `node bench/contenders/loop.mjs fibLine ${file}`, { short: 'floor' }),
      c('thread-pool', 'hand-rolled worker_threads pool, one input per task', `node bench/contenders/pool.mjs thread fibLine 1 2 ${file}`),
      c('fork-pool', 'hand-rolled fork pool, one input per task', `node bench/contenders/pool.mjs fork fibLine 1 2 ${file}`),
      c('prun-threads', 'prun --threads 2', prun('--threads 2'), { needs: ['prun'] }),
      c('prun-procs', 'prun --procs 2', prun('--procs 2'), { needs: ['prun'] }),
      c('prun-threads-cs1', 'prun --threads 2 --chunksize 1', prun('--threads 2 --chunksize 1'), { needs: ['prun'] }),
    ],
    expected: () => expectLines(count, () => result),
    notes: [
      config.fibN
        ? `n = ${n} from BENCH_FIB_N (not calibrated).`
        : `n = ${n}: fib(${n}) took ${calibrated.ms} ms (median of 5) in a fresh Node process when calibrated against a ${targetMs} ms target.`,
      'The ideal with 2 workers on 2 cores is 0.50 × floor; the load column shows what else was running.',
    ],
    // issue 5: within 1.05× of a hand-rolled 2-worker pool, and at least 1.85× faster than the
    // single-process loop when the machine is otherwise idle (the load column says how idle)
    summary: (results) => {
      const ms = (id: string) => medianMs(results, id);
      return [
        judged('prun --threads 2 vs the hand-rolled worker_threads pool', ms('prun-threads') / ms('thread-pool'), 1.05, 'most'),
        judged('prun --procs 2 vs the hand-rolled fork pool', ms('prun-procs') / ms('fork-pool'), 1.05, 'most'),
        judged('prun --threads 2, faster than the single-process loop', ms('floor') / ms('prun-threads'), 1.85, 'least'),
        judged('prun --procs 2, faster than the single-process loop', ms('floor') / ms('prun-procs'), 1.85, 'least'),
      ];
    },
  };
}
