// The issues' targets, judged in the report under a case's table: one line each.
import { median } from './stats.js';
import type { ContenderResult } from './types.js';

/** A contender's median wall time (ms), NaN when it did not run. */
export function medianMs(results: readonly ContenderResult[], id: string): number {
  const result = results.find((r) => r.contender.id === id);
  return result?.status === 'ok' ? median(result.samples.map((s) => s.ms)) : Number.NaN;
}

/** `label: 1.23× (target ≤ 1.30: met)`, or that it was not measured. */
export function judged(label: string, ratio: number, target: number, at: 'most' | 'least'): string {
  if (!Number.isFinite(ratio)) return `${label}: not measured.`;
  const met = at === 'most' ? ratio <= target : ratio >= target;
  return `${label}: ${ratio.toFixed(2)}× (target ${at === 'most' ? '≤' : '≥'} ${target.toFixed(2)}: ${met ? 'met' : 'NOT met'}).`;
}
