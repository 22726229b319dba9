import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { root, runtimes } from '../helpers/prun.js';

// prun as pnpm or `npm link` leaves it: its own files real, its packages behind a symbolic link
let dir: string;
let linked: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prun-sync-stat-'));
  linked = join(dir, 'prun');
  for (const part of ['bin', 'dist', 'package.json']) await cp(join(root, part), join(linked, part), { recursive: true });
  await symlink(join(root, 'node_modules'), join(linked, 'node_modules'));
  await writeFile(join(dir, 'square.ts'), 'export default (x: string) => Number(x) * Number(x);\n');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

for (const runtime of runtimes) {
  test(`${runtime}: regression: a first compile, inputs from a pipe and the progress bar on, with prun's packages behind a symbolic link, runs (was: "prun: square.ts: esbuild.build is not a function", exit 2: a stat of stdin left Node's realpath cache unable to resolve the link, nodejs/node#51142)`, async () => {
    const result = await execa('/bin/sh', ['-c', `seq 5 | "${process.execPath}" "${join(linked, 'bin/prun.js')}" map square.ts ${runtime} 2 --progress > out.txt`], {
      cwd: dir,
      reject: false,
      // a new cache folder a run: the script is compiled, never found there
      env: { PRUN_CACHE_DIR: join(dir, `cache${runtime}`) },
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(await readFile(join(dir, 'out.txt'), 'utf8'), '1\n4\n9\n16\n25\n');
  });
}
