// Case 4, memory: peak memory of the whole process tree of `seq N | prun map …`, at three sizes.
// Streaming means the ratio big/small stays near 1 however large N grows: for prun the contract
// (issue #9, item 9) is a peak RSS at 1e8 inputs within 1.15× of the peak at 1e6, both
// runtimes, ordered and --unordered.
import { expectLines } from '../lib/check.js';
import type { RunContext } from '../lib/runner.js';
import { median } from '../lib/stats.js';
import { formatCount, formatMs, formatRatio, markdownTable } from '../lib/table.js';
import type { CaseDef, Contender, ContenderResult, Expected, Need } from '../lib/types.js';

/** Small, middle and big: the target compares big with small; middle shows where it levels off. */
type Sizes = [number, number, number];

interface Variant {
  key: string;
  label: string;
  /** The command between `seq N |` and the output. */
  pipe: string;
  needs?: Need[];
  slow?: boolean;
  /** A prun row the flat-memory target is judged on. */
  judged?: boolean;
}

/** The contract: peak at the big size within this factor of the peak at the small one. */
const TARGET = 1.15;
/** The sizes the target speaks of; a quick run measures smaller ones and judges nothing. */
const JUDGED_SIZES = [1_000_000, 100_000_000];
/**
 * A size between them, to tell growth with the input from a heap that has not reached its
 * working size: a run of 1e6 inputs ends within a second, while V8's heaps and malloc's
 * arenas fill for the first few seconds of any run, then hold (RSS sampled every 2 s over one
 * run of 1e8, --threads 2: 117 MB at 4 s, 117-124 MB from then to the end at 40 s).
 */
const MIDDLE_SIZE = 10_000_000;

export function memoryCase({ config }: RunContext): CaseDef {
  const [small, big] = config.quick ? [100_000, 1_000_000] : JUDGED_SIZES;
  const sizes: Sizes = [small!, config.quick ? 300_000 : MIDDLE_SIZE, big!];
  const sleep = config.quick ? 1 : 5;
  const map = `${config.prun} map bench/contenders/square.ts`;
  const mapNumber = `${config.prun} map bench/contenders/square-number.ts`;
  const variants: Variant[] = [
    { key: 'floor', label: 'floor: node readline loop', pipe: 'node bench/contenders/loop.mjs square' },
    { key: 'thread-pool', label: 'hand-rolled worker_threads pool, batches of 1000', pipe: 'node bench/contenders/pool.mjs thread square 1000 2 /dev/stdin' },
    { key: 'prun', label: 'prun --threads 2', pipe: `${map} --threads 2`, needs: ['prun'], judged: true },
    { key: 'prun-unordered', label: 'prun --threads 2 --unordered', pipe: `${map} --threads 2 --unordered`, needs: ['prun'], judged: true },
    { key: 'prun-procs', label: 'prun --procs 2', pipe: `${map} --procs 2`, needs: ['prun'], judged: true },
    { key: 'prun-procs-unordered', label: 'prun --procs 2 --unordered', pipe: `${map} --procs 2 --unordered`, needs: ['prun'], judged: true },
    { key: 'prun-number', label: 'prun --threads 2, function returns a number', pipe: `${mapNumber} --threads 2`, needs: ['prun'], judged: true },
    { key: 'prun-procs-number', label: 'prun --procs 2, function returns a number', pipe: `${mapNumber} --procs 2`, needs: ['prun'], judged: true },
    { key: 'prun-slow', label: `prun --threads 2, consumer sleeps ${sleep} s first`, pipe: `${map} --threads 2`, needs: ['prun'], slow: true },
  ];
  const contenders: Contender[] = sizes.flatMap((n) =>
    variants.map((v) => ({
      id: `${v.key}-${n}`,
      label: `${v.label}, N=${formatCount(n)}`,
      inputs: n,
      needs: v.needs,
      command: ({ out }: { out: string }) =>
        v.slow ? `seq ${n} | ${v.pipe} | (sleep ${sleep}; cat > ${out})` : `seq ${n} | ${v.pipe} > ${out}`,
    })),
  );
  const expected = new Map<number, Expected>();
  const square = (i: number) => String((i + 1) * (i + 1));
  return {
    name: 'memory',
    title: `memory: peak memory of the process tree, seq N | … with N = ${sizes.map(formatCount).join(', ')}`,
    inputs: sizes[2],
    floors: [],
    contenders,
    memory: true,
    // a run at 1e8 inputs takes minutes: two timed runs (and the checked one) show the peak
    maxRuns: config.quick ? undefined : 2,
    minTimeoutMs: config.quick ? undefined : 900_000,
    expected: (c) => {
      const n = c.inputs!;
      if (!expected.has(n)) expected.set(n, expectLines(n, square));
      return expected.get(n)!;
    },
    notes: [
      'Measured by sampling /proc every 50 ms and summing, over the shell pipeline\'s process group and all its descendants, Rss and Pss from /proc/PID/smaps_rollup (bench/lib/tree-memory.ts). `/usr/bin/time -v` would only see the largest process; the cgroup (v1) counters here include the page cache. Rss sums count pages shared between processes once per process; Pss splits them.',
      'square.ts returns String(x * x), as the floors do. V8 writes the text of a number past the small integers into its old generation, never the young one (its number-string cache), so such a function fills the old generation of whatever runs it and its heap grows with the input: the floor shows it too. square-number.ts returns x * x and leaves the text to prun, which writes it without that cache.',
      'The tree includes `seq`, the shell(s) and `cat`; they weigh a few MB. A run of a few hundred ms gets only a few samples, so the small-N peaks are lower bounds and the ratios upper bounds.',
      `The target (issue #9): prun's peak RSS at N=${formatCount(JUDGED_SIZES[1]!)} within ${TARGET}× of its peak at N=${formatCount(JUDGED_SIZES[0]!)}, both runtimes, ordered and --unordered. At most 2 timed runs a contender: the big runs take minutes.`,
    ],
    render: (results) => render(variants, sizes, results),
    summary: (results) => flatness(variants, sizes, results, config.quick),
  };
}

