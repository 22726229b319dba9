import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { writeFileWhole, writeNewFileOrNone } from '../../src/io/write-file-whole.js';
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

describe('writeNewFileOrNone', () => {
  const smallDisk = useSmallDisk(join(dir, 'small-disk-new'));

  test('writes the file whole; on a full disk throws ENOSPC and leaves nothing of it', async (t) => {
    writeNewFileOrNone(join(dir, 'block-0'), Buffer.from('abc'));
    assert.equal(await readFile(join(dir, 'block-0'), 'utf8'), 'abc');
    const mount = smallDisk(t);
    if (!mount) return;
    assert.throws(() => writeNewFileOrNone(join(mount, 'block-1'), 'x'.repeat(100_000), 'latin1'), { code: 'ENOSPC' });
    assert.deepEqual(await readdir(mount), []);
  });
});
