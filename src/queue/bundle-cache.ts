import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { linkStats } from '../system/sync-stat.js';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { PrunError } from '../errors.js';
import { makeDirectory } from '../io/make-directory.js';
import { describeSystemError } from '../io/system-error.js';
import { writeFileWhole } from '../io/write-file-whole.js';

/** Where under a node_modules the scripts are kept. */
const UNDER_MODULES = ['.cache', 'prun-queue'] as const;

/**
 * Where a worker keeps the scripts it fetched, by hash: under the node_modules nearest the
 * current folder (its own, or a parent's, as Node looks for packages), so that the packages
 * a script imports resolve from there, as they would for a script of that folder (was: the
 * current folder's only, so a worker started in a project's subfolder found none). Else a
 * folder of this user's in the temporary folder, which nobody else may write to: its name
 * is known to all, so one that someone else made (or left open to others) is not used, and a
 * fresh one is made instead.
 */
export function bundleDir(cwd = process.cwd()): string {
  const modules = nearestModules(cwd);
  if (modules) return join(modules, ...UNDER_MODULES);
  const uid = process.getuid?.();
  // one line and exit 2, as prun exec says a TMPDIR it cannot use (was: a stack trace, exit 1,
  // for a TMPDIR missing or a file)
  try {
    return tmpBundleDir(uid);
  } catch (error) {
    throw new PrunError('ERR_USAGE', `cannot make a folder for the scripts of the queue in ${tmpdir()} (TMPDIR): ${describeSystemError(error as NodeJS.ErrnoException)}`);
  }
}

/**
 * The node_modules whose packages the scripts kept in `scriptsDir` resolve from: the one it
 * was made under (bundleDir), or none for a folder in the temporary folder.
 */
export function packagesDirOf(scriptsDir: string): string | undefined {
  const modules = dirname(dirname(scriptsDir));
  return scriptsDir === join(modules, ...UNDER_MODULES) && basename(modules) === 'node_modules' ? modules : undefined;
}

/** This user's folder in the temporary folder, or a new one where that is not safely theirs. */
function tmpBundleDir(uid: number | undefined): string {
  const shared = join(tmpdir(), `prun-queue-${uid ?? 0}`);
  try {
    mkdirSync(shared, { mode: 0o700 });
  } catch {
    // it is there already: whose, and open to whom, is looked at below
  }
  const stat = linkStats(shared, { throwIfNoEntry: false });
  const ours = stat?.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0;
  return ours ? shared : mkdtempSync(join(tmpdir(), `prun-queue-${uid ?? 0}-`));
}

/** The nearest node_modules this user may write to, from `folder` up; undefined when none. */
function nearestModules(folder: string): string | undefined {
  for (let at = resolve(folder); ; at = dirname(at)) {
    const modules = join(at, 'node_modules');
    if (existsSync(modules)) {
      try {
        accessSync(modules, constants.W_OK);
        return modules;
      } catch {
        // not ours to write to (a system-wide folder): keep looking
      }
    }
    if (dirname(at) === at) return undefined;
  }
}

/**
 * A fetched bundle, written once. Its hash is checked when it is fetched, so that a bundle
 * swapped in Redis never runs, and again when it is found on disk, so that a file put there
 * by something else never runs either.
 */
export class BundleCache {
  private readonly paths = new Map<string, Promise<string | undefined>>();

  constructor(private readonly dir: string) {}

  /** The module's path, or undefined when the bundle is gone or is not what its hash says. */
  path(hash: string, fetch: () => Promise<string | undefined>): Promise<string | undefined> {
    let path = this.paths.get(hash);
    if (!path) {
      path = this.fetchOnce(hash, fetch);
      this.paths.set(hash, path);
      void path.then((found) => found ?? this.paths.delete(hash));
    }
    return path;
  }

  private async fetchOnce(hash: string, fetch: () => Promise<string | undefined>): Promise<string | undefined> {
    const target = join(this.dir, `${hash}.mjs`);
    if (sha256(await readFile(target).catch(() => '')) === hash) return target;
    const code = await fetch();
    if (code === undefined || sha256(code) !== hash) return undefined;
    makeDirectory(this.dir);
    // another worker here may be loading it
    await writeFileWhole(target, code);
    return target;
  }
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
