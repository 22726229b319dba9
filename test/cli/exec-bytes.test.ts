// prun exec passes its inputs on byte for byte, as GNU parallel does: a line that is not
// UTF-8 (a Latin-1 file name, say) or that ends in a carriage return reaches the command, the
// joblog and --failed-out unchanged, and --resume-failed finds it again by those bytes.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchDir } from '../helpers/files.js';
import { execa } from 'execa';
import { bin, lines, prun, root } from '../helpers/prun.js';

const dir = scratchDir('exec-bytes');

// "café" in Latin-1 (0xe9 is not valid UTF-8 on its own), a plain line, and a line of a
// file written on Windows.
const INPUT = Buffer.from('caf\xe9\nok\nx\r\n', 'latin1');
const LINES_HEX = ['636166e9', '6f6b', '780d'];
// The command prints the bytes of its argument as hex, one line each.
const HEX_OF_ARG = 'printf %s {} | od -An -tx1 | tr -d " \\n"; echo';

async function inputFile(name: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, INPUT);
  return path;
}

// With --colsep the `\r` does not reach the last column: GNU parallel drops it too.
const forms = [
  { args: [], hex: LINES_HEX },
  { args: ['-N1'], hex: LINES_HEX },
  { args: ['-d', '\\n'], hex: LINES_HEX },
  { args: ['--colsep', '\\t'], hex: ['636166e9', '6f6b', '78'] },
];
for (const { args, hex } of forms) {
  test(`exec ${args.join(' ') || '(plain)'} :::: FILE hands each line's bytes to the command`, async () => {
    const input = await inputFile(`in-${args.join('')}.txt`);
    const result = await prun(['exec', '-k', ...args, HEX_OF_ARG, '::::', input]);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.deepEqual(lines(result.stdout.trimEnd()), hex);
  });
}

test('exec reads stdin byte for byte too', async () => {
  const result = await prun(['exec', '-k', HEX_OF_ARG], { input: INPUT, stdin: 'pipe' });
  assert.equal(result.exitCode, 0, String(result.stderr));
  assert.deepEqual(lines(result.stdout.trimEnd()), LINES_HEX);
});

test('--failed-out and the joblog keep the bytes, and --resume-failed reruns exactly those inputs', async () => {
  const input = await inputFile('failing.txt');
  const failed = join(dir, 'failed.txt');
  const joblog = join(dir, 'joblog.tsv');
  const first = await prun(['exec', '--joblog', joblog, '--failed-out', failed, 'test {} = ok', '::::', input]);
  assert.equal(first.exitCode, 2);
  // Written in the order they fail; sort the lines' bytes to compare.
  const failedLines = (await readFile(failed, 'latin1')).split('\n').filter((line) => line !== '').sort();
  assert.deepEqual(failedLines, ['caf\xe9', 'x\r']);
  const commands = (await readFile(joblog, 'latin1')).split('\n').slice(1, -1).map((row) => row.split('\t')[8]).sort();
  // The joblog is one row a line: a carriage return is written escaped, as \r.
  assert.deepEqual(commands, ['caf\xe9', 'ok', 'x\\r']);

  const again = await prun(['exec', '-k', '--joblog', joblog, '--resume-failed', HEX_OF_ARG, '::::', input]);
  assert.equal(again.exitCode, 0, String(again.stderr));
  assert.deepEqual(lines(again.stdout.trimEnd()), [LINES_HEX[0], LINES_HEX[2]]);
});

test('bytes that are not UTF-8 on the command line reach the command as they are: a ::: value, a command word, a :::: file name (was: U+FFFD)', async () => {
  const named = Buffer.concat([Buffer.from(dir + '/'), Buffer.from('l\xe9.in', 'latin1')]);
  await writeFile(named, 'from the file\n');
  // a child's arguments are written as UTF-8 by Node: the shell makes the bytes
  const script = `"$0" exec '${HEX_OF_ARG}' ::: "$(printf 'caf\\351')" && "$0" exec "echo $(printf '\\351') {}" ::: x | od -An -tx1 | tr -d ' \\n' && echo && "$0" exec echo :::: "$1/$(printf 'l\\351.in')"`;
  const result = await execa('sh', ['-c', script, bin, dir], { cwd: root, reject: false });
  assert.equal(result.exitCode, 0, String(result.stderr));
  assert.deepEqual(lines(result.stdout), ['636166e9', 'e920780a', 'from the file']);
});