const medianOf = (r: ContenderResult, pick: (s: { rssKb?: number; pssKb?: number; ms: number }) => number | undefined) =>
  r.status === 'ok' ? median(r.samples.map(pick).filter((v): v is number => v !== undefined)) : Number.NaN;
const resultOf = (results: ContenderResult[], key: string, n: number) => results.find((r) => r.contender.id === `${key}-${n}`)!;

function render(variants: Variant[], sizes: Sizes, results: ContenderResult[]): string[] {
  const [small, middle, big] = sizes;
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
  const rows = variants.map((v) => {
    const [a, m, b] = [resultOf(results, v.key, small), resultOf(results, v.key, middle), resultOf(results, v.key, big)];
    const broken = [a, m, b].find((r) => r.status !== 'ok');
    if (broken) return [v.label, `**${broken.status}**`, '', '', '', '', '', '', '', '', broken.reason.replaceAll('|', '\\|')];
    const [rssA, rssM, rssB] = [a, m, b].map((r) => medianOf(r, (s) => s.rssKb)) as [number, number, number];
    const [pssA, pssB] = [medianOf(a, (s) => s.pssKb), medianOf(b, (s) => s.pssKb)];
    return [v.label, mb(rssA), mb(rssM), mb(rssB), formatRatio(rssB / rssA), formatRatio(rssB / rssM), mb(pssA), mb(pssB), formatRatio(pssB / pssA), formatMs(medianOf(b, (s) => s.ms)), ''];
  });
  const n = (x: number) => formatCount(x);
  return markdownTable(
    ['contender', `peak RSS, N=${n(small)}`, `peak RSS, N=${n(middle)}`, `peak RSS, N=${n(big)}`, `RSS ratio ${n(big)}/${n(small)}`, `RSS ratio ${n(big)}/${n(middle)}`, `peak PSS, N=${n(small)}`, `peak PSS, N=${n(big)}`, 'PSS ratio', `wall, N=${n(big)}`, 'note'],
    rows,
  );
}

/** One line a judged prun row: its peak RSS ratio big/small, and whether that meets the target. */
function flatness(variants: Variant[], sizes: Sizes, results: ContenderResult[], quick: boolean): string[] {
  const [small, middle, big] = sizes;
  const lines = variants
    .filter((v) => v.judged)
    .map((v) => {
      const [a, m, b] = [resultOf(results, v.key, small), resultOf(results, v.key, middle), resultOf(results, v.key, big)];
      const broken = [a, m, b].find((r) => r.status !== 'ok');
      if (broken) return `${v.label}: peak memory N=${formatCount(big)} vs N=${formatCount(small)}: not measured (${broken.status}).`;
      const rss = medianOf(b, (s) => s.rssKb) / medianOf(a, (s) => s.rssKb);
      const levelled = medianOf(b, (s) => s.rssKb) / medianOf(m, (s) => s.rssKb);
      const pss = medianOf(b, (s) => s.pssKb) / medianOf(a, (s) => s.pssKb);
      const verdict = quick ? `not judged: quick sizes, the target is N=${formatCount(JUDGED_SIZES[1]!)} vs ${formatCount(JUDGED_SIZES[0]!)}` : rss <= TARGET ? 'met' : 'NOT met';
      return `${v.label}: peak RSS N=${formatCount(big)} vs N=${formatCount(small)}: ${formatRatio(rss)}× (PSS ${formatRatio(pss)}×; target ≤ ${TARGET}: ${verdict}); vs N=${formatCount(middle)}: ${formatRatio(levelled)}×.`;
    });
  return lines;
}
