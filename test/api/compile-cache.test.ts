import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { HUNG_MS, lines, prun } from '../helpers/prun.js';
import { scratchDir } from '../helpers/files.js';
import { fillDisk, useSmallDisk } from '../helpers/small-disk.js';

const dir = scratchDir('cache');

test('a script changed since the last run is compiled again, its imports too', async () => {
  const env = { PRUN_CACHE_DIR: join(dir, 'cache') };
  const script = join(dir, 'script.ts');
  const helper = join(dir, 'helper.ts');
  await writeFile(helper, 'export const add = 1;\n');
  await writeFile(script, "import { add } from './helper';\nexport default (x: string) => Number(x) + add;\n");
  assert.deepEqual(lines((await prun(['map', script, ':::', '1'], { env })).stdout), ['2']);
  assert.deepEqual(lines((await prun(['map', script, ':::', '1'], { env })).stdout), ['2']);
  await writeFile(helper, 'export const add = 100;\n');
  assert.deepEqual(lines((await prun(['map', script, ':::', '1'], { env })).stdout), ['101']);
  await writeFile(script, "import { add } from './helper';\nexport default (x: string) => Number(x) - add;\n");
  assert.deepEqual(lines((await prun(['map', script, ':::', '1'], { env })).stdout), ['-99']);
});

test('a script rewritten to the same size with its mtime set back (touch -r, cp -p, rsync -t) is compiled again (was: the old code ran)', async () => {
  const env = { PRUN_CACHE_DIR: join(dir, 'cache-stamp') };
  const script = join(dir, 'stamped.ts');
  // a whole second, which every file system keeps exactly
  const stamp = 1_700_000_000;
  await writeFile(script, "export default () => 'AAA';\n");
  await utimes(script, stamp, stamp);
  assert.deepEqual(lines((await prun(['map', script, ':::', 'x'], { env })).stdout), ['AAA']);
  await writeFile(script, "export default () => 'BBB';\n");
  await utimes(script, stamp, stamp);
  assert.equal((await stat(script)).mtimeMs, stamp * 1000);
  assert.deepEqual(lines((await prun(['map', script, ':::', 'x'], { env })).stdout), ['BBB']);
});

test('regression: a cache folder that cannot be made (under /proc) leaves the script uncached, and the run goes on (was: prun spun for ever, even past SIGTERM)', { skip: !existsSync('/proc/self') }, async () => {
  const result = await prun(['map', 'fixtures/square.ts', ':::', '3'], { env: { PRUN_CACHE_DIR: '/proc/prun-not-there/cache' }, timeout: HUNG_MS });
  assert.equal(result.timedOut, false);
  assert.equal(result.exitCode, 0, String(result.stderr));
  assert.equal(result.stdout, '9');
});

describe('the compiled script on a full disk', () => {
  const smallDisk = useSmallDisk(join(dir, 'small-disk'));

  test('no room in the cache nor in TMPDIR: one line naming the script, exit 2, nothing left behind (was: a stack trace, exit 1, a folder left)', async (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    fillDisk(mount);
    const cache = join(mount, 'cache');
    const result = await prun(['map', 'fixtures/square.ts', ':::', '3'], { env: { PRUN_CACHE_DIR: cache, TMPDIR: mount } });
    assert.equal(result.exitCode, 2, String(result.stderr));
    assert.equal(result.stdout, '');
    assert.equal(lines(String(result.stderr).trimEnd()).length, 1, String(result.stderr));
    assert.match(String(result.stderr), /fixtures\/square\.ts/);
    // the filler, and the cache's folder with nothing half-written in it
    assert.deepEqual((await readdir(mount)).sort(), ['cache', 'filler']);
    assert.deepEqual(await readdir(cache), []);
  });
});
