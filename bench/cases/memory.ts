// Case 4, memory: peak memory of the whole process tree of `seq N | prun map …`, at two sizes.
// Streaming means the ratio big/small stays near 1 however large N grows.
import { expectLines } from '../lib/check.js';
import type { RunContext } from '../lib/runner.js';
import { median } from '../lib/stats.js';
import { formatCount, formatMs, formatRatio, markdownTable } from '../lib/table.js';
import type { CaseDef, Contender, ContenderResult, Expected, Need } from '../lib/types.js';

interface Variant {
  key: string;
  label: string;
  /** The command between `seq N |` and the output. */
  pipe: string;
  needs?: Need[];
  slow?: boolean;
}

export function memoryCase({ config }: RunContext): CaseDef {
  const sizes = config.quick ? [1_000, 100_000] : [100_000, 10_000_000];
  const sleep = config.quick ? 1 : 5;
  const PRUN = `${config.prun} map bench/contenders/square.ts --threads 2`;
  const variants: Variant[] = [
    { key: 'floor', label: 'floor: node readline loop', pipe: 'node bench/contenders/loop.mjs square' },
    { key: 'thread-pool', label: 'hand-rolled worker_threads pool, batches of 1000', pipe: 'node bench/contenders/pool.mjs thread square 1000 2 /dev/stdin' },
    { key: 'prun', label: 'prun --threads 2', pipe: PRUN, needs: ['prun'] },
    { key: 'prun-unordered', label: 'prun --threads 2 --unordered', pipe: `${PRUN} --unordered`, needs: ['prun'] },
    { key: 'prun-slow', label: `prun --threads 2, consumer sleeps ${sleep} s first`, pipe: PRUN, needs: ['prun'], slow: true },
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
    title: `memory: peak memory of the process tree, seq N | … with N = ${sizes.map(formatCount).join(' and ')}`,
    inputs: sizes[1]!,
    floors: [],
    contenders,
    memory: true,
    expected: (c) => {
      const n = c.inputs!;
      if (!expected.has(n)) expected.set(n, expectLines(n, square));
      return expected.get(n)!;
    },
    notes: [
      'Measured by sampling /proc every 50 ms and summing, over the shell pipeline\'s process group and all its descendants, Rss and Pss from /proc/PID/smaps_rollup (bench/lib/tree-memory.ts). `/usr/bin/time -v` would only see the largest process; the cgroup (v1) counters here include the page cache. Rss sums count pages shared between processes once per process; Pss splits them.',
      'The tree includes `seq`, the shell(s) and `cat`; they weigh a few MB. A run of a few hundred ms gets only a few samples, so the small-N peaks are lower bounds and the ratios upper bounds.',
    ],
    render: (results) => render(variants, sizes, results),
  };
}

function render(variants: Variant[], sizes: number[], results: ContenderResult[]): string[] {
  const [small, big] = sizes as [number, number];
  const find = (key: string, n: number) => results.find((r) => r.contender.id === `${key}-${n}`)!;
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
  const med = (r: ContenderResult, pick: (s: { rssKb?: number; pssKb?: number; ms: number }) => number | undefined) =>
    r.status === 'ok' ? median(r.samples.map(pick).filter((v): v is number => v !== undefined)) : Number.NaN;
  const rows = variants.map((v) => {
    const [a, b] = [find(v.key, small), find(v.key, big)];
    const broken = [a, b].find((r) => r.status !== 'ok');
    if (broken) return [v.label, `**${broken.status}**`, '', '', '', '', '', '', broken.reason.replaceAll('|', '\\|')];
    const [rssA, rssB] = [med(a, (s) => s.rssKb), med(b, (s) => s.rssKb)];
    const [pssA, pssB] = [med(a, (s) => s.pssKb), med(b, (s) => s.pssKb)];
    return [v.label, mb(rssA), mb(rssB), formatRatio(rssB / rssA), mb(pssA), mb(pssB), formatRatio(pssB / pssA), formatMs(med(b, (s) => s.ms)), ''];
  });
  const n = (x: number) => formatCount(x);
  return markdownTable(
    ['contender', `peak RSS, N=${n(small)}`, `peak RSS, N=${n(big)}`, 'RSS ratio', `peak PSS, N=${n(small)}`, `peak PSS, N=${n(big)}`, 'PSS ratio', `wall, N=${n(big)}`, 'note'],
    rows,
  );
}
