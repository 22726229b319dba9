import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { makeDirectory } from '../../src/io/make-directory.js';
import { scratchDir } from '../helpers/files.js';
import { HUNG_MS, root } from '../helpers/prun.js';

const dir = scratchDir('make-directory');

test('makes the folders missing above the path, and is content with one that is there', () => {
  const deep = join(dir, 'a', 'b', 'c');
  makeDirectory(deep);
  assert.ok(statSync(deep).isDirectory());
  makeDirectory(deep);
  makeDirectory(dir);
});

test('a file in the way is the error mkdir gives', () => {
  writeFileSync(join(dir, 'file'), '');
  assert.throws(() => makeDirectory(join(dir, 'file', 'sub')), { code: 'ENOTDIR' });
});

test('a file where the folder should be is EEXIST, as mkdir -p says (was: taken for the folder: every job of --results FILE failed)', () => {
  writeFileSync(join(dir, 'plain'), '');
  assert.throws(() => makeDirectory(join(dir, 'plain')), { code: 'EEXIST' });
});

test('regression: a path under /proc throws ENOENT (was: mkdirSync recursive spun for ever at 100% CPU)', { skip: !existsSync('/proc/self') }, async () => {
  // in a child: were it to spin, this test's own event loop would stop with it
  const script = `import { makeDirectory } from './src/io/make-directory.ts'; try { makeDirectory('/proc/prun-not-there/sub'); } catch (error) { console.log(error.code); }`;
  const result = await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, reject: false, timeout: HUNG_MS });
  assert.equal(result.timedOut, false);
  assert.equal(result.stdout, 'ENOENT');
});
