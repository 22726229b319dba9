// Case 8, queue-scale: 20 ms tasks through Redis on 1, 2 and 3 `prun worker` processes. Do N
// workers give close to N times one worker's rate (issue #10)?
import { expectLines } from '../lib/check.js';
import { seqFile } from '../lib/fixtures.js';
import type { RunContext } from '../lib/runner.js';
import { median } from '../lib/stats.js';
import type { CaseDef, Contender, ContenderResult } from '../lib/types.js';

const WORKERS = [1, 2, 3] as const;
/** Inputs of the start-up rows: their time is taken off, so that the rate is the queue's. */
const FEW = 10;

export function queueScaleCase({ config }: RunContext): CaseDef {
  const n = config.quick ? 50 : 500;
  const file = seqFile(config.outDir, n);
  const few = seqFile(config.outDir, FEW);
  const driver = (workers: number, input: string) => `node bench/contenders/queue.mjs prun ${config.prun} ${input} ${workers} auto bench/contenders/sleep20.ts`;
  const row = (workers: number, inputs: number): Contender => ({
    id: inputs === n ? `w${workers}` : `w${workers}-few`,
    label: `${workers} \`prun worker --procs 1\`${inputs === n ? '' : `, ${FEW} inputs (start-up)`}`,
    short: `${workers} worker${workers === 1 ? '' : 's'}`,
    command: ({ out }) => `${driver(workers, inputs === n ? file : few)} > ${out}`,
    needs: ['prun'],
    ...(inputs === n ? {} : { inputs, reference: true }),
  });
  return {
    name: 'queue-scale',
    title: `queue-scale: a 20 ms task on each of ${n} inputs through Redis, 1, 2 and 3 worker processes`,
    inputs: n,
    floors: ['w1'],
    // 3 timed runs after the checked one: a round takes about a minute
    maxRuns: 3,
    contenders: [...WORKERS.map((workers) => row(workers, n)), ...WORKERS.map((workers) => row(workers, FEW))],
    expected: (contender) => expectLines(contender.inputs ?? n, (i) => String(i + 1)),
    notes: [
      'The task waits 20 ms (a timer) rather than computing: on 2 cores, 3 workers computing could not give 3 times one, whatever the queue did.',
      'Each run starts its own redis-server and workers and ends them (bench/contenders/queue.mjs); batches are sized by prun (--chunksize auto: one input each here).',
      `The "${FEW} inputs" rows time that set-up; the rate under the table takes it off.`,
    ],
    summary: (results) => scaling(results, n),
  };
}

/** Inputs a second with each number of workers, set-up taken off, and against one worker. */
function scaling(results: ContenderResult[], n: number): string[] {
  const ms = (id: string) => {
    const r = results.find((x) => x.contender.id === id);
    return r?.status === 'ok' ? median(r.samples.map((x) => x.ms)) : Number.NaN;
  };
  const rate = (workers: number) => ((n - FEW) * 1000) / (ms(`w${workers}`) - ms(`w${workers}-few`));
  const one = rate(1);
  return [
    'Inputs a second beyond set-up ((inputs − 10) / (median − median of the 10-input row)):',
    '',
    ...WORKERS.map((workers) => `- ${workers} worker${workers === 1 ? '' : 's'}: ${rate(workers).toFixed(1)}/s, ${(rate(workers) / one).toFixed(2)}× one worker (ideal ${workers}×; a worker alone at most 50/s)`),
  ];
}
