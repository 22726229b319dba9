import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BundleCache, bundleDir, packagesDirOf } from '../../src/queue/bundle-cache.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

test('a bundle found on disk whose content is not what its hash says is fetched again, never run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'prun-bundle-cache-'));
  try {
    const code = 'export default (x) => x;\n';
    const hash = sha256(code);
    writeFileSync(join(dir, `${hash}.mjs`), 'export default () => "planted";\n');
    let fetched = 0;
    const path = await new BundleCache(dir).path(hash, async () => {
      fetched++;
      return code;
    });
    assert.equal(readFileSync(path!, 'utf8'), code);
    assert.equal(fetched, 1);
    // one whose content matches is used as it is
    assert.equal(await new BundleCache(dir).path(hash, async () => assert.fail('fetched again')), path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without ./node_modules, the cache is a folder of this user\'s that nobody else may write to', () => {
  const root = mkdtempSync(join(tmpdir(), 'prun-bundle-dir-'));
  const saved = process.env.TMPDIR;
  try {
    process.env.TMPDIR = root;
    const dir = bundleDir(root);
    assert.equal(dir, join(root, `prun-queue-${process.getuid!()}`));
    assert.equal(statSync(dir).mode & 0o077, 0);
    // the known name, left open to others: not used
    chmodSync(dir, 0o777);
    const other = bundleDir(root);
    assert.notEqual(other, dir);
    assert.equal(statSync(other).mode & 0o077, 0);
    mkdirSync(join(root, 'node_modules'));
    assert.equal(bundleDir(root), join(root, 'node_modules', '.cache', 'prun-queue'));
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(root, { recursive: true, force: true });
  }
});

test("in a project's subfolder, the cache is under the nearest node_modules above, where Node finds the project's packages (was: the temporary folder, where none resolve)", () => {
  const project = mkdtempSync(join(tmpdir(), 'prun-bundle-project-'));
  try {
    mkdirSync(join(project, 'node_modules'));
    mkdirSync(join(project, 'jobs', 'today'), { recursive: true });
    assert.equal(bundleDir(join(project, 'jobs', 'today')), join(project, 'node_modules', '.cache', 'prun-queue'));
    assert.equal(bundleDir(project), join(project, 'node_modules', '.cache', 'prun-queue'));
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test('packagesDirOf: the node_modules a scripts folder under one resolves from; none for one in the temporary folder', () => {
  assert.equal(packagesDirOf(join('/p', 'node_modules', '.cache', 'prun-queue')), join('/p', 'node_modules'));
  assert.equal(packagesDirOf(join('/tmp', 'prun-queue-0')), undefined);
  assert.equal(packagesDirOf(join('/p', 'other', '.cache', 'prun-queue')), undefined);
});
