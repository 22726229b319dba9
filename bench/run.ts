// `npm run bench`: find the peers, run the selected cases, print the tables and write BENCH.md.
// Environment: BENCH_RUNS (timed runs, default 5), BENCH_CASES (comma list of map,cpu,exec,memory,
// startup,faults,queue,queue-scale,crawl), BENCH_QUICK=1 (tiny sizes; report to bench/.out/BENCH.quick.md), BENCH_OUT (report path),
// BENCH_FIB_N (skip the fib calibration), BENCH_TIMEOUT_S (per run, default 300), BENCH_PRUN (the
// prun executable, default ./bin/prun.js), BENCH_QUIET_WAIT_S (how long to wait before a case for the
// machine to be quiet, default 120).
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { relative } from 'node:path';
import { cpuCase } from './cases/cpu.js';
import { crawlCase } from './cases/crawl.js';
import { execCase } from './cases/exec.js';
import { faultsCase } from './cases/faults.js';
import { mapCase } from './cases/map.js';
import { queueCase } from './cases/queue.js';
import { queueScaleCase } from './cases/queue-scale.js';
import { memoryCase } from './cases/memory.js';
import { startupCase } from './cases/startup.js';
import { BUSY_THRESHOLD, describeBusy, waitQuiet } from './lib/busy.js';
import { readConfig, type CaseName } from './lib/config.js';
import { describeMachine } from './lib/machine.js';
import { findPeers, missingNeed } from './lib/peers.js';
import { caseSection, report, type CaseReport } from './lib/report.js';
import { runCase, type RunContext } from './lib/runner.js';
import type { CaseDef } from './lib/types.js';

const CASES: Record<CaseName, (ctx: RunContext) => CaseDef> = {
  map: mapCase,
  cpu: cpuCase,
  exec: execCase,
  memory: memoryCase,
  startup: startupCase,
  faults: faultsCase,
  queue: queueCase,
  'queue-scale': queueScaleCase,
  crawl: crawlCase,
};

async function main(): Promise<void> {
  const config = readConfig();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  mkdirSync(config.outDir, { recursive: true });
  const peers = findPeers(config.root, config.prun, log);
  const machine = describeMachine(peers);
  const ctx: RunContext = { config, peers, log };
  log(`bench: cases ${config.cases.join(', ')}; ${config.runs} runs${config.quick ? '; QUICK sizes' : ''}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const defs = config.cases.map((name) => CASES[name](ctx));
  for (const def of defs) {
    for (const c of def.contenders) {
      const reason = missingNeed(peers, c.needs);
      if (reason) log(`skipping ${def.name} / ${c.label}: ${reason}`);
    }
  }

  const reports: CaseReport[] = [];
  for (const [i, def] of defs.entries()) {
    const busy = await waitQuiet(BUSY_THRESHOLD, config.quietWaitMs, log);
    if (busy.fraction > BUSY_THRESHOLD) log(`[${def.name}] warning: ${describeBusy(busy)}`);
    const loadBefore = loadavg();
    const t0 = performance.now();
    const results = await runCase(def, ctx);
    const caseReport = { def, results, loadBefore, loadAfter: loadavg(), busy, seconds: (performance.now() - t0) / 1000 };
    reports.push(caseReport);
    process.stdout.write(`\n${caseSection(i + 1, caseReport).join('\n')}\n`);
  }
  machine.loadAfter = loadavg();
  writeFileSync(config.reportPath, report(config, machine, reports) + '\n');
  log(`\nwrote ${relative(process.cwd(), config.reportPath) || config.reportPath}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
