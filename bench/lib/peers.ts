// Finds the peers on this machine and installs the missing ones with apt-get when we are root.
// A peer that cannot be found is not an error: its contenders are skipped with the reason.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { DEFAULT_PRUN } from './config.js';
import type { Need } from './types.js';

export interface PeerStatus {
  ok: boolean;
  /** Why it is missing, or what was found ("GNU parallel 20221122"). */
  detail: string;
}

export type Peers = Map<Need, PeerStatus> & { python: string };

/** Debian packages that provide each peer. */
const APT: Partial<Record<Need, string>> = {
  parallel: 'parallel',
  xargs: 'findutils',
  hyperfine: 'hyperfine',
  python: 'python3',
  joblib: 'python3-joblib',
  curl: 'curl',
};

function firstLine(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim() !== '')?.trim();
}

/**
 * The Python for the python contenders: Debian's /usr/bin/python3, because python3-joblib installs
 * into it, and `python3` on PATH may be a pyenv build without joblib.
 */
function pickPython(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function detect(need: Need, root: string, python: string, prun: string): PeerStatus {
  const found = (detail: string | undefined, missing: string): PeerStatus =>
    detail ? { ok: true, detail } : { ok: false, detail: missing };
  switch (need) {
    case 'parallel': {
      const v = firstLine('parallel', ['--version']);
      return found(v?.startsWith('GNU parallel') ? v : undefined, v ? `"parallel" is not GNU parallel (${v})` : 'GNU parallel not found');
    }
    case 'xargs':
      return found(firstLine('xargs', ['--version']), 'xargs not found');
    case 'hyperfine':
      return found(firstLine('hyperfine', ['--version']), 'hyperfine not found');
    case 'python':
      return found(firstLine(python, ['--version']), `${python} not found`);
    case 'joblib': {
      const v = firstLine(python, ['-c', 'import joblib; print(joblib.__version__)']);
      return found(v && `joblib ${v}`, `joblib not importable by ${python}`);
    }
    case 'piscina': {
      try {
        // piscina's `exports` hides its package.json: resolve the entry, then read the file beside dist/.
        const entry = createRequire(join(root, 'package.json')).resolve('piscina');
        const pkg = join(dirname(entry), '..', 'package.json');
        return found(`piscina ${JSON.parse(readFileSync(pkg, 'utf8')).version}`, '');
      } catch {
        return found(undefined, 'piscina not installed in node_modules (npm install)');
      }
    }
    case 'prun': {
      const bin = isAbsolute(prun) ? prun : join(root, prun);
      if (!existsSync(bin)) return found(undefined, `${prun} does not exist yet`);
      if (prun === DEFAULT_PRUN && !existsSync(join(root, 'dist'))) return found(undefined, 'dist/ missing: run `npm run build`');
      return found(prun, '');
    }
    case 'curl':
      return found(firstLine('curl', ['--version']), 'curl not found');
    case 'prun-key-rate': {
      // The per-key limiter (issue 11) may not be in the prun being measured: its rows are skipped then.
      const help = spawnSync(isAbsolute(prun) ? prun : join(root, prun), ['map', '--help'], { cwd: root, encoding: 'utf8' });
      return found(help.stdout?.includes('--key-rate') ? `${prun} map --key-rate` : undefined, `${prun} map has no --key-rate (the per-key limiter)`);
    }
  }
}

const ALL_NEEDS: Need[] = ['python', 'joblib', 'parallel', 'xargs', 'piscina', 'prun', 'hyperfine', 'curl', 'prun-key-rate'];

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Detects every peer, apt-installs what is missing and installable when root, then detects again. */
export function findPeers(root: string, prun: string, log: (line: string) => void): Peers {
  const python = pickPython();
  const status = new Map(ALL_NEEDS.map((n) => [n, detect(n, root, python, prun)] as const));
  const missing = ALL_NEEDS.filter((n) => !status.get(n)!.ok && APT[n] !== undefined);
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((n) => APT[n]!))];
    if (!isRoot()) {
      log(`not root: not installing ${packages.join(' ')}`);
    } else if (!existsSync('/usr/bin/apt-get')) {
      log(`no apt-get: not installing ${packages.join(' ')}`);
    } else {
      log(`installing with apt-get: ${packages.join(' ')}`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
      const r = spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
      if (r.status !== 0) log(`apt-get install failed (exit ${r.status}); the contenders that need them are skipped`);
      for (const n of missing) status.set(n, detect(n, root, python, prun));
    }
  }
  return Object.assign(status, { python });
}

/** Why a contender with these needs cannot run, or undefined when it can. */
export function missingNeed(peers: Peers, needs: readonly Need[] = []): string | undefined {
  const reasons = needs.map((n) => peers.get(n)).filter((s) => s && !s.ok).map((s) => s!.detail);
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}
