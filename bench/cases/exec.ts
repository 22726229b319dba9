// Case 3, exec: the `true` program for each of 500 inputs, 2 at a time. What does one job cost?
import { expectLines } from '../lib/check.js';
import { seqFile } from '../lib/fixtures.js';
import type { RunContext } from '../lib/runner.js';
import type { CaseDef, Contender } from '../lib/types.js';

export function execCase({ config }: RunContext): CaseDef {
  const count = config.quick ? 50 : 500;
  const file = seqFile(config.outDir, count);
  // The timed runs run `true INPUT`; the checked run runs `echo INPUT` through the same command, so
  // the check can see that every input was run exactly once.
  const c = (id: string, label: string, cmd: (job: string) => string, more: Partial<Contender> = {}): Contender => ({
    id,
    label,
    command: ({ out, check }) => `${cmd(check ? 'echo' : 'true')} < ${file} > ${out}`,
    ...more,
  });
  return {
    name: 'exec',
    title: `exec: \`true\` for each of ${count} inputs, 2 at a time`,
    inputs: count,
    floors: ['bash-loop', 'node-loop'],
    perInputColumn: 'ms a job',
    contenders: [
      c('bash-loop', 'floor: bash loop, 2 background jobs (wait -n)', (job) => `bench/contenders/bash-loop.sh ${job} 2`, { short: 'bash loop' }),
      c('node-loop', 'floor: node child_process.spawn, 2 at a time', (job) => `node bench/contenders/spawn-loop.mjs ${job} 2`, { short: 'node loop' }),
      c('xargs', 'xargs -P2 -n1', (job) => `xargs -P2 -n1 ${job}`, { needs: ['xargs'] }),
      c('parallel', 'GNU parallel -j2', (job) => `parallel --will-cite -j2 ${job}`, { needs: ['parallel'] }),
      c('prun', 'prun exec -j 2', (job) => `${config.prun} exec '${job} {}' -j 2`, { needs: ['prun'] }),
    ],
    // No order column: nothing here promises input order, and `true` prints nothing anyway.
    expected: () => ({ ...expectLines(count, (i) => String(i + 1)), lineAt: undefined }),
    notes: [
      'Inputs come on stdin. The bash loop runs /usr/bin/true by path (a fork and an exec, not its builtin); GNU parallel and prun may run each job through a shell, whose builtin `true` then saves the exec.',
      'The checked run uses `echo` instead of `true`, so the check sees each input run exactly once.',
    ],
  };
}
