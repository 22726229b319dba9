import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, type TestContext } from 'node:test';

/** A small disk, or why none could be had: a tmpfs is mounted only as root. */
export type SmallDisk = { path: string; refused?: undefined } | { path?: undefined; refused: string };

/**
 * A tmpfs of `size` (64 kB by default) mounted at `target` (made here): a real full disk, which
 * writes reach in part and then fail with ENOSPC. Unmount it with unmountSmallDisk.
 */
export function mountSmallDisk(target: string, size = '64k'): SmallDisk {
  mkdirSync(target);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', target], { stdio: 'pipe' });
    return { path: target };
  } catch (error) {
    return { refused: String((error as { stderr?: unknown }).stderr ?? error).trim() };
  }
}

export function unmountSmallDisk(disk: SmallDisk | undefined): void {
  if (disk?.path) execFileSync('umount', [disk.path]);
}

/**
 * A small disk for the tests of the describe() block that calls this: mounted before them,
 * unmounted after. The returned function gives a test the mount point, or skips the test
 * (saying why) where none could be mounted.
 */
export function useSmallDisk(target: string, size?: string): (t: TestContext) => string | undefined {
  let disk: SmallDisk | undefined;
  before(() => {
    disk = mountSmallDisk(target, size);
  });
  after(() => {
    unmountSmallDisk(disk);
    // the mount point too, once nothing is mounted on it
    rmSync(target, { recursive: true, force: true });
  });
  return (t) => {
    if (!disk?.path) t.skip(`a small tmpfs cannot be mounted here (mount needs root): ${disk?.refused}`);
    return disk?.path;
  };
}

/**
 * Fills the small disk at `mount` to its last page: writes a file there until the disk says
 * ENOSPC (anything else is thrown). Returns that file's path, to free the room again.
 */
export function fillDisk(mount: string): string {
  const path = join(mount, 'filler');
  const filler = openSync(path, 'w');
  try {
    for (;;) writeSync(filler, Buffer.alloc(4096));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(filler);
  }
  return path;
}
