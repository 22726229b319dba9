import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where a worker keeps the scripts it fetched, by hash: under the current folder's
 * node_modules when there is one, so that the packages a script imports resolve from
 * there, as they would for a script of that folder.
 */
export function bundleDir(cwd = process.cwd()): string {
  const modules = join(cwd, 'node_modules');
  return existsSync(modules) ? join(modules, '.cache', 'prun-queue') : join(tmpdir(), `prun-queue-${process.getuid?.() ?? 0}`);
}

/** A fetched bundle, written once; the hash is checked, so a bundle swapped in Redis never runs. */
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
    if (existsSync(target)) return target;
    const code = await fetch();
    if (code === undefined || createHash('sha256').update(code).digest('hex') !== hash) return undefined;
    await mkdir(this.dir, { recursive: true });
    // written whole under another name first: another worker here may be loading it
    const partial = `${target}.${process.pid}.partial`;
    await writeFile(partial, code);
    await rename(partial, target);
    return target;
  }
}
