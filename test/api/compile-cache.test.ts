import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { lines, prun } from '../helpers/prun.js';
import { scratchDir } from '../helpers/files.js';

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

test('regression: a cache folder that cannot be made (under /proc) leaves the script uncached, and the run goes on (was: prun spun for ever, even past SIGTERM)', { skip: !existsSync('/proc/self') }, async () => {
  const result = await prun(['map', 'fixtures/square.ts', ':::', '3'], { env: { PRUN_CACHE_DIR: '/proc/prun-not-there/cache' }, timeout: 30_000 });
  assert.equal(result.timedOut, false);
  assert.equal(result.exitCode, 0, String(result.stderr));
  assert.equal(result.stdout, '9');
});
