// Case 7, queue: x => x*x through Redis with 2 workers, prun (--queue, prun worker) against BullMQ
// alone at the same batch size. What does prun's layer over BullMQ cost?
import { expectLines } from '../lib/check.js';
import { seqFile } from '../lib/fixtures.js';
import type { RunContext } from '../lib/runner.js';
import { median } from '../lib/stats.js';
import { formatRatio } from '../lib/table.js';
import type { CaseDef, Contender, ContenderResult } from '../lib/types.js';

const BATCH = 1000;
const WORKERS = 2;

export function queueCase({ config }: RunContext): CaseDef {
  const n = config.quick ? 20_000 : 1_000_000;
  const file = seqFile(config.outDir, n);
  const driver = (mode: string) => `node bench/contenders/queue.mjs ${mode} ${config.prun} ${file} ${WORKERS} ${BATCH}`;
  const contenders: Contender[] = [
    { id: 'raw-bullmq', label: `raw BullMQ: ${WORKERS} Workers, jobs of ${BATCH} inputs, results from completed events`, short: 'raw', command: ({ out }) => `${driver('raw')} > ${out}` },
    { id: 'prun-queue', label: `prun map --queue, ${WORKERS} \`prun worker --procs 1\`, --chunksize ${BATCH}`, command: ({ out }) => `${driver('prun')} > ${out}`, needs: ['prun'] },
  ];
  return {
    name: 'queue',
    title: `queue: x => x*x on ${n.toLocaleString('en-US')} integers through Redis, ${WORKERS} worker processes`,
    inputs: n,
    floors: ['raw-bullmq'],
    contenders,
    expected: () => expectLines(n, (i) => String((i + 1) * (i + 1))),
    notes: [
      'Each run starts its own redis-server on a free loopback port and its worker processes, and ends them: both rows pay the same set-up.',
      'The raw row is `bench/contenders/queue.mjs`: BullMQ alone, 64 jobs outstanding as prun keeps, results in input order.',
    ],
    summary: target,
  };
}

/** The contract of issue #10: prun through the queue at least 80% of raw BullMQ's inputs a second. */
function target(results: ContenderResult[]): string[] {
  const ms = (id: string) => {
    const r = results.find((x) => x.contender.id === id);
    return r?.status === 'ok' ? median(r.samples.map((x) => x.ms)) : Number.NaN;
  };
  const ratio = ms('raw-bullmq') / ms('prun-queue');
  if (!Number.isFinite(ratio)) return ['prun through the queue vs raw BullMQ: not measured.'];
  return [`prun through the queue vs raw BullMQ, inputs a second: ${formatRatio(ratio)}× (target ≥ 0.80: ${ratio >= 0.8 ? 'met' : 'NOT met'}).`];
}
