// What the numbers were measured on: the machine, its load, and the versions of every contender.
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import type { Peers } from './peers.js';

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  loadBefore: number[];
  loadAfter?: number[];
  versions: Array<[string, string]>;
}

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'not found';
  return `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown';
}

export function describeMachine(peers: Peers): Machine {
  const version = (need: Parameters<Peers['get']>[0]) => {
    const s = peers.get(need);
    return s?.ok ? s.detail : `missing (${s?.detail ?? 'not checked'})`;
  };
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    loadBefore: loadavg(),
    versions: [
      ['node', process.version],
      ['python', `${version('python')} (${peers.python})`],
      ['joblib', version('joblib')],
      ['piscina', version('piscina')],
      ['GNU parallel', version('parallel')],
      ['xargs', version('xargs')],
      ['curl', version('curl')],
      ['bash', firstLine('bash', ['--version'])],
      ['hyperfine', version('hyperfine')],
    ],
  };
}

export function formatLoad(load: readonly number[] | undefined): string {
  return load ? load.map((l) => l.toFixed(2)).join(' / ') : 'n/a';
}
