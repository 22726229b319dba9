// Reads the harness's environment variables once; everything else receives a Config.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const CASE_NAMES = ['map', 'cpu', 'exec', 'memory', 'startup', 'faults', 'queue', 'queue-scale', 'crawl'] as const;
export type CaseName = (typeof CASE_NAMES)[number];

export const DEFAULT_PRUN = './bin/prun.js';

export interface Config {
  /** The prun executable the prun rows run (BENCH_PRUN, default ./bin/prun.js): compare builds. */
  prun: string;
  /** Timed runs per contender, after one checked warm-up run (BENCH_RUNS, default 5). */
  runs: number;
  cases: CaseName[];
  /** Tiny sizes for a smoke test (BENCH_QUICK=1). */
  quick: boolean;
  /** Where the report goes (BENCH_OUT; BENCH.md, or bench/.out/BENCH.quick.md in quick mode). */
  reportPath: string;
  /** Skips calibration when set (BENCH_FIB_N). */
  fibN: number | undefined;
  /** Longest a single run may take before it is killed and reported as failed (BENCH_TIMEOUT_S). */
  timeoutMs: number;
  /** How long to wait before each case for other work to stop (BENCH_QUIET_WAIT_S, default 120). */
  quietWaitMs: number;
  root: string;
  outDir: string;
}

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name}=${JSON.stringify(raw)}: expected a positive integer`);
  }
  return value;
}

function parseCases(raw: string | undefined): CaseName[] {
  if (raw === undefined || raw.trim() === '') return [...CASE_NAMES];
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const name of names) {
    if (!(CASE_NAMES as readonly string[]).includes(name)) {
      throw new Error(`BENCH_CASES: unknown case ${JSON.stringify(name)}; expected a comma list of ${CASE_NAMES.join(', ')}`);
    }
  }
  return CASE_NAMES.filter((name) => names.includes(name));
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const quick = env.BENCH_QUICK === '1';
  const outDir = join(ROOT, 'bench', '.out');
  return {
    prun: env.BENCH_PRUN || DEFAULT_PRUN,
    runs: positiveInt(env, 'BENCH_RUNS', 5),
    cases: parseCases(env.BENCH_CASES),
    quick,
    reportPath: env.BENCH_OUT || (quick ? join(outDir, 'BENCH.quick.md') : join(ROOT, 'BENCH.md')),
    fibN: env.BENCH_FIB_N ? positiveInt(env, 'BENCH_FIB_N', 30) : undefined,
    timeoutMs: positiveInt(env, 'BENCH_TIMEOUT_S', quick ? 60 : 300) * 1000,
    quietWaitMs: (env.BENCH_QUIET_WAIT_S === '0' ? 0 : positiveInt(env, 'BENCH_QUIET_WAIT_S', quick ? 5 : 120)) * 1000,
    root: ROOT,
    outDir,
  };
}
