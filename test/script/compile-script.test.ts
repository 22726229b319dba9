import assert from 'node:assert/strict';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { bin, prun, root } from '../helpers/prun.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prun-compile-'));
  await chmod(dir, 0o755);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

// root reads files whatever their mode: the run is then made as nobody, to whom mode 000 means it
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
// ...which needs a checkout nobody can read (not one below a mode-700 folder, as mktemp -d makes)
const unreadableToUser = 'uid' in asUser && spawnSync('/bin/sh', ['-c', 'test -r "$0"', bin], asUser).status !== 0;

describe('an unreadable script', { skip: unreadableToUser && `nobody (uid 65534) cannot read ${bin}: the checkout is in a private folder` }, () => {
  test('chmod 000 script.ts: "cannot read: permission denied" names the script, not esbuild\'s internals, exit 2', async () => {
    const script = join(dir, 'script.ts');
    await copyFile(join(root, 'fixtures/square.ts'), script);
    await chmod(script, 0o000);
    const result = await prun(['map', 'script.ts', ':::', '1'], { cwd: dir, ...asUser, env: { PRUN_CACHE_DIR: join(dir, 'cache') } });
    assert.equal(result.exitCode, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'prun: script.ts: cannot read: permission denied');
  });

  test('a file it imports that cannot be read is named the same way', async () => {
    await writeFile(join(dir, 'main.ts'), "import { twice } from './helper.js';\nexport default (input: string) => twice(input);\n");
    await writeFile(join(dir, 'helper.ts'), 'export const twice = (input: string) => input + input;\n', { mode: 0o000 });
    const result = await prun(['map', 'main.ts', ':::', '1'], { cwd: dir, ...asUser, env: { PRUN_CACHE_DIR: join(dir, 'cache') } });
    assert.equal(result.exitCode, 2);
    assert.equal(result.stderr, 'prun: helper.ts: cannot read: permission denied');
  });
});

test("import.meta as a value names the script's own file, as import.meta.url does (was: `const { dirname } = import.meta` and import.meta.resolve() named the compile cache)", async () => {
  const folder = join(dir, 'meta');
  await mkdir(folder);
  await writeFile(join(folder, 'data.txt'), 'hello\n');
  await writeFile(
    join(folder, 'meta.ts'),
    [
      "import { readFileSync } from 'node:fs';",
      'const { dirname } = import.meta;',
      'const meta = import.meta as { filename: string; url: string };',
      "const data = readFileSync(`${dirname}/data.txt`, 'utf8').trim();",
      "export default (input: string) => [input, data, meta.filename, meta.url === import.meta.url, import.meta.resolve('./data.txt')].join(' ');",
      '',
    ].join('\n'),
  );
  const result = await prun(['map', 'meta.ts', ':::', 'x'], { cwd: folder, env: { PRUN_CACHE_DIR: join(dir, 'meta-cache') } });
  assert.equal(result.exitCode, 0, String(result.stderr));
  assert.equal(result.stdout, `x hello ${join(folder, 'meta.ts')} true ${pathToFileURL(join(folder, 'data.txt')).href}`);
});
