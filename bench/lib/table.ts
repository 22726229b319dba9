// Markdown tables of medians and ratios to the case's floors.
import { median, min, max } from './stats.js';
import type { CaseDef, ContenderResult } from './types.js';

export function markdownTable(header: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return 'n/a';
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Median wall time of a contender, scaled to the case's input count when it ran on fewer inputs. */
export function scaledMedian(def: CaseDef, r: ContenderResult): number {
  if (r.status !== 'ok') return Number.NaN;
  const inputs = r.contender.inputs ?? def.inputs;
  return median(r.samples.map((s) => s.ms)) * (def.inputs / inputs);
}

export function timeTable(def: CaseDef, results: ContenderResult[]): string[] {
  const byId = new Map(results.map((r) => [r.contender.id, r]));
  const floors = def.floors.map((id) => ({ id, label: byId.get(id)?.contender.short ?? byId.get(id)?.contender.label ?? id, ms: scaledMedian(def, byId.get(id)!) }));
  const header = [
    'contender',
    'inputs',
    'median',
    'min – max',
    ...floors.map((f) => `× ${f.label}`),
    ...(def.perInputColumn ? [def.perInputColumn] : []),
    'in order',
    'load 1m',
    'note',
  ];
  const rows = results.map((r) => {
    const c = r.contender;
    const inputs = c.inputs ?? def.inputs;
    const blanks = (n: number) => Array<string>(n).fill('');
    if (r.status !== 'ok') {
      const tail = blanks(floors.length + (def.perInputColumn ? 1 : 0) + 3);
      tail[tail.length - 1] = [r.reason.replaceAll('|', '\\|'), c.note].filter(Boolean).join('; ');
      return [c.label, formatCount(inputs), `**${r.status}**`, '', ...tail];
    }
    const times = r.samples.map((s) => s.ms);
    const scaled = scaledMedian(def, r);
    const notes = [c.note, inputs !== def.inputs && !c.reference ? `capped: ratios use time × ${formatRatio(def.inputs / inputs)}` : undefined];
    const loads = r.samples.map((s) => s.load1).filter((l) => Number.isFinite(l));
    return [
      c.label,
      formatCount(inputs),
      formatMs(median(times)),
      `${formatMs(min(times))} – ${formatMs(max(times))}`,
      ...floors.map((f) => (c.reference ? '' : formatRatio(scaled / f.ms))),
      ...(def.perInputColumn ? [c.reference ? '' : (scaled / def.inputs).toFixed(2)] : []),
      r.ordered === undefined ? '' : r.ordered ? 'yes' : 'no',
      loads.length > 0 ? median(loads).toFixed(2) : '',
      notes.filter(Boolean).join('; '),
    ];
  });
  return markdownTable(header, rows);
}
