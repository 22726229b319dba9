import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLine, parseJobs, refuseOldForm } from '../../src/cli/exec-argv.js';
import { PrunError } from '../../src/errors.js';
import { bracesAreReplaced } from '../../src/commands/template.js';
import { execa } from 'execa';
import { bin, lines, prun } from '../helpers/prun.js';

test('the command words are joined by spaces, as GNU parallel joins them; -q quotes each but its replacement strings', () => {
  assert.equal(commandLine(['gzip', '-9'], false), 'gzip -9');
  assert.equal(commandLine(['echo hi {}'], false), 'echo hi {}');
  const quote = (braced: string) => bracesAreReplaced(braced);
  assert.equal(commandLine(['perl', '-e', 'print "@ARGV\\n"'], quote), `perl -e 'print "@ARGV\\n"'`);
  assert.equal(commandLine(['a b{}c d'], quote), `'a b'{}'c d'`);
  // regression: every brace was left bare, so awk's, jq's and the shell's braces reached the shell unquoted
  assert.equal(commandLine(['awk', '{print $1}', '{}'], quote), `awk '{print $1}' {}`);
  assert.equal(commandLine(['echo', 'a;b {x}', '${HOME}{.}'], quote), `echo 'a;b {x}' '\${HOME}'{.}`);
  // regression: an empty word vanished
  assert.equal(commandLine(['echo', '', '{}'], quote), `echo '' {}`);
  assert.equal(commandLine([], false), '{}', 'no command: the inputs are the commands');
});

test('-j as GNU parallel: N, 0, N%, +N, -N; never below 1', () => {
  assert.equal(parseJobs('3', 4), 3);
  assert.equal(parseJobs('0', 4), 256);
  assert.equal(parseJobs('50%', 4), 2);
  assert.equal(parseJobs('+2', 4), 6);
  assert.equal(parseJobs('-10', 4), 1);
  assert.throws(() => parseJobs('x', 4), (error: unknown) => error instanceof PrunError && error.code === 'ERR_USAGE');
});

test("the old form (a quoted command, then names of files) is refused; other commands are not", () => {
  const dir = mkdtempSync(join(tmpdir(), 'prun-exec-argv-'));
  try {
    const file = join(dir, 'inputs.txt');
    writeFileSync(file, 'a\n');
    assert.throws(() => refuseOldForm(['echo {}', file]), (error: unknown) => error instanceof PrunError && error.code === 'ERR_USAGE');
    refuseOldForm(['echo', file]); // GNU parallel's `echo FILE`: the file name is a word of the command
    refuseOldForm(['echo {}', 'word']); // not a file
    refuseOldForm(['echo {}']);
    // the old usage line's options after the files: refused too, the hint keeping them (was: ran nothing, exit 0)
    // prun's options with their values: `-j N`, `--unordered` (the CLI reads them by its own definitions)
    const onlyOptions = (tail: readonly string[]) => tail.join(' ') === '-j 2' || tail.join(' ') === '--unordered';
    assert.throws(() => refuseOldForm(['echo {}', file, '-j', '2'], [], onlyOptions), (error: unknown) => error instanceof PrunError && error.code === 'ERR_USAGE' && error.message.endsWith(`prun exec -j 2 'echo {}' :::: ${file}`));
    assert.throws(() => refuseOldForm(['echo {}', file, '--unordered'], [], onlyOptions), (error: unknown) => error instanceof PrunError && error.code === 'ERR_USAGE');
    refuseOldForm(['echo {}', '-j', '2'], [], onlyOptions); // no file before them
    refuseOldForm(['echo {}', file, 'word', '-j', '2'], [], onlyOptions); // a word that is no file
    refuseOldForm(['echo {}', file, '-j', '2', 'extra'], [], onlyOptions); // a word after them that is no option's: the hint would run `extra`
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the old form\'s hint, pasted as it is, runs what was meant: the options typed before the command are in it (was: dropped)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'prun-exec-argv-'));
  try {
    writeFileSync(join(dir, 'in1.txt'), '1\n2\n');
    const refused = await prun(['exec', '-j2', '--tag', 'echo {}', 'in1.txt'], { cwd: dir });
    assert.equal(refused.exitCode, 2, String(refused.stderr));
    const hint = /: (prun exec .*)$/.exec(String(refused.stderr).trim())?.[1];
    assert.ok(hint, String(refused.stderr));
    // `prun` in the hint is this prun
    const pasted = await execa('sh', ['-c', `prun() { "$0" "$@"; }; ${hint}`, bin], { cwd: dir, reject: false });
    assert.equal(pasted.exitCode, 0, String(pasted.stderr));
    assert.deepEqual(lines(pasted.stdout).sort(), ['1\t1', '2\t2']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
