import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { writeFileWhole } from '../../src/io/write-file-whole.js';
import { scratchDir } from '../helpers/files.js';
import { useSmallDisk } from '../helpers/small-disk.js';

const dir = scratchDir('write-file-whole');

describe('writeFileWhole', () => {
  const smallDisk = useSmallDisk(join(dir, 'small-disk'));

  test('replaces the file whole, and leaves no other file', async () => {
    const path = join(dir, 'module.mjs');
    await writeFile(path, 'old');
    await writeFileWhole(path, 'new');
    assert.equal(await readFile(path, 'utf8'), 'new');
    assert.deepEqual((await readdir(dir)).filter((name) => name.startsWith('module')), ['module.mjs']);
  });

  test('on a full disk: throws ENOSPC, the file as it was, nothing half-written left', async (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    const path = join(mount, 'module.mjs');
    await writeFile(path, 'old');
    await assert.rejects(writeFileWhole(path, 'x'.repeat(100_000)), { code: 'ENOSPC' });
    assert.equal(await readFile(path, 'utf8'), 'old');
    assert.deepEqual(await readdir(mount), ['module.mjs']);
  });
});
