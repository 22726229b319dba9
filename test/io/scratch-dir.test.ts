import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { isDiskFull, makeScratchDir, removeScratchDir } from '../../src/io/scratch-dir.js';
import { scratchDir } from '../helpers/files.js';
import { fillDisk, useSmallDisk } from '../helpers/small-disk.js';

const dir = scratchDir('scratch-dir');

/** Runs `body` with TMPDIR unset, as where the default is /dev/shm. */
function withoutTmpdir<T>(body: () => T): T {
  const saved = process.env.TMPDIR;
  delete process.env.TMPDIR;
  try {
    return body();
  } finally {
    if (saved !== undefined) process.env.TMPDIR = saved;
  }
}

describe('the scratch folder of jobs\' output', () => {
  const smallDisk = useSmallDisk(join(dir, 'small-disk'));

  test('isDiskFull: not while there is room, yes once a write has met ENOSPC there, no again once freed', (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    assert.equal(isDiskFull(mount), false);
    const filler = fillDisk(mount);
    assert.equal(isDiskFull(mount), true);
    rmSync(filler);
    assert.equal(isDiskFull(mount), false);
  });

  test('a folder that cannot be made is ERR_USAGE, naming the folder and where it was given', () => {
    const missing = join(dir, 'not-there');
    assert.throws(() => makeScratchDir(missing), (error: Error & { code?: string }) => error.code === 'ERR_USAGE' && error.message.includes(`${missing} (--tmpdir)`));
  });

  test('isDiskFull of a folder that is gone says nothing of room: false', () => {
    assert.equal(isDiskFull(join(dir, 'not-there')), false);
  });

  test('the memory folder is chosen by default only when it has room for a slow reader\'s held output (was: a 64 MiB /dev/shm, as Docker gives, cut outputs short)', (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    const small = withoutTmpdir(() => makeScratchDir(undefined, mount));
    try {
      assert.equal(dirname(small), tmpdir());
    } finally {
      removeScratchDir(small);
    }
    const roomy = withoutTmpdir(() => makeScratchDir(undefined, dir));
    try {
      assert.equal(dirname(roomy), dir);
    } finally {
      removeScratchDir(roomy);
    }
  });

  test('a folder given (--tmpdir) is used whatever its room', (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    const made = makeScratchDir(mount);
    try {
      assert.equal(dirname(made), mount);
    } finally {
      removeScratchDir(made);
    }
  });
});
