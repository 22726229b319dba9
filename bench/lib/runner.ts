// Runs one case: a checked warm-up run of every contender, then BENCH_RUNS rounds that run each
// contender once (round-robin, the start rotating every round, so slow drifts of the machine hit
// every contender alike); the report takes medians.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutput } from './check.js';
import type { Config } from './config.js';
import { checkDir } from './fixtures.js';
import { missingNeed, type Peers } from './peers.js';
import { failureOf, runCommand } from './shell.js';
import type { CaseDef, Contender, ContenderResult, Sample } from './types.js';

export interface RunContext {
  config: Config;
  peers: Peers;
  log: (line: string) => void;
}

/** How long one run of the case's contenders may take. */
const timeoutOf = (def: CaseDef, ctx: RunContext): number => Math.max(ctx.config.timeoutMs, def.minTimeoutMs ?? 0);

type Slot = { contender: Contender; samples: Sample[]; ordered: boolean | undefined; failed?: string };

async function warmUpAndCheck(def: CaseDef, c: Contender, ctx: RunContext): Promise<Slot> {
  const out = join(checkDir(ctx.config.outDir, def.name), `${c.id}.out`);
  rmSync(out, { force: true });
  await def.beforeRun?.(c);
  const run = await runCommand(c.command({ out, check: true }), { cwd: ctx.config.root, timeoutMs: timeoutOf(def, ctx) });
  await def.afterRun?.(c);
  const failed = failureOf(run, timeoutOf(def, ctx));
  if (failed) return { contender: c, samples: [], ordered: undefined, failed };
  const outcome = await checkOutput(out, def.expected(c)).catch((e: Error) => ({ problem: `no output: ${e.message}`, ordered: undefined }));
  if (outcome.problem) return { contender: c, samples: [], ordered: outcome.ordered, failed: `${outcome.problem} (kept in ${out})` };
  rmSync(out, { force: true });
  return { contender: c, samples: [], ordered: outcome.ordered };
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export async function runCase(def: CaseDef, ctx: RunContext): Promise<ContenderResult[]> {
  await def.setUp?.();
  try {
    return await runContenders(def, ctx);
  } finally {
    await def.tearDown?.();
  }
}

async function runContenders(def: CaseDef, ctx: RunContext): Promise<ContenderResult[]> {
  const skipped = new Map<string, string>();
  for (const c of def.contenders) {
    const reason = missingNeed(ctx.peers, c.needs);
    if (reason) skipped.set(c.id, reason);
  }
  const slots: Slot[] = [];
  for (const c of def.contenders.filter((c) => !skipped.has(c.id))) {
    const slot = await warmUpAndCheck(def, c, ctx);
    ctx.log(`[${def.name}] warm-up ${c.id}: ${slot.failed ? `FAILED ${slot.failed}` : 'output ok'}`);
    slots.push(slot);
  }
  const live = () => slots.filter((s) => !s.failed);
  if (def.time) {
    try {
      const times = await def.time(live().map((s) => s.contender));
      for (const s of live()) s.samples = (times.get(s.contender.id) ?? []).map((ms) => ({ ms, load1: Number.NaN }));
    } catch (error) {
      for (const s of live()) s.failed = `timing failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  } else {
    const runs = Math.min(ctx.config.runs, def.maxRuns ?? Number.POSITIVE_INFINITY);
    for (let round = 0; round < runs; round++) {
      const order = live();
      for (let k = 0; k < order.length; k++) {
        const s = order[(k + round) % order.length]!;
        await def.beforeRun?.(s.contender);
        const run = await runCommand(s.contender.command({ out: '/dev/null', check: false }), {
          cwd: ctx.config.root,
          timeoutMs: timeoutOf(def, ctx),
          sampleMemory: def.memory,
        });
        const extra = await def.afterRun?.(s.contender);
        const failed = failureOf(run, timeoutOf(def, ctx));
        if (failed) s.failed = `run ${round + 1}: ${failed}`;
        else s.samples.push({ ms: run.ms, rssKb: run.memory?.rssKb, pssKb: run.memory?.pssKb, load1: run.load1, extra });
        const mem = run.memory ? `, ${(run.memory.rssKb / 1024).toFixed(0)} MB` : '';
        ctx.log(`[${def.name}] run ${round + 1}/${runs} ${s.contender.id}: ${failed ? `FAILED ${failed}` : fmt(run.ms) + mem}`);
      }
    }
  }
  const bySlot = new Map(slots.map((s) => [s.contender.id, s]));
  return def.contenders.map((contender): ContenderResult => {
    const reason = skipped.get(contender.id);
    if (reason) return { contender, status: 'skipped', reason };
    const s = bySlot.get(contender.id)!;
    if (s.failed) return { contender, status: 'failed', reason: s.failed };
    return { contender, status: 'ok', samples: s.samples, ordered: s.ordered };
  });
}
