import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../helpers/files.js';
import { bin, root } from '../helpers/prun.js';

const dir = scratchDir('output-files');

test('regression: an input that is the file stdout appends to is refused, exit 2, for map and exec, named or on stdin (was: its results read back as inputs, 15 million for 300,000)', () => {
  const runs: [string[], 'named' | 'stdin'][] = [
    [['map', 'fixtures/square.ts', 'INPUT'], 'named'],
    [['map', 'fixtures/square.ts'], 'stdin'],
    [['exec', 'echo', '::::', 'INPUT'], 'named'],
    [['exec', '--pipe', 'cat'], 'stdin'],
  ];
  for (const [i, [args, how]] of runs.entries()) {
    const input = join(dir, `in-${i}.txt`);
    writeFileSync(input, '1\n2\n3\n');
    // stdout appends to the input, as `>> in.txt` does, stdin opened on it as `< in.txt` does
    const out = openSync(input, 'a');
    const stdin = openSync(how === 'stdin' ? input : '/dev/null', 'r');
    const run = spawnSync(bin, args.map((arg) => (arg === 'INPUT' ? input : arg)), { cwd: root, stdio: [stdin, out, 'pipe'], encoding: 'utf8', timeout: 60_000 });
    closeSync(out);
    closeSync(stdin);
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, how === 'stdin' ? /^prun: stdin is stdout's file too/ : /^prun: input \S+ is stdout's file too/);
    assert.equal(readFileSync(input, 'utf8'), '1\n2\n3\n');
  }
});

test('an input beside stdout in another file runs as ever', () => {
  const input = join(dir, 'apart.txt');
  writeFileSync(input, '1\n2\n');
  const out = openSync(join(dir, 'apart-out.txt'), 'w');
  const run = spawnSync(bin, ['map', 'fixtures/square.ts', input], { cwd: root, stdio: ['ignore', out, 'pipe'], encoding: 'utf8', timeout: 60_000 });
  closeSync(out);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(readFileSync(join(dir, 'apart-out.txt'), 'utf8'), '1\n4\n');
});
