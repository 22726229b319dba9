// BENCH.md (and the console copy of it): machine, versions, then one section per case.
import { BUSY_THRESHOLD, describeBusy, type Busy } from './busy.js';
import type { Config } from './config.js';
import { formatLoad, type Machine } from './machine.js';
import { markdownTable, timeTable } from './table.js';
import type { CaseDef, ContenderResult } from './types.js';

export interface CaseReport {
  def: CaseDef;
  results: ContenderResult[];
  loadBefore: number[];
  loadAfter: number[];
  busy: Busy;
  seconds: number;
}

export function caseSection(index: number, r: CaseReport): string[] {
  const table = r.def.render ? r.def.render(r.results) : timeTable(r.def, r.results);
  return [
    `## ${index}. ${r.def.title}`,
    '',
    ...r.def.notes.map((n) => `- ${n}`),
    `- Load average (1/5/15 min) before the case: ${formatLoad(r.loadBefore)}; after: ${formatLoad(r.loadAfter)}. The case took ${r.seconds.toFixed(0)} s.`,
    r.busy.fraction > BUSY_THRESHOLD ? `- **Warning: ${describeBusy(r.busy)}; these numbers are not trustworthy.**` : `- ${describeBusy(r.busy)}.`,
    '',
    ...table,
    '',
    ...(r.def.summary ? [...r.def.summary(r.results), ''] : []),
  ];
}

export function report(config: Config, machine: Machine, cases: CaseReport[]): string {
  const notRun = cases.flatMap((c) =>
    c.results.flatMap((r) => (r.status === 'ok' ? [] : [`- ${c.def.name} / ${r.contender.label}: **${r.status}**: ${r.reason}`])),
  );
  const lines = [
    '# prun benchmarks',
    '',
    `Written by bench/run.ts (\`npm run bench\`) on ${machine.date}${config.quick ? ', **BENCH_QUICK=1: tiny sizes, a smoke test, not a measurement**' : ''}.`,
    `Each contender is a shell command run by \`/bin/sh -c\` with its stdout redirected; it runs once with its output checked (the warm-up), then ${config.runs} timed runs, round-robin over the contenders with the start rotating each round. Times are wall-clock medians; ratios divide medians by the case's floor(s).`,
    '',
    '## Machine',
    '',
    ...markdownTable(
      ['', ''],
      [
        ['cpu', machine.cpu],
        ['cores', String(machine.cores)],
        ['memory', `${machine.memoryGiB} GiB`],
        ['kernel', machine.kernel],
        ['load average (1/5/15 min) before', formatLoad(machine.loadBefore)],
        ['load average (1/5/15 min) after', formatLoad(machine.loadAfter)],
      ],
    ),
    '',
    ...markdownTable(['tool', 'version'], machine.versions),
    '',
    'The load average counts the contenders\' own processes (a reader and 2 workers make ~3) as well as anything else running on the machine; the "load 1m" columns give `os.loadavg()[0]` at the start of each run (median over the runs).',
    '',
    '## Skipped or failed contenders',
    '',
    ...(notRun.length > 0 ? notRun : ['None.']),
    '',
    ...cases.flatMap((c, i) => caseSection(i + 1, c)),
  ];
  return lines.join('\n');
}
