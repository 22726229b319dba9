import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { lines, root } from '../helpers/prun.js';
import { networkEnv } from '../helpers/network-env.js';

const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
// `exec` joins the library's exports in issue #12 (item 4); the import is checked once it is there
const exportsExec = /export \{[^}]*\bexec\b[^}]*\} from/.test(readFileSync(join(root, 'src/index.ts'), 'utf8'));

/**
 * The README's install line, as a new user runs it: the packed tarball (what `npm publish`
 * would upload), installed globally in a prefix of its own. Dependencies come from npm's
 * cache when they are there (--prefer-offline), so only a cold cache needs the registry.
 */
// the two installs run side by side: most of their time is npm waiting on the cache and the disk
describe(`the package as npm installs it (${name})`, { timeout: 240_000, concurrency: true }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'prun-install-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  let tarball = '';
  // npm may reach the registry, through whatever proxy the machine has
  const npm = (args: string[], cwd = scratch) => execa('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, env: networkEnv() });

  before(async () => {
    // dist/ is built by `npm test` first: packing it again is all `prepare` would add
    const packed = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', scratch, '--loglevel=error'], { cwd: root });
    tarball = join(scratch, lines(packed.stdout).at(-1)!);
  });


  test('installed globally from the tarball, the command is prun: --version, a map and an exec', async () => {
    const prefix = join(scratch, 'global');
    await npm(['install', '--global', '--prefix', prefix, tarball]);
    const prun = join(prefix, 'bin', 'prun');
    const work = join(scratch, 'work');
    mkdirSync(work);
    writeFileSync(join(work, 'triple.ts'), 'export default (input: string): number => Number(input) * 3;\n');

    assert.equal((await execa(prun, ['--version'], { cwd: work })).stdout, version);
    const mapped = await execa(prun, ['map', 'triple.ts'], { cwd: work, input: '1\n2\n3\n' });
    assert.deepEqual(lines(mapped.stdout), ['3', '6', '9']);
    const executed = await execa(prun, ['exec', 'echo {}', ':::', 'a', 'b'], { cwd: work });
    assert.deepEqual(lines(executed.stdout), ['a', 'b']);
  });

  test(`a new TypeScript project imports it and type-checks with tsc --strict${exportsExec ? '' : ' (map and Task: exec is not exported yet)'}`, async () => {
    const project = join(scratch, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'new-project', private: true, type: 'module' }));
    await npm(['install', tarball], project);
    // Node's types come with the package (its own types name Node's): a project without
    // @types/node type-checks all the same (was: TS2307 'node:stream' in the package's types)
    const names = exportsExec ? 'map, exec, type Task' : 'map, type Task';
    writeFileSync(
      join(project, 'main.ts'),
      [
        `import { ${names} } from '${name}';`,
        'export const square: Task<number> = (input) => Number(input) ** 2;',
        "for await (const outcome of map<number>(['1', '2'], './square.ts')) console.log(outcome);",
        exportsExec ? 'export const run: typeof exec = exec;' : '',
        '',
      ].join('\n'),
    );
    // a script importing 'prun', mapped as the README says, type-checks under NodeNext, what
    // `tsc --init` writes (was: the README's mapping to the package's folder, TS2307 there)
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const paths = JSON.parse(`{${/"paths": (\{ "prun": \[[^\]]*\] \})/.exec(readme)![0]}}`) as { paths: unknown };
    writeFileSync(join(project, 'task.ts'), "import { throttled, type TaskContext } from 'prun';\nexport default (input: string, ctx: TaskContext): string => `${input} ${ctx.attempt} ${typeof throttled}`;\n");
    // and a wrong use is caught: the types are really there, not `any`
    writeFileSync(join(project, 'wrong.ts'), `import { type Task } from '${name}';\nexport const bad: Task = (input: number) => input;\n`);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [], ...paths }, files: ['main.ts', 'task.ts', 'wrong.ts'] }),
    );
    // `types: []` is TypeScript 6's default, which loads no @types package unless named (was:
    // under tsc 7, TS2591 'node:stream' in the package's types)
    // one tsc over the three (a few seconds each run): errors in wrong.ts, and only there
    const tsc = join(root, 'node_modules', '.bin', 'tsc');
    const checked = await execa(tsc, ['-p', '.', '--pretty', 'false'], { cwd: project, reject: false });
    const errors = lines(checked.stdout.trim());
    assert.notEqual(checked.exitCode, 0);
    assert.ok(errors.length > 0 && errors.every((line) => line.startsWith('wrong.ts(') || line.startsWith('  ')), `${checked.stdout}${checked.stderr}`);
  });
});
