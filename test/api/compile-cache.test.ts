import assert from 'node:assert/strict';
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
