// Case 6, faults: a soak of "nothing is lost". 1e6 inputs, workers killed at random (probability
// 1e-4 per task start, on every attempt), --retries 3: every run must end with exactly the 1e6
// results and the right checksum, ten runs in a row, on both runtimes. Every run is checked, not
// only the warm-up, and the time of each is reported beside the number of deaths it survived.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutput, expectLines } from '../lib/check.js';
import { checkDir, seqFile } from '../lib/fixtures.js';
import type { RunContext } from '../lib/runner.js';
import { failureOf, runCommand } from '../lib/shell.js';
import type { CaseDef, Contender } from '../lib/types.js';

const PROBABILITY = 1e-4;

/** Lines of a file that may not exist (no worker died). */
function countLines(path: string): number {
  try {
    return readFileSync(path, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

export function faultsCase({ config, log }: RunContext): CaseDef {
  const n = config.quick ? 50_000 : 1_000_000;
  const runs = config.quick ? 2 : 10;
  const file = seqFile(config.outDir, n);
  const dir = checkDir(config.outDir, 'faults');
  const deathsLog = (id: string) => join(dir, `${id}.deaths`);
  const deaths = new Map<string, number[]>();
  const contender = (runtime: 'procs' | 'threads', how: string): Contender => ({
    id: `prun-${runtime}`,
    label: `prun --${runtime} 2 --retries 3, workers ${how} at random`,
    needs: ['prun'],
    command: ({ out }) =>
      `PRUN_CHAOS_P=${PROBABILITY} PRUN_CHAOS_LOG=${deathsLog(`prun-${runtime}`)} ${config.prun} map bench/contenders/chaos.ts ${file} --${runtime} 2 --retries 3 --no-progress > ${out}`,
  });
  const expected = expectLines(n, (i) => String((i + 1) * (i + 1)));
  return {
    name: 'faults',
    title: `faults: ${n.toLocaleString('en-US')} inputs, each task start kills its worker with probability ${PROBABILITY}, --retries 3, ${runs} checked runs in a row`,
    inputs: n,
    floors: [],
    contenders: [contender('procs', 'SIGKILLed'), contender('threads', 'calling process.exit')],
    expected: () => expected,
    notes: [
      'Every run, not only the warm-up, must print exactly the expected lines (count and order-independent checksum) and exit 0; one wrong run fails the contender.',
      'A death inside a batch re-runs the batch\'s unreported inputs one at a time, so a run survives its deaths at the cost of those re-runs; the lines under the table count the deaths of each run, from a log the script writes before it dies.',
    ],
    time: async (ok) => {
      const times = new Map<string, number[]>();
      for (const c of ok) {
        const samples: number[] = [];
        const counts: number[] = [];
        for (let run = 1; run <= runs; run++) {
          const out = join(dir, `${c.id}.out`);
          rmSync(deathsLog(c.id), { force: true });
          const outcome = await runCommand(c.command({ out, check: true }), { cwd: config.root, timeoutMs: config.timeoutMs });
          const failed = failureOf(outcome, config.timeoutMs) ?? (await checkOutput(out, expected)).problem;
          const died = countLines(deathsLog(c.id));
          if (failed) throw new Error(`${c.id} run ${run}: ${failed} (${died} deaths; output kept in ${out})`);
          rmSync(out, { force: true });
          log(`[faults] run ${run}/${runs} ${c.id}: ${(outcome.ms / 1000).toFixed(2)} s, ${died} worker deaths, output exact`);
          samples.push(outcome.ms);
          counts.push(died);
        }
        times.set(c.id, samples);
        deaths.set(c.id, counts);
      }
      return times;
    },
    summary: () => [...deaths].map(([id, counts]) => `${id}: ${counts.length} runs, every one exact; worker deaths per run: ${counts.join(', ')}.`),
  };
}
