import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { scratchDir } from '../helpers/files.js';
import { bin, lines, prun, root } from '../helpers/prun.js';

const scratch = scratchDir('help');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The options a --help lists, short and long: `  -j, --jobs <n>  ...` gives -j and --jobs. */
function helpOptions(help: string): Set<string> {
  const options = new Set<string>();
  for (const line of help.split('\n')) {
    const flags = /^ {2}(-[^\s,]+(?:, -[^\s,]+)*)/.exec(line);
    if (flags) for (const flag of flags[1]!.split(', ')) options.add(flag);
  }
  return options;
}

/**
 * The flags a README text names in code spans that begin with one (`--tag`, `-j N`,
 * `-P, --max-procs N`, `-0`/`--null`): the first word of the span and of each alternative
 * after a comma; a value (`-j -1`) or a count glued to a short flag (`-N0`) is not a flag.
 */
function readmeOptions(text: string): Set<string> {
  const options = new Set<string>();
  for (const [, span] of text.matchAll(/`(-[^`]*)`/g)) {
    for (const alternative of span!.split(/,\s*/)) {
      const flag = /^(--[A-Za-z0-9][\w-]*|-[A-Za-z0-9])/.exec(alternative.trim())?.[1];
      if (flag) options.add(flag);
    }
  }
  return options;
}

/**
 * GNU parallel's own spellings that prun accepts but keeps out of --help, where the usual
 * spelling stands (--dry-run, --line-buffer); the README names them beside it.
 */
const HIDDEN_ALIASES = ['--dryrun', '--linebuffer'];

/** The exec section less its list of GNU parallel's options that prun does not have. */
function execSectionWithoutDifferences(): string {
  const text = section(/^## prun exec/m, /^## /m);
  return text.replace(/;[^;]*\bare not there\./, '.');
}

function section(start: RegExp, end: RegExp): string {
  const from = readme.search(start);
  assert.ok(from >= 0, `README has ${start}`);
  const rest = readme.slice(from);
  const to = rest.slice(1).search(end);
  return to === -1 ? rest : rest.slice(0, to + 1);
}

/** The first cell of each row of the README's table of map's options. */
function mapTable(): string {
  const table = section(/^### Options$/m, /^### /m);
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split(' | ')[0])
    .join('\n');
}

function difference(a: Set<string>, b: Set<string>): string[] {
  return [...a].filter((option) => !b.has(option)).sort();
}

describe('--help and the README list the same options', () => {
  test('prun map: every option in --help is in the README table, and the other way round', async () => {
    const help = helpOptions(String((await prun(['map', '--help'])).stdout));
    const global = helpOptions(String((await prun(['--help'])).stdout));
    const documented = readmeOptions(mapTable());
    assert.ok(help.has('--procs') && documented.has('--procs'), 'both lists were read');
    assert.deepEqual(difference(help, documented), [], 'in prun map --help, not in the README');
    assert.deepEqual(difference(documented, new Set([...help, ...global])), [], 'in the README, not in prun map --help');
  });

  test("prun exec: every option in --help is in the README (exec's section, or map's table for shared ones), and the other way round", async () => {
    const help = helpOptions(String((await prun(['exec', '--help'])).stdout));
    const global = helpOptions(String((await prun(['--help'])).stdout));
    const execSection = readmeOptions(execSectionWithoutDifferences());
    assert.ok(help.has('--tag'), 'exec --help was read');
    assert.deepEqual(difference(help, new Set([...execSection, ...readmeOptions(mapTable())])), [], 'in prun exec --help, not in the README');
    assert.deepEqual(difference(execSection, new Set([...help, ...global, ...HIDDEN_ALIASES])), [], "in the README's exec section, not in prun exec --help");
  });
});

describe('help that teaches', () => {
  test('prun map --help and prun --help end with numbered examples, then the exit codes', async () => {
    for (const args of [['map', '--help'], ['--help']]) {
      const help = String((await prun(args)).stdout);
      const examples = help.indexOf('\nExamples:\n  1. ');
      const codes = help.indexOf('\nExit codes:\n  0 ');
      assert.ok(examples > 0 && codes > examples, args.join(' '));
      for (const code of ['0', '1', '2', '74', '130', '141']) assert.match(help.slice(codes), new RegExp(`^  ${code} `, 'm'));
    }
    assert.match(String((await prun(['map', '--help'])).stdout), /options go before :::/);
  });

  test('prun exec --help ends with its numbered examples, then the exit codes, nothing between (was: its differences from GNU parallel between)', async () => {
    const help = String((await prun(['exec', '--help'])).stdout);
    const examples = help.indexOf('\nExamples:\n  1. ');
    const codes = help.indexOf('\nExit codes');
    assert.ok(examples > 0 && codes > examples);
    assert.deepEqual(help.slice(examples, codes).split('\n').filter((line) => /^\S/.test(line)), ['Examples:']);
    for (const code of ['0', '1-100', '2', '74', '130', '141']) assert.match(help.slice(codes), new RegExp(`^  ${code} `, 'm'));
  });

  test("prun map --help's examples run as pasted (those that need no network and end)", async () => {
    const help = String((await prun(['map', '--help'])).stdout);
    const commands = [...help.matchAll(/^ {2}\d+\. .*:\n {5}(.*)$/gm)].map((match) => match[1]!);
    assert.ok(commands.length >= 5, help);
    const dir = mkdtempSync(join(scratch, 'examples-'));
    mkdirSync(join(dir, 'bin'));
    symlinkSync(bin, join(dir, 'bin', 'prun'));
    const runnable = commands.filter((command) => !/fetch\.ts|tail -f/.test(command));
    assert.ok(runnable.length >= 4);
    for (const command of runnable) {
      const result = await execa('bash', ['-o', 'pipefail', '-c', command], { cwd: dir, reject: false, env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}` } });
      assert.equal(result.exitCode, 0, `${command}\n${result.stderr}`);
    }
  });
});

