// Case 5, startup: time to the first (and only) result of one input, prun vs one raw worker.
import { expectLines } from '../lib/check.js';
import { hyperfineTimes } from '../lib/hyperfine.js';
import { judged, medianMs } from '../lib/targets.js';
import type { RunContext } from '../lib/runner.js';
import type { CaseDef, Contender } from '../lib/types.js';

const HYPERFINE_RUNS_PER_ROUND = 3;

export function startupCase({ config, peers, log }: RunContext): CaseDef {
  const c = (id: string, label: string, cmd: string, more: Partial<Contender> = {}): Contender => ({
    id,
    label,
    command: ({ out }) => `${cmd} > ${out}`,
    ...more,
  });
  const prun = (flags: string) => `echo 5 | ${config.prun} map bench/contenders/square.ts ${flags}`;
  const contenders = [
    c('node', "reference: node -e ''", "node -e ''"),
    c('tsx', 'reference: node --import tsx, square.ts in-process', 'echo 5 | node --import tsx bench/contenders/start-tsx.ts'),
    c('worker', 'floor: one new Worker (eval: true)', 'echo 5 | node bench/contenders/start-worker.mjs', { short: 'Worker' }),
    c('fork', 'floor: one child_process.fork', 'echo 5 | node bench/contenders/start-fork.mjs', { short: 'fork' }),
    c('prun-threads', 'prun --threads 1', prun('--threads 1'), { needs: ['prun'] }),
    c('prun-procs', 'prun --procs 1', prun('--procs 1'), { needs: ['prun'] }),
  ];
  const useHyperfine = peers.get('hyperfine')?.ok === true;
  const rounds = config.runs;
  return {
    name: 'startup',
    title: 'startup: one input (`echo 5`), from start to exit',
    inputs: 1,
    floors: ['worker', 'fork'],
    contenders,
    expected: (ct) => ({ ...expectLines(ct.id === 'node' ? 0 : 1, () => '25'), lineAt: undefined }),
    notes: [
      useHyperfine
        ? `Timed by hyperfine (shell start-up subtracted): ${rounds} rounds × ${HYPERFINE_RUNS_PER_ROUND} runs of every command, interleaved by round, 2 warm-up runs first; medians of all ${rounds * HYPERFINE_RUNS_PER_ROUND}.`
        : 'hyperfine not available: timed by the harness\'s own loop (includes ~1 ms of /bin/sh start-up).',
      'The time to the first result of one input is the time to exit here: the one result is the last thing each contender does.',
    ],
    // issue 5: the time to the first result within 1.3× of a raw floor of the same runtime
    summary: (results) => [
      judged('prun --threads 1 vs one new Worker', medianMs(results, 'prun-threads') / medianMs(results, 'worker'), 1.3, 'most'),
      judged('prun --procs 1 vs one child_process.fork', medianMs(results, 'prun-procs') / medianMs(results, 'fork'), 1.3, 'most'),
    ],
    time: useHyperfine
      ? async (ok) =>
          hyperfineTimes(
            ok.map((ct) => ({ id: ct.id, command: ct.command({ out: '/dev/null', check: false }) })),
            { rounds, perRound: HYPERFINE_RUNS_PER_ROUND, cwd: config.root, outDir: config.outDir, log },
          )
      : undefined,
  };
}
