import { createHash } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { makeDirectory } from '../io/make-directory.js';
import { writeFileWhole } from '../io/write-file-whole.js';

/** A compiled script in the cache, and what it was compiled from. */
interface Manifest {
  bundler: string;
  module: string; // file name of the compiled module, beside the manifest
  exports: string[];
  inputs: FileStamp[];
}

/**
 * What tells a file changed without reading it, as git's index tells it: ctime and the inode
 * with size and mtime. mtime alone can be set back (`touch -r`, `cp -p`, `rsync -t`, `tar x`),
 * and a file rewritten to the same size with its mtime set back ran the old compile (was);
 * ctime is the kernel's, set to now by every change, and an editor that saves by rename makes
 * a new inode.
 */
interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export interface CachedModule {
  modulePath: string;
  exports: string[];
}

/**
 * Compiled scripts, kept between runs: a run whose script and its files have not changed
 * since the last compile loads neither esbuild nor its service process, which is most of
 * prun's start-up. Entries are never changed in place: a module file is named by its
 * content, and the manifest that points to it is replaced whole, by rename.
 */
export class CompileCache {
  constructor(readonly dir: string) {}

  static default(): CompileCache {
    const base = process.env.PRUN_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'prun');
    return new CompileCache(base);
  }

  async lookup(entry: string, bundler: string): Promise<CachedModule | undefined> {
    const manifest = await readFile(this.manifestPath(entry), 'utf8')
      .then((text) => JSON.parse(text) as Manifest)
      .catch(() => undefined);
    if (!manifest || manifest.bundler !== bundler) return undefined;
    const fresh = await Promise.all(
      manifest.inputs.map(async (input) => {
        const info = await stat(input.path).catch(() => undefined);
        return info !== undefined && sameStamp(stampOf(input.path, info), input);
      }),
    );
    if (!fresh.every(Boolean)) return undefined;
    const modulePath = join(this.dir, manifest.module);
    if (!(await stat(modulePath).catch(() => undefined))) return undefined;
    return { modulePath, exports: manifest.exports };
  }

  /** Stores a compiled module; undefined when the cache cannot be written. */
  async store(entry: string, bundler: string, code: string, exports: string[], inputs: string[]): Promise<CachedModule | undefined> {
    try {
      makeDirectory(this.dir);
      const module = `${hash(entry)}-${hash(code)}.mjs`;
      const modulePath = join(this.dir, module);
      await writeFileWhole(modulePath, code);
      const stats = await Promise.all(inputs.map(async (path) => stampOf(path, await stat(path))));
      const manifest: Manifest = { bundler, module, exports, inputs: stats };
      const previous = await readFile(this.manifestPath(entry), 'utf8').then((text) => (JSON.parse(text) as Manifest).module).catch(() => undefined);
      await writeFileWhole(this.manifestPath(entry), JSON.stringify(manifest));
      if (previous && previous !== module) await rm(join(this.dir, previous), { force: true });
      return { modulePath, exports };
    } catch {
      return undefined;
    }
  }

  private manifestPath(entry: string): string {
    return join(this.dir, `${hash(entry)}.json`);
  }
}

function stampOf(path: string, info: Omit<FileStamp, 'path'>): FileStamp {
  return { path, size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino };
}

/** A manifest of an older prun has no ctime or inode: its entry is compiled again, once. */
function sameStamp(now: FileStamp, then: FileStamp): boolean {
  return now.size === then.size && now.mtimeMs === then.mtimeMs && now.ctimeMs === then.ctimeMs && now.ino === then.ino;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
