// prun exec beside GNU parallel: the same command and inputs go through `parallel -k` and
// `prun exec -k`, and their outputs must match (replacement strings, sources, separators).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { besideGnuParallel, prunWithStdin, seq, shellQuoteArg } from '../helpers/exec.js';
import { joblogRows, scratchDir } from '../helpers/files.js';
import { GNU_PARALLEL_ENV, gnuParallelRun, requireGnuParallel } from '../helpers/gnu-parallel.js';
import { bin, lines, prun } from '../helpers/prun.js';

const dir = scratchDir('exec-gnu-output');
const { gnuParallelHere, assertAsGnuParallel } = besideGnuParallel(dir);

describe('prun exec: the same output as GNU parallel', () => {
  test("the issue's example: printf 'a.tar.gz\\nb/c.txt\\n' | prun exec 'echo {} {.} {/} {//} {/.}'", async () => {
    const command = 'echo {} {.} {/} {//} {/.}';
    const input = 'a.tar.gz\nb/c.txt\n';
    const result = await prunWithStdin(['exec', command], input);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, gnuParallelHere([command], input).trimEnd());
    assert.equal(result.stdout, 'a.tar.gz a.tar a.tar.gz . a.tar\nb/c.txt b/c c.txt b c');
  });

  test('--rpl defines replacement strings as GNU parallel: in braces and positional, dynamic with $$1, bare tags, in the first word, with -X and --tagstring (was: refused)', async () => {
    const values = [':::', 'a.tar.gz', 'dir/b-c.x', 'x y.tgz', "it's.gz"];
    for (const args of [
      ['--rpl', '{..} s:\\.[^.]+$::;s:\\.[^.]+$::;', 'echo', '{..}', '{1..}', '{-1..}', ...values],
      ['--rpl', '{%(.+?)} s/$$1$//;', '--rpl', '{/(.+?)/(.*?)} s/$$1/$$2/;', 'echo', '{%.gz}', '{/\\./_}', ...values],
      ['--rpl', '.. s:\\.[^.]+$::', '--rpl', 'D s:/.*::', 'echo', '..', 'D', 'x..D', ...values],
      ['--rpl', '{u} s/(\\w+)/\\u$1/g', '--rpl', '{sw} s/(\\w)-(\\w)/$2-$1/ || s/$/!/', 'echo', '{u}', '{sw}', ...values],
      // in the first word the values go in unquoted, as commands: none with a quote
      ['--rpl', '{cmd} s/^/echo /', '{cmd}', ':::', 'a.tar.gz', 'x y.tgz'],
      ['-X', '--rpl', '{r} s/a/R/g', 'echo', 'pre-{r}', ...values],
      ['--tagstring', '{r}', '--rpl', '{r} s/a/R/g', 'echo', 'x', ...values],
      // regression: `{}` itself redefined was never found, and ran as the usual `{}` (silent wrong output)
      ['--rpl', '{} s/a/b/g', 'echo', '{}', '{1}', '{-1}', '{.}', ...values],
      ['--rpl', '{} s/a/b/g', 'echo', ...values],
    ]) {
      await assertAsGnuParallel(args);
    }
  });

  test('--arg-sep and --arg-file-sep as GNU parallel: a marker as their value, swapped, and a command word of the same name (was: argument missing; one job of three values; --arg-sep=x)', async () => {
    await writeFile(join(dir, 'three.txt'), '1\n2\n3\n');
    for (const args of [
      ['--arg-file-sep', ':::', 'echo', ':::', 'three.txt'],
      ['--arg-sep', '::::', '--arg-file-sep', ':::', 'echo', '::::', 'a', 'b', 'c'],
      ['printf', '[%s]\\n', '--arg-sep', 'x', ':::', 'a'],
      ['--arg-sep', ',,', 'echo', ',,', 'A', 'B', '::::', 'three.txt', 'three.txt'],
    ]) {
      await assertAsGnuParallel(args);
    }
  });

  test("--plus forms with a parameter, side by side: odd text, slashes and Perl's own characters in the text put in", async () => {
    const forms = ['{:-x}', '{:2}', '{:1:2}', '{#a*}', '{##a*}', '{%b*}', '{%%b*}', '{/a/$1}', '{//a/\\\\}', '{/#a/X}', '{/%b/Y}', '{^a}', '{^^a}', '{,A}', '{,,A}', '{#.*?b}', '{2#a}'];
    // printf, not echo: /bin/sh's echo reads backslashes itself
    await assertAsGnuParallel(['--plus', 'printf', '%s,', ...forms, ':::', 'aabb', 'AbA', '', '0', "it's a/b", ':::', 'ab']);
  });

  test("GNU parallel's other spellings: --keeporder, --max-replace-args, --eof, and --silent and --plain, which change nothing here", async () => {
    for (const args of [
      ['--keeporder', 'echo', ':::', 'a', 'b'],
      ['--max-replace-args', '2', 'echo', ':::', 'a', 'b', 'c'],
      ['--silent', 'echo', ':::', 'a'],
      ['--plain', 'echo', ':::', 'a'],
      // regression: refused as unknown options (a review typing GNU parallel's man page)
      ['--eof=c', 'echo', ':::', 'a', 'b', 'c', 'd'],
      ['--eof', 'c', 'echo', ':::', 'a', 'b', 'c', 'd'],
    ]) {
      await assertAsGnuParallel(args);
    }
  });

  test('--res and --result are --results, as GNU parallel spells it (was: refused as unknown options)', async () => {
    for (const spelling of ['--result', '--res']) {
      const out = join(dir, `spelled${spelling}`);
      const result = await prun(['exec', spelling, out, 'echo', ':::', 'a', 'b'], { cwd: dir });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(await readFile(join(out, '1', 'b', 'stdout'), 'utf8'), 'b\n', spelling);
    }
  });

  test('--number-of-threads, --number-of-cores, --number-of-cpus and --number-of-sockets print what GNU parallel prints, under taskset -c 0 too', async () => {
    requireGnuParallel();
    for (const option of ['--number-of-threads', '--number-of-cores', '--number-of-cpus', '--number-of-sockets']) {
      for (const pinned of ['', 'taskset -c 0 ']) {
        const ours = await execa('sh', ['-c', `${pinned}${shellQuoteArg(process.execPath)} ${shellQuoteArg(bin)} exec ${option}`], { reject: false });
        const theirs = await execa('sh', ['-c', `${pinned}parallel --will-cite ${option}`], { env: GNU_PARALLEL_ENV, reject: false });
        assert.equal(ours.exitCode, 0, String(ours.stderr));
        assert.equal(ours.stdout, theirs.stdout, `${pinned}${option}`);
      }
    }
  });

  test('--rpl that is not Perl substitutions (s/RE/REPL/ joined by ; and ||) is refused before anything runs: one line, exit 2', async () => {
    const mark = join(dir, 'rpl-ran');
    for (const definition of ['{odd} $_ = seq() % 2 ? "odd" : "even"', '{e} s/a/b/e', '{u} s/a/b']) {
      const result = await prun(['exec', '--rpl', definition, 'touch', mark, ':::', 'a']);
      assert.equal(result.exitCode, 2, definition);
      assert.equal(lines(result.stderr).length, 1, String(result.stderr));
      assert.match(String(result.stderr), /^prun: --rpl /);
    }
    assert.equal(existsSync(mark), false);
  });

  test('a lone ::: with nothing after it reads stdin, and an empty ::: among others is one empty value, as GNU parallel (was: nothing ran, exit 0)', async () => {
    for (const args of [['echo', '[{}]', ':::'], ['echo', '[{1}][{2}]', ':::', ':::', 'a'], ['echo', '[{1}][{2}]', ':::', 'a', ':::']]) await assertAsGnuParallel(args, 'x\ny\n');
  });

  test('-N and -L repeat the word around {} for each input, as GNU parallel (they imply -X); -n, -L with -m and {n} do not (was: -N2 mv {} {.}.bak gave mv a.x b.y a b.bak)', async () => {
    for (const args of [
      ['-N2', 'echo', 'mv', '{}', '{.}.bak', ':::', 'a.x', 'b.y', 'c.z'],
      ['-L2', 'echo', 'cp', '{}', '{}.orig'],
      ['-L2', '-m', 'echo', 'cp', '{}', '{}.orig'],
      ['-n2', 'echo', '{}.bak', ':::', 'a', 'b', 'c'],
      ['-N2', 'echo', '{#}-{}', '{1}-x', '{2}', ':::', 'a', 'b', 'c', 'd'],
      ['-X', 'echo', 'x{1}y', ':::', 'a', 'b', ':::', 'c', 'd'],
    ]) {
      await assertAsGnuParallel(['-j1', ...args], 'a\nb\nc\n');
    }
  });

  test('--pipe -N0, -n0 and -L0 cut at --block, as GNU parallel (was: the whole of stdin in one block, held in memory)', async () => {
    const input = Array.from({ length: 60_000 }, (_, i) => `${i + 1}\n`).join('');
    for (const count of ['-N0', '-n0', '-L0']) {
      const args = ['-k', '--pipe', '--block', '100k', count, 'echo x; wc -l'];
      const result = await prunWithStdin(['exec', ...args], input);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, gnuParallelHere(args, input).trimEnd(), count);
      assert.ok(lines(result.stdout).length > 2, result.stdout);
    }
  });

  test('--pipe --block reads unit prefixes as GNU parallel: K, M powers of 1024, k, m powers of 1000', async () => {
    const input = Array.from({ length: 60_000 }, (_, i) => `${i + 1}\n`).join('');
    for (const block of ['100k', '100K', '1m', '1M']) {
      const result = await prunWithStdin(['exec', '--pipe', '--block', block, 'wc -c'], input);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, gnuParallelHere(['--pipe', '--block', block, 'wc -c'], input).trimEnd(), block);
    }
  });

  test('regression: --pipe with --retries: a job tried again reads its block again, after a failure and after a --timeout (was: no stdin, exit 0, the block lost)', async () => {
    const input = `${Array.from({ length: 6 }, (_, i) => i + 1).join('\n')}\n`;
    // each block's first try fails (or hangs past --timeout), its second prints the block
    for (const [extra, fail] of [[[], 'exit 1'], [['--timeout', '1'], 'sleep 30']] as const) {
      const command = async () => `f=${await mkdtemp(join(dir, 'tries-'))}/$PARALLEL_SEQ; if [ -e $f ]; then cat; else touch $f; ${fail}; fi`;
      const result = await prunWithStdin(['exec', '-k', '--pipe', '-N2', '--retries', '2', ...extra, await command()], input);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, input.trimEnd(), extra.join(' '));
      assert.equal(result.stdout, gnuParallelHere(['--pipe', '-N2', '--retries', '2', ...extra, await command()], input).trimEnd());
    }
  });

  test('--pipe -N and -L: a word holding {} stays a word, as GNU parallel (was: dropped whole with the ; beside it, `rm -f cache/{}; echo x` ran as `rm -f  echo x`); a quoted command with words after it runs (was: refused as the old form)', async () => {
    const input = `${Array.from({ length: 10 }, (_, i) => i + 1).join('\n')}\n`;
    for (const args of [
      ['--pipe', '-N5', 'echo x{}y; wc -l'],
      ['--pipe', '-L5', 'echo x{.}y; wc -l'],
    ]) {
      const result = await prun(['exec', '-k', ...args], { stdin: 'pipe', input });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, gnuParallelHere(args, input).trimEnd(), args.join(' '));
    }
    // a quoted command and a file after it are the command's words, not the old form's inputs;
    // the block read first: a command that leaves it unread made GNU parallel exit 1 now and then
    // (its write of the block failed), a flaky reference in a full run
    const file = ['--pipe', '-N5', 'cat > /dev/null; wc -l', '/etc/hostname'];
    const withFile = await prun(['exec', '-k', ...file], { stdin: 'pipe', input });
    assert.equal(withFile.exitCode, 0, String(withFile.stderr));
    assert.equal(withFile.stdout, gnuParallelHere(file, input).trimEnd());
    // GNU parallel writes the empty {} as '' (a documented difference): the same command
    const dry = await prun(['exec', '-k', '--pipe', '-N5', '--dry-run', 'rm -f cache/{}; echo cleaned'], { stdin: 'pipe', input });
    assert.deepEqual(lines(dry.stdout), ['rm -f cache/; echo cleaned', 'rm -f cache/; echo cleaned']);
  });

  test('--pipe: $$ is the shell that runs the command, as GNU parallel: `kill -9 $$` ends it (was: the shell above a pipeline, and the rest ran on)', async () => {
    const input = `${Array.from({ length: 10 }, (_, i) => i + 1).join('\n')}\n`;
    // -N4: three blocks, the first two ending the command and the last one running it through
    const args = ['--pipe', '-N4', 'c=$(wc -l); [ $c -lt 4 ] || kill -9 $$; echo $c'];
    for (const shell of ['/bin/sh', '/bin/bash']) {
      const result = await prun(['exec', '-k', ...args], { stdin: 'pipe', input, env: { PARALLEL_SHELL: shell } });
      const theirs = gnuParallelRun(args, { cwd: dir, input, env: { PARALLEL_SHELL: shell } });
      assert.equal(result.stdout, theirs.stdout.trimEnd(), shell);
      assert.equal(result.stdout, '2', shell);
      assert.equal(result.exitCode, theirs.status, shell);
      // what the job's shell says of a pipeline it reaped is not the job's stderr
      assert.deepEqual(lines(String(result.stderr)).filter((line) => !line.startsWith('prun: ')), [], shell);
    }
  });

  test('regression: -q with -I, --er or --plus strings holding a quote runs no value and prints what GNU parallel prints (was: -q\'s own quotes respelled, or a quote in {%\'} taken for the shell\'s, and `$(touch pwned)` ran)', async () => {
    const values = [':::', '$(touch pwned)', "it's", 'a b'];
    for (const args of [
      ['-q', '-I', "'", 'printf', '[%s]\n', "x'y"],
      ['-q', '-I', '"', 'printf', '[%s]\n', 'x"y'],
      ['-q', '-I', '@', 'printf', '[%s]\n', 'x @ y', '@'],
      ['-q', '--er', '%', 'printf', '[%s]\n', 'x % y'],
      ['-q', '--plus', 'printf', '[%s]\n', "{%'}", 'x {} y'],
      ['-q', '-X', '-j1', '--plus', 'printf', '[%s]\n', "{%'}", 'x {} y'],
      ['-q', '--plus', '-I', '@', 'printf', '[%s]\n', '{%"}', 'x @ y'],
    ]) {
      await assertAsGnuParallel([...args, ...values]);
    }
    assert.equal(existsSync(join(dir, 'pwned')), false, 'an input ran as shell code');
  });

  test('--pipe --cat: {} is a file holding the block, and stdin is none, as GNU parallel (was: unknown option); --cat alone implies --pipe', async () => {
    const input = `${Array.from({ length: 10 }, (_, i) => i + 1).join('\n')}\n`;
    const args = ['-k', '--pipe', '-N4', '--cat', 'cat; wc -l < {}; test -f {} && echo file'];
    const result = await prunWithStdin(['exec', ...args], input);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, gnuParallelHere(args.slice(1), input).trimEnd());
    assert.equal(result.stdout, '4\nfile\n4\nfile\n2\nfile');
    // GNU parallel's --cat implies --pipe (was: refused without it: a review)
    const alone = await prunWithStdin(['exec', ...args.filter((arg) => arg !== '--pipe')], input);
    assert.equal(alone.stdout, result.stdout, String(alone.stderr));
  });

  test('\\s in --colsep and --rpl is an ASCII blank, as Perl\'s on bytes (was: the byte A0 of à, and `voilà` cut after its C3)', async () => {
    await assertAsGnuParallel(['--colsep', '\\s+', 'echo', '[{1}][{2}]'], 'voilà tout\nx y\n');
    await assertAsGnuParallel(['--rpl', '{x} s/\\s.*//', 'echo', '{x}'], 'voilà tout\n');
    // inside brackets: a dash beside them stays a dash, and [\s\S] is any byte
    await assertAsGnuParallel(['--colsep', '[\\s-z]', 'echo', '{1}:{2}:{3}'], 'aXbQc-d\nx y\n');
    await assertAsGnuParallel(['--rpl', '{x} s/[\\s\\S]//g', 'echo', '[{x}]'], 'voilà\n');
    await assertAsGnuParallel(['--colsep', '[^\\S]+', 'echo', '{1}@{2}'], 'voilà tout\n');
  });

  test('--colsep is a Perl pattern: POSIX classes, \\A and . as GNU parallel reads them, and Perl\'s escapes JavaScript reads otherwise refused (was: `[[:digit:]]` split nothing, `\\h` split at h, `\\A` at A)', async () => {
    for (const colsep of ['[[:digit:]]', '[[:^alpha:]]+', '[[:space:][:punct:]]', '\\A', 'b$', '\\Qa\\E', '$x', '\\x{2c}', 'a{,2}']) await assertAsGnuParallel(['--colsep', colsep, 'echo', '{1}-{2}'], 'a1b\nab12cd\na,b c\naAb\nxQaEy\n');
    for (const colsep of ['\\h', '[\\h]', '[[:foo:]]']) {
      const result = await prun(['exec', '--colsep', colsep, 'echo', ':::', 'ahb c']);
      assert.equal(result.exitCode, 2, colsep);
      assert.equal(lines(result.stderr).length, 1, String(result.stderr));
    }
  });

  test('--recend and --recstart read only GNU parallel\'s escapes of them, \\0 \\r \\n \\t \\\' \\" \\\\; any other backslash is as typed (was: -d\'s, `\\072` cut at `:`)', async () => {
    for (const [recend, input] of [['\\072', 'a:b\\072c'], ['\\t', 'a\tb'], ['\\\\', 'a\\b'], ['\\a', 'a\x07b\\ac'], ['é', 'aébéc']]) {
      await assertAsGnuParallel(['--pipe', '-N1', '--recend', recend!, 'cat; echo ---'], input, `--recend ${recend}`);
    }
    await assertAsGnuParallel(['--pipe', '-N1', '--recend', '', '--recstart', '\\072', 'cat; echo ---'], 'a\\072b:c');
  });

  test('--pipe --rrs (--remove-rec-sep): records without their --recstart and --recend, as GNU parallel (was: unknown option)', async () => {
    const input = '>a\nAC\n>b\nGT\n>c\nTT\n';
    for (const args of [['-k', '--pipe', '-N1', '--recstart', '>', '--rrs', 'od -c'], ['-k', '--pipe', '-N2', '--remove-rec-sep', 'od -c']]) {
      const result = await prunWithStdin(['exec', ...args], input);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, gnuParallelHere(args, input).trimEnd(), args.join(' '));
    }
    const alone = await prun(['exec', '--rrs', 'echo', ':::', 'a']);
    assert.equal(alone.exitCode, 2);
  });

  test("--pipe --recstart: a record boundary counts for a block only with its --recstart inside the block, as GNU parallel cuts them (was: blocks of records that filled --block exactly, the last records together past it, or the last cut off under -L)", async () => {
    const fasta = '>a\nxx\n>b\nyy\n>c\nzz\n>d\nww\n';
    const numbers = `${Array.from({ length: 20_000 }, (_, i) => i + 1).join('\n')}\n`;
    const cases: [string[], string][] = [
      [['-k', '--pipe', '--block', '8', '--recstart', '>', 'cat; echo --'], fasta],
      [['-k', '--pipe', '--block', '12', '--recstart', '>', 'cat; echo --'], fasta],
      [['-k', '--pipe', '--block', '4', '--recend', '', '--recstart', 'A', 'cat; echo'], 'xAxAxAxA'],
      [['-k', '--pipe', '--block', '10k', '--recstart', '1', 'wc -l'], numbers],
      // the last record is whole at the end of the input (was: cut off on its own under -L)
      ...['1', '2', '4'].map((lines): [string[], string] => [['-k', '--pipe', '--recstart', 'S', '-L', lines, 'wc -l'], 'S1\nS2\nS3\nS4\nS5\nS6\n']),
      [['-k', '--pipe', '--recstart', 'S', '-N', '2', 'wc -l'], 'S1\nS2\nS3\nS4\nS5\n'],
      // -r leaves lines of blanks out before the cut, so -N counts the others (was: -r did nothing under --pipe)
      [['-k', '-r', '--pipe', '-N', '1', 'echo job; cat'], 'a\n\n  \nb\n'],
      [['-k', '-r', '--pipe', '-N', '2', 'echo job; cat'], 'a\n \t\nb\n\n\nc'],
      [['-k', '-r', '--pipe', 'echo job; cat'], ' \n\n'],
      // a last line of blanks with no newline is kept; the header is taken before blank lines go
      [['-k', '-r', '--pipe', 'wc -c'], 'a\n  '],
      [['-k', '-r', '--pipe', '-N', '1', 'cat; echo =='], 'a\n   \n\n  '],
      [['-k', '-r', '--pipe', '--header', ':', '-N', '1', 'echo job; cat'], '\nname\na\nb\n'],
      [['-k', '-r', '--pipe', '--recend', ';', '--block', '10', 'echo job; cat'], 'a;b;  ;c;dd;'.repeat(5)],
    ];
    for (const [args, input] of cases) {
      const result = await prunWithStdin(['exec', ...args], input);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, gnuParallelHere(args, input).trimEnd(), args.join(' '));
    }
  });

  test('--pipe --block 0 is refused in one line, exit 2 (was: taken for 1 byte, a block a record, where GNU parallel makes all of stdin one block)', async () => {
    for (const size of ['0', '0k', '0.0M']) {
      const result = await prunWithStdin(['exec', '--pipe', '--block', size, 'wc -l'], '1\n2\n');
      assert.equal(result.exitCode, 2, size);
      assert.equal(result.stdout, '');
      assert.match(String(result.stderr), new RegExp(`^prun: --block ${size.replace('.', '\\.')}: a block must hold something; [^\\n]*$`));
    }
  });

  test('--pipe: the command and its tag see no input, and a dry run shows the command, as GNU parallel (was: prun\'s scratch path of the block)', async () => {
    const input = `${Array.from({ length: 10 }, (_, i) => i + 1).join('\n')}\n`;
    for (const args of [['--tag', 'wc -l'], ['echo {#} [{}]; wc -l'], ['--dry-run', 'wc -l']]) {
      const result = await prunWithStdin(['exec', '-k', '--pipe', '--block', '5', ...args], input);
      assert.equal(result.stdout, gnuParallelHere(['--pipe', '--block', '5', ...args], input).trimEnd(), args.join(' '));
    }
    // a failure names its block by its place in stdin
    const failed = await prunWithStdin(['exec', '-k', '--pipe', '--block', '5', 'exit 3'], input);
    assert.match(String(failed.stderr), /^prun: input 0 "block-0" failed: exit 3$/m);
  });

  test('--timeout N% times a job out past N% of the median runtime of those that succeeded, as GNU parallel (was: refused)', async () => {
    const args = ['-k', '-j2', '--timeout', '500%', 'sleep {}; echo {}', ':::', '0.2', '0.2', '30', '0.2', '0.2'];
    const result = await prun(['exec', ...args], { cwd: dir });
    assert.equal(result.exitCode, 1, String(result.stderr));
    assert.equal(result.stdout, '0.2\n0.2\n0.2\n0.2');
    assert.match(String(result.stderr), /^prun: input 2 "30" failed: timed out after /m);
    const gnu = gnuParallelRun(args, { cwd: dir });
    assert.deepEqual([result.stdout, result.exitCode], [gnu.stdout.trimEnd(), gnu.status]);
  });

  test('-q quotes braces that are no replacement string, and keeps an empty word, as GNU parallel (was: awk\'s {print $1} reached the shell bare; \'\' vanished)', async () => {
    for (const args of [
      ['-q', 'awk', 'BEGIN { print ARGV[1] }', ':::', 'a b c'],
      ['-q', 'echo', 'a;b {x}', '${HOME}{.}', 'pre{}post', ':::', 'd.e'],
      ['-q', 'sh', '-c', 'if true; then { echo [$0] {}; }; fi', ':::', 'x y'],
      ['-q', 'echo', '', '{}', ':::', 'x'],
    ]) {
      await assertAsGnuParallel(args);
    }
  });

  test('::: values are cut where lines are: at -d, or at a newline, as GNU parallel (was: one value, as typed)', async () => {
    for (const args of [['-d', ',', 'echo', '[{}]', ':::', 'a,', 'b', ',c', 'd,,e'], ['echo', '[{}]', ':::', 'x\ny'], ['-0', 'echo', '[{}]', ':::', 'x\ny'], ['-d', ',', '--colsep', ':', 'echo', '[{1}][{2}]', ':::', 'a:1,b:2']]) {
      await assertAsGnuParallel(args);
    }
  });

  test('-d reads escapes, octal too (hex as it is), as GNU parallel (was: \\072 taken literally)', async () => {
    for (const delimiter of ['\\072', '\\x3a', '\\t', ':']) {
      await assertAsGnuParallel(['-k', '-d', delimiter, 'echo', '[{}]'], 'a:b\tc:d', `-d ${delimiter}`);
    }
  });

  test('-d takes any other backslash as typed, as GNU parallel\'s unquote_printf does (was: \\q cut at q, \\a at BEL, \\\\ at one backslash)', async () => {
    for (const delimiter of ['\\q', '\\a', '\\\\', 'q\\', '\\1']) {
      // printf, not echo: sh's echo reads backslashes itself
      await assertAsGnuParallel(['-k', '-d', delimiter, 'printf', '[%s]\\n', '{}'], 'xqy\x07z\\w\\\\q\\q\x01v', `-d ${delimiter}`);
    }
    // digits as Perl reads them after a backslash: octal ones a byte, 8 and 9 as typed
    for (const delimiter of ['\\9', '\\800', '\\018', '\\108']) {
      await assertAsGnuParallel(['-k', '-d', delimiter, 'printf', '[%s]\\n', '{}'], 'a9b800c\x018d\x088e', `-d ${delimiter}`);
    }
  });

  test('--timeout 0 is no timeout, as GNU parallel (was: refused)', async () => {
    await assertAsGnuParallel(['-k', '--timeout', '0', 'echo', ':::', 'a', 'b']);
  });

  test('$PARALLEL gives default options, before those of the command line, as GNU parallel (was: ignored)', async () => {
    const env = { PARALLEL: '--tag --tagstring a\\ b' };
    const result = await prun(['exec', '-k', 'echo', ':::', 'x'], { cwd: dir, env });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, 'a b\tx');
    assert.equal(result.stdout, gnuParallelRun(['-k', 'echo', ':::', 'x'], { cwd: dir, env }).stdout.trimEnd());
  });

  test("regression: $PARALLEL's quotes group words as GNU parallel's shellwords does (was: split at blanks only: the command broken, or --colsep ',' splitting nothing)", async () => {
    for (const PARALLEL of ['--tagstring "x y"', "--colsep ','", "--tagstring 'a\\b' --colsep \",\""]) {
      const env = { PARALLEL };
      // the dot: no output ends in a blank, which trimEnd would take from GNU's only
      const result = await prun(['exec', '-k', 'echo', '{2}.', ':::', 'a,b'], { cwd: dir, env });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, gnuParallelRun(['-k', 'echo', '{2}.', ':::', 'a,b'], { cwd: dir, env }).stdout.trimEnd(), PARALLEL);
    }
  });

  test('regression: an empty --tagstring is none, as GNU parallel takes it (was: a bare tab before each line)', async () => {
    await assertAsGnuParallel(['--tagstring', '', 'echo', ':::', 'a', 'b']);
    await assertAsGnuParallel(['--tag', '--tagstring', '', 'echo', ':::', 'a', 'b']);
  });

  test("regression: $PARALLEL's bytes that are not UTF-8 reach the command as GNU parallel gives them (was: each became U+FFFD's three bytes)", async () => {
    requireGnuParallel();
    // only a shell can put such a byte in the environment: Node's env values are UTF-8 text
    const withDefaults = (tool: string) => `PARALLEL="$(printf -- '--tagstring a\\377b')" ${tool} -k echo ::: x`;
    const options = { cwd: dir, env: { ...GNU_PARALLEL_ENV, PARALLEL: undefined }, encoding: 'buffer' } as const;
    const ours = await execa('sh', ['-c', withDefaults(`"${process.execPath}" "${bin}" exec`)], options);
    const theirs = await execa('sh', ['-c', withDefaults('parallel --will-cite')], options);
    assert.deepEqual([...ours.stdout], [...theirs.stdout]);
    assert.deepEqual([...ours.stdout], [...Buffer.from('a\xffb\tx', 'latin1')]);
  });

  test("regression: GNU parallel's other spellings --block-size, --blocksize, --spreadstdin and --tempdir, as its man page has them (was: unknown options)", async () => {
    const input = Array.from({ length: 30 }, (_, i) => `${i + 1}\n`).join('');
    for (const args of [
      ['--pipe', '--block-size', '50', 'wc', '-l'],
      ['--pipe', '--blocksize', '50', 'wc', '-l'],
      ['--spreadstdin', '-N10', 'wc', '-l'],
      ['--pipe', '--tempdir', dir, '-N7', 'wc', '-l'],
      // one option under several names: the last given wins (was: --block won wherever it was)
      ['--pipe', '--block', '100', '--block-size', '50', 'wc', '-c'],
      ['--pipe', '--blocksize', '50', '--block', '100', 'wc', '-c'],
    ]) {
      await assertAsGnuParallel(args, input);
    }
    const env = { PARALLEL: '--block 100' };
    const result = await prun(['exec', '-k', '--pipe', '--block-size', '50', 'wc', '-c'], { cwd: dir, stdin: 'pipe', input, env });
    assert.equal(result.stdout, gnuParallelRun(['-k', '--pipe', '--block-size', '50', 'wc', '-c'], { cwd: dir, input, env }).stdout.trimEnd());
    // a bad value is refused naming the spelling given
    const bad = await prun(['exec', '--pipe', '--blocksize', '1x', 'cat'], { cwd: dir, stdin: 'pipe', input });
    assert.equal(bad.exitCode, 2);
    assert.match(String(bad.stderr), /^prun: --blocksize /);
  });

  test('-C is --colsep, and --joblog +FILE appends to FILE, as GNU parallel (was: unknown option; a file named +FILE)', async () => {
    await assertAsGnuParallel(['-C', ',', 'echo', '{2}', ':::', 'a,b']);
    const joblog = join(dir, 'plus-joblog');
    for (const value of ['a', 'b']) {
      const result = await prun(['exec', '--joblog', `+${joblog}`, 'echo', ':::', value], { cwd: dir });
      assert.equal(result.exitCode, 0, String(result.stderr));
    }
    assert.deepEqual((await joblogRows(joblog)).map((row) => row.at(-1)), ['a', 'b']);
  });

  test('--colsep trims the blanks around each column, a CR of a CRLF file too, as GNU parallel (it implies --trim rl; was: kept)', async () => {
    const input = ' a , b \nc,d\r\n';
    for (const args of [['--colsep', ',', 'echo', '[{1}]', '[{2}]'], ['--colsep', ',', '--trim', 'n', 'echo', '[{1}]', '[{2}]'], ['--colsep', ',', '--trim', 'l', 'echo', '[{1}]', '[{2}]'], ['--trim', 'lr', 'echo', '[{}]']]) await assertAsGnuParallel(args, input);
  });

  test('--tag and --tagstring tag stderr lines too, the last one without a newline as well, as GNU parallel (was: untagged)', async () => {
    const command = 'echo out {}; echo err {} >&2; printf "two\\nlast" >&2';
    for (const args of [['--tag', command, ':::', 'a', 'b'], ['--tagstring', '<{}>', command, ':::', 'a']]) {
      const result = await prun(['exec', '-k', '-j1', ...args]);
      assert.equal(result.exitCode, 0, String(result.stderr));
      const gnu = gnuParallelRun(['-j1', ...args], { cwd: dir });
      assert.equal(result.stdout, gnu.stdout.trimEnd(), args.join(' '));
      assert.equal(result.stderr, gnu.stderr, args.join(' '));
    }
  });

  test("-k ... 2>&1: a job's stderr comes right after its stdout, in input order, as GNU parallel groups them (was: as each job ended, before its turn)", async () => {
    const args = ['-k', '-j3', 'sleep 0.$((5-{})); echo out{}; echo err{} >&2', ':::', '0', '1', '2', '3'];
    const quoted = args.map(shellQuoteArg).join(' ');
    requireGnuParallel();
    const env = { ...process.env, ...GNU_PARALLEL_ENV };
    const ours = await execa('sh', ['-c', `${shellQuoteArg(bin)} exec ${quoted} 2>&1`], { cwd: dir, env });
    const theirs = await execa('sh', ['-c', `parallel --will-cite ${quoted} 2>&1`], { cwd: dir, env });
    assert.equal(ours.stdout, 'out0\nerr0\nout1\nerr1\nout2\nerr2\nout3\nerr3');
    assert.equal(ours.stdout, theirs.stdout);
    // a failed job: its stdout, its stderr, then prun's line about it
    const failed = await execa('sh', ['-c', `${shellQuoteArg(bin)} exec -k 'echo out{}; echo err{} >&2; exit 1' ::: a 2>&1`], { cwd: dir, reject: false });
    assert.deepEqual(lines(failed.stdout).slice(0, 3), ['outa', 'erra', 'prun: input 0 "a" failed: exit 1']);
  });

  test('-N over one ::: source: the total is known, so a --halt percentage halts where GNU parallel does (was: all jobs ran)', async () => {
    const args = ['-j1', '-N2', '--halt', 'soon,fail=30%', 'echo {1}{2}; [ {1} -gt 2 ] && exit 1; true', ':::', ...Array.from({ length: 20 }, (_, i) => String(i + 1))];
    const result = await prun(['exec', '-k', ...args]);
    const gnu = gnuParallelRun(args, { cwd: dir });
    assert.equal(result.stdout, gnu.stdout.trimEnd());
    assert.equal(result.exitCode, gnu.status);
  });

  test('-I and the other respellings leave the usual spelling as typed, as GNU parallel does (was: both replaced)', async () => {
    const cases = [
      ['-I', '@', 'echo', '@', '{}', '{1}', '{1.}', ':::', 'a.b'],
      ['--extensionreplace', '@', 'echo', '@', '{.}', '{1.}', '{1}', ':::', 'a.b'],
      ['--seqreplace', ',s', 'echo', ',s', '{#}', ':::', 'x'],
      ['-I', '{}', 'echo', '{}', ':::', 'same'],
      // a spelling that is itself a form of the usual one (was: `{1}` plain text too)
      ['-I', '{1}', 'echo', '{}', '{1}', ':::', 'a'],
      ['-I', '{1}', 'echo', '{}', '{1}', '{2}', ':::', 'a', ':::', 'b'],
      // --tagstring reads the same spellings
      ['-I', '@', '--tagstring', '{}-@', 'echo', '@', ':::', 'a'],
      // GNU parallel's short spellings (were: unknown options)
      ['--er', '@', 'echo', '@', ':::', 'a/b.c'],
      ['--bnr', '@', 'echo', '@', ':::', 'a/b.c'],
      ['--dnr', '@', 'echo', '@', ':::', 'a/b.c'],
      ['--bner', '@', 'echo', '@', ':::', 'a/b.c'],
      // -I's long spelling, its value optional (was: an unknown option)
      ['--replace=@', 'echo', '@', '{}', ':::', 'a'],
      ['--replace', '@', 'echo', '@', ':::', 'a'],
      ['--replace', '--', 'echo', '{}', ':::', 'a'],
      ['--replace=', 'echo', 'x', ':::', 'a'],
    ];
    for (const args of cases) await assertAsGnuParallel(args);
  });

  test("--header 0 is no header, and -E '' no end-of-input string, as GNU parallel reads them (were: the first input dropped, the input cut at an empty line)", async () => {
    for (const args of [['--header', '0', 'echo', ':::', 'a', 'b'], ['-E', '', 'echo', '[{}]', ':::', 'a', '', 'b']]) {
      const result = await prun(['exec', '-k', ...args]);
      assert.equal(result.stdout, gnuParallelHere(args).trimEnd(), args.join(' '));
    }
  });

  test("--header without --colsep splits at tabs, as GNU parallel's man page says --colsep then defaults to '\\t' (was: {h} left as text, the line whole)", async () => {
    await writeFile(join(dir, 'tabbed'), 'h\tk\n 1 \t2\n');
    for (const args of [['--header', ':', 'echo', '[{h}]-[{k}]', '::::', 'tabbed'], ['--header', '1', 'echo', '::::', 'tabbed'], ['--header', ':', 'echo', '[{}]', '::::', 'tabbed'], ['--header', ':', 'echo', '{f1}', ':::', 'f1', 'A', 'B']]) await assertAsGnuParallel(args);
    // a CRLF file: the last column's name without its CR, its values with it (was: {k} left as text)
    await writeFile(join(dir, 'tabbed-crlf'), 'h\tk\r\n1\t2\r\n');
    await assertAsGnuParallel(['--header', ':', 'printf "%s|%s\\n" {h} {k}', '::::', 'tabbed-crlf']);
  });

  test('--arg-sep and --arg-file-sep: their + forms link, and a plain ::: is then a value, as GNU parallel (were: ,,+ a value, ::: still a marker, //+ a file to read)', async () => {
    await writeFile(join(dir, 'ab'), 'a\nb\n');
    await writeFile(join(dir, 'bc'), 'b\nc\n');
    for (const args of [['--arg-sep', ',,', 'echo', ',,', 'a', 'b', ',,+', '1', '2'], ['--arg-sep', ',,', 'echo', ',,', 'a', 'b', ':::', '1'], ['--arg-file-sep', '//', 'echo', '//', 'ab', '//+', 'bc'], ['--arg-file-sep', '//', 'echo', ':::', 'x', 'y', '//', 'ab']]) await assertAsGnuParallel(args);
  });

  test('-L reads lines as xargs does: one that ends in a blank goes on into the next, as GNU parallel (was: a line of its own)', async () => {
    for (const input of ['a b \nc\nd e\nf\n', 'a \nb \nc\nd', 'x\t\ny\n']) {
      for (const lines of ['1', '2']) await assertAsGnuParallel(['-L', lines, 'echo', '[{1}]', '[{2}]'], input, `${JSON.stringify(input)} -L ${lines}`);
    }
  });

  test('-L with -r or empty lines: blanks alone start no line, a line going on takes empty and blank lines, as GNU parallel (was: `a\\n \\nc` with -r ran ` c`, `d \\n\\ne` ran `d ` and `e`)', async () => {
    for (const input of ['a \nb\n \nc\n\nd\n', 'a \n \nc\n\t\nd \n\ne\n', 'd \n\n\ne\n', 'x\n\ne\n', 'a \n \n']) {
      for (const args of [['-L', '1'], ['-r', '-L', '1'], ['-r', '-L', '2'], ['-L', '0']]) await assertAsGnuParallel([...args, 'echo', '[{}]'], input, `${JSON.stringify(input)} ${args.join(' ')}`);
    }
  });

  test('-L with -E: the end string is matched on the line as read, and ends the input there with what was going on (was: `a \\nEOF\\nb` ran `a EOF`, then `b`)', async () => {
    for (const input of ['a \nEOF\nb\n', 'a \n\nEOF\nb\n', 'a \nEOF', 'EOF\na\n', 'a \n \nEOF \nb\nEOF\nc\n']) {
      for (const args of [['-L', '1', '-E', 'EOF'], ['-r', '-L', '1', '-E', 'EOF'], ['-L', '2', '-E', 'EOF']]) await assertAsGnuParallel([...args, 'echo', '[{}]'], input, `${JSON.stringify(input)} ${args.join(' ')}`);
    }
  });

  test('-L with --header: the header line is read as it is, never joined to the next (was: a CRLF file\'s header took the whole file, and no job ran)', async () => {
    await writeFile(join(dir, 'crlf.csv'), 'name,age\r\nann,31\r\nbob,42\r\n');
    await assertAsGnuParallel(['--header', ':', '--colsep', ',', '-L', '1', 'echo', '{name}', '{age}', '::::', 'crlf.csv']);
    await assertAsGnuParallel(['--header', ':', '-L', '1', 'echo'], 'h \nb\nc \nd\ne\n');
  });

  test('--header takes its line as it is, blank or equal to -E\'s string, as GNU parallel (was: -r skipped a blank header for the next line; -E ended the input at once)', async () => {
    await assertAsGnuParallel(['--header', ':', '-r', 'echo', '[{}]'], ' \nb\n \nc\n');
    await assertAsGnuParallel(['--header', ':', '-E', 'END', 'echo', '[{}]'], 'END\nb\nEND\nc\n');
    await assertAsGnuParallel(['--header', ':', '-r', '-E', 'END', 'echo', '[{1}]', ':::', ' ', 'b', ':::', 'END', 'x']);
  });

  test('--header names are the line\'s columns untrimmed, whatever --trim does to the values, as GNU parallel names them (was: ` a ` was the name a)', async () => {
    for (const trim of [[], ['--trim', 'lr'], ['--trim', 'n']]) {
      await assertAsGnuParallel(['--header', ':', '--colsep', ',', ...trim, 'echo', '[{a}]', '[{ a }]', '[{b}]', '[{1}]'], ' a ,b\n 1 ,2\n');
    }
    await assertAsGnuParallel(['--header', ':', '--colsep', ' *, *', 'echo', '[{a}]', '[{ a}]', '[{1}]'], ' a , b\n1,2\n');
  });

  test('--header: empty names at the end of a source\'s line are none, and the next source\'s names follow on, as GNU parallel names them (was: `a,b,` named the third column \'\', which took `{}`)', async () => {
    for (const input of ['a,b,\n1,2,3\n', 'a,b,\r\n1,2,3\r\n', 'a,b,,\n1,2,3,4\n', ',,\n1,2,3\n', 'a,,c\n1,2,3\n']) {
      await assertAsGnuParallel(['--header', ':', '--colsep', ',', 'echo', '[{}]', '[{1}]', '[{a}]', '[{b}]', '[{c}]'], input);
    }
    await writeFile(join(dir, 'trailing.csv'), 'a,b,\n1,2,3\n');
    await writeFile(join(dir, 'next.csv'), 'c\n9\n');
    await assertAsGnuParallel(['--header', ':', '--colsep', ',', 'echo', '[{}]', '[{c}]', '[{4}]', '::::', 'trailing.csv', 'next.csv']);
  });

  test('--header: {NAME/} {NAME//} {NAME.} {NAME/.} are the column\'s, the first name that matches wins, and other forms stay text, as GNU parallel replaces them (was: {name.} left as text, the input appended)', async () => {
    await writeFile(join(dir, 'middle-empty.csv'), 'a,,b\nx.y,p/q.r,z\n');
    for (const args of [
      ['--header', ':', 'echo', '{name}', '{name.}', '{name/}', '{name//}', '{name/.}', ':::', 'name', 'a/b.c', 'd.e'],
      ['--header', ':', 'echo', '{x..}', '{x:1}', '{x/..}', ':::', 'x', 'a.b.c'],
      ['--plus', '--header', ':', 'echo', '{x..}', '{x%.c}', ':::', 'x', 'a.b.c'],
      // a name '' in the middle is `{}`'s, `{.}`'s, ...
      ['--header', ':', '--colsep', ',', 'echo', '[{}]', '[{.}]', '[{/}]', '[{b/.}]', '::::', 'middle-empty.csv'],
      // names rewritten one after the other: {2} is {1} (the first name), then {3} (the third, named 1)
      ['--header', ':', 'echo', '{2}', '{a.}', ':::', '2', 'a', ':::', '3', 'b', ':::', '1', 'c', ':::', 'a', 'x.y', ':::', 'a.', 'p.q'],
      // what wraps the command reads the names as bytes, as the command does (was: `{é}` none there, the input appended)
      ['--nice', '1', '--header', ':', 'echo', '{é}', ':::', 'é', 'x'],
      ['-X', '-j1', '--header', ':', 'echo', '{x.}', 'pre-{}', ':::', 'x', 'a.1', 'b.2'],
    ]) {
      await assertAsGnuParallel(args);
    }
  });

  test('--header, 0 too: each file source is named by its path as typed, the k-th {k}, k counting files only, after the column names, as GNU parallel names them (was: {f} left as text, the input appended)', async () => {
    await writeFile(join(dir, 'f'), 'f1\nf2\n');
    await writeFile(join(dir, 'g'), 'g1\ng2\n');
    await writeFile(join(dir, 'people.tsv'), 'name\tage\nbob\t3\n');
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'sub', 'h.txt'), 'a/b.c\n');
    for (const args of [
      ['--header', '0', 'echo', '{f}', '{g}', '::::', 'f', 'g'],
      ['--header', ':', 'echo', '{people.tsv}', '{age}', '::::', 'people.tsv'],
      ['--header', '0', 'echo', '{f.}', '{f/}', '{sub/h.txt/}', '{sub/h.txt//}', '{sub/h.txt/.}', '::::', 'f', 'sub/h.txt'],
      ['--header', '0', '--tagstring', '{f}', 'echo', '{g}', '::::', 'f', 'g'],
      // -a first, as GNU parallel takes it; `:::` sources are not counted, even before the files: {g} is {1}
      ['-a', 'f', '--header', '0', 'echo', '{f}', '{g}', ':::', 'x', '::::', 'g'],
      ['--header', '0', 'echo', '{g}', ':::', 'x', 'y', '::::', 'g'],
      // a column of the same name wins
      ['--header', ':', 'echo', '{f}', ':::', 'f', 'x', '::::', 'f'],
    ]) {
      await assertAsGnuParallel(args);
    }
  });

  test('--results DIR: the levels of each record named by --header (a file source by its path) and sorted by their names, numerically then as bytes, as GNU parallel lays them out (was: in the order of the record, r/b/1/a/2 for r/a/2/b/1)', async () => {
    await writeFile(join(dir, 'f'), 'f1\nf2\n');
    await writeFile(join(dir, 'g'), 'g1\ng2\n');
    await writeFile(join(dir, 'people.tsv'), 'name\tage\nbob\t3\nann\t41\n');
    await writeFile(join(dir, 'numbered.csv'), '10,2,b,a,1x, 3,inf,-1,A\n1,2,3,4,5,6,7,8,9\n');
    await writeFile(join(dir, 'columns.csv'), 'x,y\n1,2\n3,4\n5,6\n');
    await writeFile(join(dir, 'ragged.csv'), 'b,a\nc,d,e\nf\n');
    await writeFile(join(dir, '{.}'), 'z3\n');
    /** The folders under `folder`, as `find folder -type d | sort` lists them from inside. */
    const foldersUnder = async (folder: string): Promise<string> => (await execa('sh', ['-c', 'cd "$1" && find . -type d | LC_ALL=C sort', 'sh', folder])).stdout;
    let n = 0;
    for (const args of [
      ['--header', ':', 'echo', ':::', 'b', '1', ':::', 'a', '2'],
      ['--header', ':', 'echo', '{name}', '::::', 'people.tsv'],
      ['--header', ':', 'echo', ':::', 'b', '1', '::::', 'people.tsv'],
      ['--header', ':', '--colsep', ',', 'echo', '::::', 'numbered.csv'],
      ['--header', ':', '--colsep', ',', 'echo', '::::', 'ragged.csv'],
      ['--header', ':', 'echo', ':::', 'é', 'x', ':::', 'b', 'p/q', 'r\\s'],
      ['--header', ':', 'echo', ':::', 'z', '1', '2', ':::+', 'y', '3', '4', ':::', 'x', '5'],
      // several records a job: each sorted on its own
      ['--header', ':', '-N2', 'echo', ':::', 'b', '1', '2', ':::', 'a', '3', '4'],
      ['--header', ':', '-X', '-j1', 'echo', ':::', 'b', '1', '2', ':::', 'a', '3', '4'],
      ['--header', ':', '--colsep', ',', '-N2', 'echo', '::::', 'columns.csv'],
      // --header 0: only the files are named, the k-th file's path naming id k
      ['--header', '0', 'echo', ':::', 'x', '::::', 'f'],
      ['--header', '0', '-X', '-j1', 'echo', '::::', 'g', 'f'],
      // names that look like replacement strings are text in the folders' names (was, for a commit: replaced)
      ['--header', '0', 'echo', '::::', '{.}', ':::', 'a.b'],
      ['--header', ':', 'echo', ':::', '{1}', 'a', ':::', 'b', 'c'],
      // no --header: 1, 2, ... in the order of the record, as before
      ['echo', ':::', 'a', 'b', ':::', 'c'],
      ['--colsep', ',', 'echo', '::::', 'ragged.csv'],
    ]) {
      const ours = `results-prun-${++n}`;
      const theirs = `results-gnu-${n}`;
      const result = await prun(['exec', '-k', '--results', ours, ...args], { cwd: dir });
      const gnu = gnuParallelRun(['--results', theirs, ...args], { cwd: dir });
      assert.equal(result.exitCode, gnu.status, `${args.join(' ')}: ${String(result.stderr)}`);
      assert.equal(result.stdout, gnu.stdout.trimEnd(), args.join(' '));
      assert.equal(await foldersUnder(join(dir, ours)), await foldersUnder(join(dir, theirs)), args.join(' '));
    }
  });

  test('-L joins `:::` values that end in a blank as it joins lines, each source on its own (was: `a ` and `b` ran apart)', async () => {
    for (const lines of ['1', '2']) await assertAsGnuParallel(['-L', lines, 'echo', ':::', 'a ', 'b', 'c ', '', 'd']);
    await assertAsGnuParallel(['-L', '1', 'echo', ':::', 'a ', 'b', ':::', 'x', 'y ', 'z']);
    await assertAsGnuParallel(['-L', '1', '-r', '-E', 'stop', 'echo', '[{}]', ':::', 'a ', ' ', 'c', '', 'stop', 'd']);
  });

  test('-r: an input is blank only of ASCII blanks, as GNU parallel\'s \\s on bytes (was: a line of the byte 0xA0 was dropped)', async () => {
    // the byte itself, not U+00A0 in UTF-8
    await writeFile(join(dir, 'nbsp'), Buffer.from('x\n\xa0\n\xa0 \nb\n', 'latin1'));
    for (const args of [['-r'], ['-r', '-L', '1']]) await assertAsGnuParallel([...args, 'echo', '::::', 'nbsp']);
  });

  test('-L: a line that ends in any of GNU parallel\'s blanks goes on into the next, a CR of a CRLF file too (was: a space or a tab only)', async () => {
    for (const input of ['a\r\nb\r\nc\n', 'a\fb\n', 'a\v\nb\n']) {
      for (const args of [['-L', '1'], ['-L', '2']]) await assertAsGnuParallel([...args, 'echo', '[{}]'], input, `${JSON.stringify(input)} ${args.join(' ')}`);
    }
  });

  test("--max-lines is GNU parallel's -l: alone or 0 it is 1, and it implies no -X (was: -L's twin, `--max-lines 0` gave empty commands, `--max-lines echo` an error)", async () => {
    for (const args of [['--max-lines', '0', 'echo', ':::', 'a', 'b'], ['--max-lines', 'echo', ':::', 'a', 'b'], ['--max-lines=2', 'echo', 'pre{}', ':::', 'a', 'b', 'c'], ['-L', '2', 'echo', 'pre{}', ':::', 'a', 'b', 'c']]) {
      await assertAsGnuParallel(args);
    }
  });

  test("the command's words are its own, those that are prun's optional-value flags too (was: `echo --threads x` ran `echo --threads= x`)", async () => {
    for (const args of [['echo', '--threads', 'x', ':::', 'a'], ['-j2', 'echo', '--procs', '-3', ':::', 'a'], ['--tag', 'echo', '--max-lines', ':::', 'a'], ['--max-lines', 'echo', '--threads', 'x.txt', ':::', 'a']]) await assertAsGnuParallel(args);
  });

  test("--tagstring turns \\t, \\n and \\NNN into their characters, as GNU parallel's unquote_printf (was: left as typed)", async () => {
    for (const tag of ['{}\\t{#}', '[{}]\\101\\n', 'a\\\\b']) await assertAsGnuParallel(['--tagstring', tag, 'echo', ':::', 'x', 'y']);
  });

  test('--tagstring keeps a \\0 as a NUL in the tag, beside a {} that -I made plain text, as GNU parallel (was: every NUL dropped)', async () => {
    await assertAsGnuParallel(['--tagstring', 'a\\0b', 'echo', ':::', 'x']);
    await assertAsGnuParallel(['-I', '@', '--tagstring', '{}\\0@', 'echo', '@', ':::', 'x']);
    await assertAsGnuParallel(['--dry-run', '--tagstring', '\\0{}', 'echo', ':::', 'x']);
    // after a brace too, where -I's mark of plain text was a NUL alone (was: dropped)
    await assertAsGnuParallel(['--tagstring', '{\\0}', 'echo', ':::', 'x']);
    // past \377 a character, in UTF-8, as Perl prints its wide characters (was: its low byte)
    await assertAsGnuParallel(['--tagstring', 'a\\400b\\777', 'echo', ':::', 'x']);
  });

  // One value a line, in brackets, so that empty values and stray blanks show.
  const SHOW = "printf '[%s]\\n'";
  const INPUTS = [
    'a.tar.gz', 'b/c.txt', '/abs/x.y/z', '.hidden', 'dir/', 'no_ext', 'sp ace.txt', "it's", '"dq"', '*',
    'dir.x/file', 'a//b', '/', '.', '..', 'a/..', 'x.', '-n', '~', 'FOO=bar', 'tab\there', 'é.txt',
    '$(touch pwned)', '`touch pwned`', 'a; touch pwned', '\\n',
  ];
  const TEMPLATES = [
    `${SHOW} {}`, `${SHOW} {.}`, `${SHOW} {/}`, `${SHOW} {//}`, `${SHOW} {/.}`, `${SHOW} {#} {%}`,
    `${SHOW} {1} {1.} {1/} {1//} {1/.}`,
    SHOW, // no replacement string: the input is appended
    `printf '<%s>' x{}y{.}z; echo`, // replacement strings inside a word
    `${SHOW} {} ${'x'.repeat(120)}`, // long enough for prun to hand it to the shell in a file
  ];
  for (const template of TEMPLATES) {
    test(`every replacement string: ${template}`, async () => {
      const file = join(dir, 'tricky.txt');
      await writeFile(file, INPUTS.map((input) => `${input}\n`).join(''));
      // -j1: {%} is then 1 in both
      const result = await prun(['exec', '-j', '1', template, '::::', file], { cwd: dir });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(`${result.stdout}\n`, gnuParallelHere(['-j1', template, '::::', file]));
      assert.ok(!existsSync(join(dir, 'pwned')), 'an input was run as shell code');
    });
  }

  test("regression: a command past 100 bytes, one holding newlines, and any under --results run as the job shell's -c runs them, as GNU parallel (was: as `. FILE`: a `return` at the top ended the job, $BASH_SOURCE was set, errors named the file)", async () => {
    const env = { ...GNU_PARALLEL_ENV, PARALLEL_SHELL: '/bin/bash' };
    const cases = [
      ['echo ${BASH_SOURCE[0]:-none}; return 3 2>/dev/null; echo after {}; : ' + 'x'.repeat(100), ':::', 'a'],
      ['echo one {}\nnosuch-command-of-prun-tests\necho "two\n  lines"', ':::', 'a', 'b'],
      ['--results', 'res', 'return 3 2>/dev/null; echo after {}', ':::', 'a'],
    ];
    for (const args of cases) {
      const result = await prun(['exec', '-k', '-j1', ...args], { cwd: dir, env });
      const gnu = gnuParallelRun(['-j1', ...args.map((arg) => (arg === 'res' ? 'res-gnu' : arg))], { cwd: dir, env });
      assert.equal(result.exitCode, gnu.status, args[0]);
      assert.equal(result.stdout, gnu.stdout.trimEnd(), args[0]);
      assert.equal(result.stderr, gnu.stderr.trimEnd(), args[0]);
    }
    assert.equal(await readFile(join(dir, 'res', '1', 'a', 'stdout'), 'utf8'), 'after a\n');
  });

  test('regression: -m and -X fill a job as GNU parallel measures its line, {#} and {%} counted once for each argument (was: as the text they become, so more arguments a job, and other jobs)', async () => {
    const input = seq(400);
    for (const args of [
      ['-m', '-s', '60', '-j1', 'echo {} {#}'],
      ['-m', '-s', '200', '-j1', 'echo {} {#} {#}'],
      ['-m', '-s', '60', '-j1', 'echo x{#}y {}'],
      ['-m', '-s', '60', '-j1', 'echo {} {%}'],
      ['-X', '-s', '60', '-j1', 'echo {} x{#}y'],
      ['-X', '-s', '60', '-j1', 'echo {#} {}'],
      ['-X', '-s', '60', '-j1', 'echo x{#}y{}'],
      ['-X', '-s', '40', '-j1', 'echo x{#}y'],
    ]) {
      await assertAsGnuParallel(args, input);
    }
    // several values a record: {#} counted once a record (was, with the first version of this
    // count: a record GNU parallel runs refused as longer than -s)
    await assertAsGnuParallel(['-m', '-s', '40', '--colsep', ' ', 'echo', '{#}', '{}'], 'a b c d e f g h i j\n');
    await assertAsGnuParallel(['-j1', '-X', '-s', '60', 'echo {#} {}', ':::', ...'abcdefghijklmn', ':::', '1', '2', '3']);
  });

  test("each job has GNU parallel's $PARALLEL_PID, the pid of the prun that runs it (was: unset)", async () => {
    const running = prun(['exec', '-k', 'echo $PARALLEL_PID {}', ':::', 'a', 'b'], { env: { PARALLEL_PID: 'stale' } });
    const result = await running;
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, `${running.pid} a\n${running.pid} b`);
  });

  test('-0 reads NUL-ended inputs, newlines and all, as GNU parallel -0 does', async () => {
    const command = 'printf "[%s|%s]\\n" {/.} {#}';
    const input = 'a b.txt\0dir/new\nline.txt\0c.txt\r\0last';
    const result = await prunWithStdin(['exec', '-0', command], input);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, gnuParallelHere(['-0', command], input).trimEnd());
    assert.equal(result.stdout, '[a b|1]\n[new\nline|2]\n[c|3]\n[last|4]');
  });

  test('two ::: groups give every combination, {1} and {2} naming their parts', async () => {
    const template = `${SHOW} {1}{2} {2/.}-{1} {}`;
    const groups = [':::', 'a', 'b c', ':::', '1', 'x/2.y'];
    const result = await prun(['exec', '-j', '1', template, ...groups]);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(`${result.stdout}\n`, gnuParallelHere(['-j1', template, ...groups]));
    const simple = await prun(['exec', 'echo {1}{2}', ':::', 'a', 'b', ':::', '1', '2']);
    assert.equal(simple.stdout, 'a1\na2\nb1\nb2');
  });

  test(':::: FILE makes each file a source of its own, combined with ::: sources, as GNU parallel does', async () => {
    await writeFile(join(dir, 'letters'), 'a\nb c\n');
    await writeFile(join(dir, 'digits'), '1\n2');
    const template = 'echo {1}-{2}';
    // each file after ::::+ links to the source before it (was: only the first)
    for (const sources of [['::::', 'letters', 'digits'], [':::', 'x', 'y', '::::', 'letters'], ['::::', 'digits'], ['::::+', 'letters', 'digits'], [':::', 'x', 'y', '::::+', 'letters', 'digits']]) {
      const result = await prun(['exec', template, ...sources], { cwd: dir });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(`${result.stdout}\n`, gnuParallelHere([template, ...sources]), sources.join(' '));
    }
    const stdin = await prun(['exec', template, '::::', '-', ':::', 'z'], { cwd: dir, stdin: 'pipe', input: 'p\nq\n' });
    assert.equal(stdin.stdout, 'p-z\nq-z');
  });

  test('an empty source among others is one empty value, all of them empty run nothing, as GNU parallel (was: `::: a :::` ran nothing, two empty files one job)', async () => {
    await writeFile(join(dir, 'empty'), '');
    const cases = [
      [':::', 'a', 'b', ':::'],
      [':::', ':::', 'a'],
      [':::', 'a', ':::+'],
      [':::', 'a', 'b', ':::+', ':::', 'c'],
      ['::::', 'empty', ':::', 'a'],
      ['::::', 'empty', '::::', 'empty'],
      [':::', ':::'],
    ];
    for (const sources of cases) {
      const result = await prun(['exec', '-k', 'echo [{}]', ...sources], { cwd: dir });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal(result.stdout, gnuParallelHere(['echo [{}]', ...sources]).trimEnd(), sources.join(' '));
    }
    // --colsep reads its sources whole, another way to the same rule
    const read = await prun(['exec', '-k', '--colsep', ',', 'echo [{1}]', ':::', 'a,b', ':::'], { cwd: dir });
    assert.equal(read.stdout, gnuParallelHere(['--colsep', ',', 'echo [{1}]', ':::', 'a,b', ':::']).trimEnd());
    assert.equal(read.stdout, '[a]');
  });

  test('--tag prefixes every line, the last one without a newline too, with the input and a tab', async () => {
    const template = 'printf "x\\ny"';
    const result = await prun(['exec', '--tag', template, ':::', 'a', 'b c']);
    assert.equal(result.stdout, 'a\tx\na\tyb c\tx\nb c\ty');
    assert.equal(result.stdout, gnuParallelHere(['--tag', template, ':::', 'a', 'b c']));
  });
});
