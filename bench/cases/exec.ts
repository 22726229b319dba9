// Case 3, exec: the `true` program for each of 500 inputs, 2 at a time. What does one job cost?
import { expectLines } from '../lib/check.js';
import { seqFile } from '../lib/fixtures.js';
import type { RunContext } from '../lib/runner.js';
import { medianMs } from '../lib/targets.js';
import type { CaseDef, Contender, ContenderResult } from '../lib/types.js';

export function execCase({ config }: RunContext): CaseDef {
  const count = config.quick ? 50 : 500;
  const file = seqFile(config.outDir, count);
  const one = seqFile(config.outDir, 1);
  const commands: Record<(typeof SLOPED)[number], (job: string) => string> = {
    'bash-loop': (job) => `bench/contenders/bash-loop.sh ${job} 2`,
    xargs: (job) => `xargs -P2 -n1 ${job}`,
    parallel: (job) => `parallel --will-cite -j2 ${job}`,
    prun: (job) => `${config.prun} exec -j 2 ${job}`,
  };
  // The timed runs run `true INPUT`; the checked run runs `echo INPUT` through the same command, so
  // the check can see that every input was run exactly once.
  const c = (id: string, label: string, cmd: (job: string) => string, more: Partial<Contender> = {}): Contender => ({
    id,
    label,
    command: ({ out, check }) => `${cmd(check ? 'echo' : 'true')} < ${more.inputs === 1 ? one : file} > ${out}`,
    ...more,
  });
  // the same commands on one input: their start-up, to take off for the cost of a job
  const alone = (id: (typeof SLOPED)[number], cmd: (job: string) => string): Contender =>
    c(`${id}-1`, `${LABELS[id]}, 1 input (start-up)`, cmd, { inputs: 1, reference: true, needs: NEEDS[id] });
  return {
    name: 'exec',
    title: `exec: \`true\` for each of ${count} inputs, 2 at a time`,
    inputs: count,
    floors: ['bash-loop', 'node-loop'],
    perInputColumn: 'ms a job',
    contenders: [
      c('bash-loop', 'floor: bash loop, 2 background jobs (wait -n)', commands['bash-loop'], { short: 'bash loop' }),
      c('node-loop', 'floor: node child_process.spawn, 2 at a time', (job) => `node bench/contenders/spawn-loop.mjs ${job} 2`, { short: 'node loop' }),
      c('xargs', 'xargs -P2 -n1', commands.xargs, { needs: ['xargs'] }),
      c('parallel', 'GNU parallel -j2', commands.parallel, { needs: ['parallel'] }),
      c('prun', 'prun exec -j 2', commands.prun, { needs: ['prun'] }),
      ...SLOPED.map((id) => alone(id, commands[id])),
    ],
    // No order column: nothing here promises input order, and `true` prints nothing anyway.
    expected: (contender) => {
      const inputs = contender.inputs ?? count;
      return { ...expectLines(inputs, (i) => String(i + 1)), lineAt: undefined };
    },
    summary: (results) => perJob(results, count),
    notes: [
      'Inputs come on stdin. The bash loop runs /usr/bin/true by path (a fork and an exec, not its builtin); GNU parallel and prun may run each job through a shell, whose builtin `true` then saves the exec.',
      'The checked run uses `echo` instead of `true`, so the check sees each input run exactly once.',
      `The "1 input" rows time each tool's start-up; the cost of a job is (median with ${count} inputs − median with 1) / ${count - 1}, under the table.`,
    ],
  };
}

/** The contenders whose cost a job is measured as a slope. */
const SLOPED = ['bash-loop', 'xargs', 'parallel', 'prun'] as const;
const NEEDS: Record<(typeof SLOPED)[number], Contender['needs']> = { 'bash-loop': [], xargs: ['xargs'], parallel: ['parallel'], prun: ['prun'] };
const LABELS: Record<(typeof SLOPED)[number], string> = { 'bash-loop': 'bash loop', xargs: 'xargs -P2 -n1', parallel: 'GNU parallel -j2', prun: 'prun exec -j 2' };

/** The cost of one job beyond start-up, and the issue's targets for prun's. */
function perJob(results: ContenderResult[], count: number): string[] {
  const ms = (id: string) => medianMs(results, id);
  const slope = (id: string) => (ms(id) - ms(`${id}-1`)) / (count - 1);
  const lines = SLOPED.map((id) => `- ${LABELS[id]}: ${slope(id).toFixed(2)} ms a job beyond a start-up of ${ms(`${id}-1`).toFixed(0)} ms`);
  const prunJob = slope('prun');
  const xargsJob = slope('xargs');
  const parallelJob = slope('parallel');
  if ([prunJob, xargsJob, parallelJob].every(Number.isFinite)) {
    lines.push('', `prun exec's cost a job vs xargs -P2's: ${(prunJob / xargsJob).toFixed(2)}× (target ≤ 1.00: ${prunJob <= xargsJob ? 'met' : 'NOT met'}); GNU parallel's vs prun's: ${(parallelJob / prunJob).toFixed(1)}× (target ≥ 4: ${parallelJob / prunJob >= 4 ? 'met' : 'NOT met'}).`);
  }
  return ['Cost of a job, start-up taken off:', '', ...lines];
}