test('two arguments that differ only in bytes that are not UTF-8 each reach the command with their own, as a ::: value and as a command word (was: both with the first\'s)', async () => {
  const script = `"$0" exec -k '${HEX_OF_ARG}' ::: "$(printf 'caf\\351')" "$(printf 'caf\\350')" && "$0" exec "printf %s $(printf '\\351') $(printf '\\350') {}" ::: x | od -An -tx1 | tr -d ' \\n'`;
  const result = await execa('sh', ['-c', script, bin], { cwd: root, reject: false });
  assert.equal(result.exitCode, 0, String(result.stderr));
  assert.deepEqual(lines(result.stdout), ['636166e9', '636166e8', 'e9e878']);
});

test('a NUL inside a line is written \\0 in the one argument it stays, said once, as GNU parallel (was: two arguments, silently), read as it is or into columns', async () => {
  for (const args of [['printf "[%s]\\n" {}'], ['--colsep', '\\t', 'printf "[%s]\\n" {1} {2}']]) {
    const result = await execa(bin, ['exec', '-k', ...args], { cwd: root, reject: false, input: Buffer.from('a\0b\tx\nc\0d\ty\n', 'latin1') });
    assert.equal(result.exitCode, 0, String(result.stderr));
    const expected = args.length === 1 ? ['[a\\0b\tx]', '[c\\0d\ty]'] : ['[a\\0b]', '[x]', '[c\\0d]', '[y]'];
    assert.deepEqual(lines(result.stdout), expected, args.join(' '));
    assert.deepEqual(lines(String(result.stderr)), ['prun: a NUL character in the input was replaced with \\0: an argument cannot hold one (did you mean -0, --null?)']);
  }
});

test('-E, --colsep, -d and --tagstring of bytes that are not ASCII work on bytes, as GNU parallel (was: -E and --colsep never matched, -d \\351 and --tagstring \\351 were two bytes, -d of one byte never cut a ::: value)', async () => {
  // each is run with $P as GNU parallel, then as prun; the shell makes the bytes
  const cases = [
    `printf 'a\\nx\\303\\251\\nb' | $P -E "$(printf 'x\\303\\251')" echo`,
    `$P -E "$(printf 'x\\351')" '${HEX_OF_ARG}' ::: a "$(printf 'x\\351')" b`,
    `$P --colsep "$(printf '\\303\\251')" echo {2} ::: "$(printf 'a\\303\\251b')"`,
    `printf 'a\\351b' | $P --colsep "$(printf '\\351')" echo {2}`,
    `printf 'a\\351b' | $P -d '\\351' '${HEX_OF_ARG}'`,
    `$P --tagstring 't\\351' echo ::: a | od -An -tx1`,
    `$P -d "$(printf '\\251')" '${HEX_OF_ARG}' ::: "$(printf 'a\\303\\251b')"`,
  ];
  for (const script of cases) {
    const gnu = await execa('sh', ['-c', script], { cwd: root, reject: false, env: { P: 'parallel -k' }, encoding: 'buffer' });
    const ours = await execa('sh', ['-c', script], { cwd: root, reject: false, env: { P: `${bin} exec -k` }, encoding: 'buffer' });
    assert.equal(ours.exitCode, 0, `${script}: ${String(ours.stderr)}`);
    assert.ok(Buffer.from(gnu.stdout).length > 0, script);
    assert.deepEqual(Buffer.from(ours.stdout).toString('hex'), Buffer.from(gnu.stdout).toString('hex'), script);
  }
});
