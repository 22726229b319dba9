// Times short commands with hyperfine (which subtracts its shell's start-up), interleaved like the
// runner: one hyperfine call per round over all commands, `perRound` runs each, warm-up in round 1.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

interface HyperfineJson {
  results: Array<{ command: string; times: number[] }>;
}

export function hyperfineTimes(
  commands: Array<{ id: string; command: string }>,
  options: { rounds: number; perRound: number; cwd: string; outDir: string; log: (line: string) => void },
): Map<string, number[]> {
  const times = new Map(commands.map((c) => [c.id, [] as number[]]));
  const json = join(options.outDir, 'hyperfine.json');
  for (let round = 0; round < options.rounds; round++) {
    const args = ['--style', 'none', '--runs', String(options.perRound), '--warmup', round === 0 ? '2' : '0', '--export-json', json];
    for (const c of commands) args.push('--command-name', c.id, c.command);
    const r = spawnSync('hyperfine', args, { cwd: options.cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`hyperfine failed: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`);
    const parsed = JSON.parse(readFileSync(json, 'utf8')) as HyperfineJson;
    parsed.results.forEach((res, i) => times.get(commands[i]!.id)!.push(...res.times.map((s) => s * 1000)));
    options.log(`[startup] hyperfine round ${round + 1}/${options.rounds} done`);
  }
  rmSync(json, { force: true });
  return times;
}