describe('help whose reader has gone (prun --help | head -1)', () => {
  for (const args of [['--help'], ['exec', '--help'], ['--version']]) {
    test(`prun ${args.join(' ')}: exit 141, no stack on stderr`, async () => {
      const child = execa(bin, args, { cwd: root, reject: false });
      // the reader goes before prun has written anything: its write fails with EPIPE
      child.stdout!.destroy();
      const result = await child;
      assert.equal(result.exitCode, 141);
      assert.equal(result.stderr, '');
    });
  }
});

describe('what was asked for, on a full disk (> /dev/full)', () => {
  for (const args of [['--help'], ['exec', '--help'], ['--version'], ['exec', '--number-of-cores']]) {
    test(`prun ${args.join(' ')}: one line, exit 74 (was: 141, or 0 and nothing said)`, async () => {
      const result = await execa('sh', ['-c', '"$0" "$@" > /dev/full', bin, ...args], { cwd: root, reject: false });
      assert.equal(result.exitCode, 74);
      assert.equal(result.stderr, 'prun: cannot write results: no space left on device');
    });
  }
});

test('-V and --version work after each command too, as the options tables list them', async () => {
  for (const args of [['map', '-V'], ['exec', '--version'], ['worker', '-V']]) {
    const result = await prun(args);
    assert.equal(result.exitCode, 0, args.join(' '));
    assert.match(String(result.stdout), /^\d+\.\d+\.\d+$/);
  }
  // after prun exec's command, the word is the command's
  assert.equal(String((await prun(['exec', 'echo', '--version', ':::', 'a'])).stdout), '--version a');
});

test('prun help with an unknown command: one line and exit 2, as prun with one (was: the whole help on stderr)', async () => {
  const result = await prun(['help', 'nosuch']);
  assert.equal(result.exitCode, 2);
  assert.equal(result.stdout, '');
  assert.equal(lines(result.stderr).length, 1);
  assert.match(String(result.stderr), /'nosuch'/);
  // a known command's help still comes
  const known = await prun(['help', 'exec']);
  assert.equal(known.exitCode, 0);
  assert.match(String(known.stdout), /^Usage: prun exec/);
  // help of help, and help --help: the whole help, as before (were: unknown command)
  for (const args of [['help', 'help'], ['help', '--help']]) {
    const whole = await prun(args);
    assert.equal(whole.exitCode, 0, args.join(' '));
    assert.match(String(whole.stdout), /^Usage: prun /, args.join(' '));
  }
});

test("a command's option typed before the command, or a script typed without map: one line saying so, exit 2 (was: 'unknown option' as if prun had none, 'unknown command')", async () => {
  const cases: [string[], string][] = [
    [['--procs', '2', 'map', 'fixtures/square.ts', ':::', '1'], "prun: unknown option '--procs' (an option of 'map': it goes after the command, 'prun map --procs …')"],
    [['-j', '2', 'exec', 'echo', ':::', '1'], "prun: unknown option '-j' (an option of 'exec': it goes after the command, 'prun exec -j …')"],
    [['fixtures/square.ts', 'fixtures/numbers.txt'], "prun: unknown command 'fixtures/square.ts' (did you mean 'prun map fixtures/square.ts …'?)"],
    [['--bogus'], "prun: unknown option '--bogus' (run 'prun --help' for usage)"],
    // the hint alone, not beside commander's guess of another name (was: '(Did you mean --help?)' too)
    [['--halt', 'now,fail=1', 'map', 'fixtures/square.ts', ':::', '1'], "prun: unknown option '--halt' (an option of 'map': it goes after the command, 'prun map --halt …')"],
    // a short option with its value attached
    [['-j2', 'exec', 'echo', ':::', '1'], "prun: unknown option '-j2' (an option of 'exec': it goes after the command, 'prun exec -j …')"],
    // the command typed lacks it: not sent to another that has it
    [['--threads', '2', 'exec', 'echo', ':::', '1'], "prun: unknown option '--threads' (run 'prun --help' for usage)"],
    // the command is the first word naming one: `map` among the inputs is an input
    [['--threads', '2', 'exec', 'echo', ':::', 'map'], "prun: unknown option '--threads' (run 'prun --help' for usage)"],
    // no command, but a script: map is meant, and an option of exec's alone is no hint (was: sent to exec)
    [['--tag', 'fixtures/square.ts', ':::', '1'], "prun: unknown option '--tag' (run 'prun --help' for usage)"],
    [['--procs', '2', 'fixtures/square.ts', ':::', '1'], "prun: unknown option '--procs' (an option of 'map': it goes after the command, 'prun map --procs …')"],
  ];
  for (const [args, said] of cases) {
    const result = await prun(args);
    assert.equal(result.exitCode, 2, args.join(' '));
    assert.equal(result.stdout, '');
    assert.deepEqual(lines(result.stderr), [said]);
  }
});
