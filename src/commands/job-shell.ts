import { accessSync, constants, readFileSync, readlinkSync } from 'node:fs';
import { pathStats } from '../system/sync-stat.js';
import { basename, join } from 'node:path';
import { usageError } from '../errors.js';

/** Shells that take `-c -- COMMAND` as sh does: the others (csh, fish, rc) run commands their own way. */
const SH_LIKE = new Set(['sh', 'ash', 'dash', 'bash', 'ksh', 'ksh93', 'mksh', 'pdksh', 'lksh', 'posh', 'yash', 'zsh', 'busybox']);

/** How far up prun's ancestors a shell is looked for (node, npx, env... sit between). */
const MAX_DEPTH = 8;

/**
 * The shell the jobs run in, as GNU parallel chooses it: `$PARALLEL_SHELL`, else the shell
 * prun was started from (its nearest ancestor that is a shell, so that bash functions
 * exported with `export -f` work), else `$SHELL`, else /bin/sh. Only shells that read
 * `-c -- COMMAND` as sh does are taken; another falls back to /bin/sh.
 */
export function jobShell(env: NodeJS.ProcessEnv = process.env, ppid: number = process.ppid): string {
  if (env.PARALLEL_SHELL) {
    // was: every job failed with exit 126, a lane's `Permission denied` a job
    if (!runnable(env.PARALLEL_SHELL, env.PATH)) throw usageError(`$PARALLEL_SHELL ${env.PARALLEL_SHELL}: no such shell (not an executable file)`);
    return env.PARALLEL_SHELL;
  }
  const parent = parentShell(ppid);
  if (parent) return parent;
  if (env.SHELL && SH_LIKE.has(basename(env.SHELL))) return env.SHELL;
  return '/bin/sh';
}

/**
 * The shell for the lanes themselves: /bin/sh (dash is the cheapest to fork from), unless the
 * environment holds bash functions (`export -f`): dash drops those variables (their names are
 * not names to it), so the jobs' bash would never see them; then the lanes are that bash.
 */
export function laneShell(shell: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (basename(shell) !== 'bash') return undefined;
  return Object.keys(env).some((name) => name.startsWith('BASH_FUNC_')) ? shell : undefined;
}

/** Whether `shell` names an executable file: a path, or a name found on PATH, as exec finds it. */
function runnable(shell: string, path = ''): boolean {
  const candidates = shell.includes('/') ? [shell] : path.split(':').map((dir) => join(dir || '.', shell));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return pathStats(file).isFile();
    } catch {
      return false;
    }
  });
}

function parentShell(start: number): string | undefined {
  let pid = start;
  for (let depth = 0; depth < MAX_DEPTH && pid > 1; depth++) {
    try {
      const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0] ?? '';
      const name = basename(argv0.replace(/^-/, ''));
      if (SH_LIKE.has(name) && name !== 'busybox') return readlinkSync(`/proc/${pid}/exe`);
      // the 4th field of /proc/PID/stat, after the command name in parentheses
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return undefined; // not Linux, or the process is gone
    }
  }
  return undefined;
}
