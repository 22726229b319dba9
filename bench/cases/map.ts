// Case 1, map: x => x*x on integers from a file, 2 workers. What does dispatching tiny tasks cost?
import { expectLines } from '../lib/check.js';
import { seqFile } from '../lib/fixtures.js';
import type { RunContext } from '../lib/runner.js';
import { median } from '../lib/stats.js';
import { formatRatio } from '../lib/table.js';
import type { CaseDef, Contender, ContenderResult } from '../lib/types.js';

export function mapCase({ config, peers }: RunContext): CaseDef {
  const n = config.quick ? 2_000 : 1_000_000;
  // One task per input takes minutes at 1e6 for these two (PEERS.md §6: piscina 43×); they run on a
  // tenth of the inputs and their ratios are scaled per input.
  const capped = config.quick ? 500 : 100_000;
  const file = seqFile(config.outDir, n);
  const small = seqFile(config.outDir, capped);
  const py = peers.python;
  const PRUN = `${config.prun} map bench/contenders/square.ts`;
  const c = (id: string, label: string, cmd: (f: string) => string, more: Partial<Contender> = {}): Contender => ({
    id,
    label,
    command: ({ out }) => `${cmd(more.inputs ? small : file)} > ${out}`,
    ...more,
  });
  const contenders: Contender[] = [
    c('floor-a', 'floor A: node readline loop', (f) => `node bench/contenders/loop.mjs square ${f}`, { short: 'floor A' }),
    c('floor-b', 'floor B: hand-rolled worker_threads pool, batches of 1000', (f) => `node bench/contenders/pool.mjs thread square 1000 2 ${f}`, { short: 'floor B' }),
    c('fork-pool', 'hand-rolled fork pool, batches of 1000', (f) => `node bench/contenders/pool.mjs fork square 1000 2 ${f}`),
    c('py-serial', 'Python serial loop', (f) => `${py} bench/contenders/py_serial.py ${f}`, { needs: ['python'] }),
    c('py-imap-1', 'Python Pool(2).imap chunksize 1', (f) => `${py} bench/contenders/py_pool.py ${f} 1`, { needs: ['python'], inputs: capped }),
    c('py-imap-1000', 'Python Pool(2).imap chunksize 1000', (f) => `${py} bench/contenders/py_pool.py ${f} 1000`, { needs: ['python'] }),
    c('joblib', "joblib Parallel(n_jobs=2), batch_size='auto'", (f) => `${py} bench/contenders/py_joblib.py ${f}`, {
      needs: ['python', 'joblib'],
      note: joblibNote(peers.get('joblib')?.detail),
    }),
    c('piscina-1', 'piscina, one task per input', (f) => `node bench/contenders/piscina-map.mjs 1 ${f}`, { needs: ['piscina'], inputs: capped }),
    c('piscina-1000', 'piscina, batches of 1000', (f) => `node bench/contenders/piscina-map.mjs 1000 ${f}`, { needs: ['piscina'] }),
    c('prun-threads', 'prun --threads 2', (f) => `${PRUN} ${f} --threads 2`, { needs: ['prun'] }),
    c('prun-procs', 'prun --procs 2', (f) => `${PRUN} ${f} --procs 2`, { needs: ['prun'] }),
    ...[100, 1000, 10000].map((size) =>
      c(`prun-threads-cs${size}`, `prun --threads 2 --chunksize ${size}`, (f) => `${PRUN} ${f} --threads 2 --chunksize ${size}`, { needs: ['prun'] }),
    ),
  ];
  const square = (i: number) => String((i + 1) * (i + 1));
  const full = expectLines(n, square);
  const part = expectLines(capped, square);
  return {
    name: 'map',
    title: `map: x => x*x on ${n.toLocaleString('en-US')} integers from a file, 2 workers`,
    inputs: n,
    floors: ['floor-a', 'floor-b'],
    contenders,
    expected: (ct) => (ct.inputs ? part : full),
    notes: [
      'Every contender reads the file itself and writes its results to a file (checked run) or /dev/null (timed runs).',
      'Floor A is one Node process (readline, the same function, output written 1000 lines at a time); floor B is `bench/contenders/pool.mjs`, ~60 lines.',
      `One task per input is too slow for ${n.toLocaleString('en-US')} inputs within the time budget: those contenders run ${capped.toLocaleString('en-US')} and their ratios multiply their time by ${n / capped}, start-up included, which makes them look slightly worse than they are.`,
    ],
    summary: autoVersusFixed,
  };
}

function joblibNote(detail: string | undefined): string {
  const match = /joblib (\d+)\.(\d+)/.exec(detail ?? '');
  const hasGenerator = match !== null && (Number(match[1]) > 1 || Number(match[2]) >= 3);
  return hasGenerator ? "return_as='generator'" : 'this joblib has no return_as (< 1.3): returns a list';
}

/** The contract for prun's automatic chunk size: within 10% of the best fixed one. */
function autoVersusFixed(results: ContenderResult[]): string[] {
  const ms = (id: string) => {
    const r = results.find((x) => x.contender.id === id);
    return r?.status === 'ok' ? median(r.samples.map((x) => x.ms)) : Number.NaN;
  };
  const fixed = [100, 1000, 10000].map((s) => ({ s, ms: ms(`prun-threads-cs${s}`) })).filter((f) => Number.isFinite(f.ms));
  const auto = ms('prun-threads');
  if (fixed.length === 0 || !Number.isFinite(auto)) return ['prun auto chunk size vs fixed: not measured (prun rows did not run).'];
  const best = fixed.reduce((a, b) => (b.ms < a.ms ? b : a));
  const ratio = auto / best.ms;
  return [`prun auto chunk size vs the best fixed one (--chunksize ${best.s}): ${formatRatio(ratio)}× (target ≤ 1.10: ${ratio <= 1.1 ? 'met' : 'NOT met'}).`];
}
