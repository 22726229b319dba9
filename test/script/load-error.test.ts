import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { map } from 'prunjs';
import { lines, prun, root, runtimes } from '../helpers/prun.js';
import { scratchDir } from '../helpers/files.js';

const dir = scratchDir('load-error');

const runtimeOf = { '--procs': 'process', '--threads': 'thread' } as const;

for (const runtime of runtimes) {
  describe(`a script that throws while it is imported ${runtime}`, () => {
    test('is reported as "script failed to load: <message> (file:line)", not as setup() failed, exit 2', async () => {
      const result = await prun(['map', runtime, '2', 'fixtures/throws-at-import.ts', ':::', 'a', 'b']);
      assert.equal(result.exitCode, 2);
      assert.equal(result.stdout, '');
      assert.deepEqual(lines(result.stderr), ['prun: script failed to load: no config here (fixtures/throws-at-import.ts:3)']);
    });

    test('a default export that is not a function: one line naming the script and what its export is, exit 2 (was: the script not named)', async () => {
      const script = join(dir, `not-a-function${runtime}.ts`);
      await writeFile(script, 'export default { run: (x: string) => x };\n');
      const result = await prun(['map', runtime, '2', script, ':::', 'a', 'b']);
      assert.equal(result.exitCode, 2);
      assert.equal(result.stdout, '');
      assert.deepEqual(lines(result.stderr), [`prun: script failed to load: its default export is an object, not a function (${script})`]);
      // nothing of the user's to show under --verbose: no stack of prun's own files (was: its chunks' frames)
      const verbose = await prun(['map', runtime, '2', '--verbose', script, ':::', 'a', 'b']);
      assert.deepEqual(lines(verbose.stderr), lines(result.stderr));
    });

    test('a setup or teardown export that is not a function: one line naming the script and the export, exit 2, nothing run (was: skipped in silence)', async () => {
      for (const [name, value, what] of [['setup', '5', 'a number'], ['teardown', '{ close() {} }', 'an object']] as const) {
        const script = join(dir, `${name}-not-a-function${runtime}.ts`);
        await writeFile(script, `export default (x: string) => x;\nexport const ${name} = ${value};\n`);
        const result = await prun(['map', runtime, '1', script, ':::', 'a']);
        assert.equal(result.exitCode, 2);
        assert.equal(result.stdout, '');
        assert.deepEqual(lines(result.stderr), [`prun: script failed to load: its ${name} export is ${what}, not a function (${script})`]);
      }
    });

    test('an import of a name its module does not export names the line (was: no file:line, the SyntaxError has no frame of the user\'s)', async () => {
      const script = join(dir, `bad-import${runtime}.ts`);
      await writeFile(script, 'import { nope } from "node:fs";\nexport default (x: string) => x + String(nope);\n');
      const result = await prun(['map', runtime, '1', script, ':::', 'a']);
      assert.equal(result.exitCode, 2);
      assert.match(String(result.stderr), new RegExp(`^prun: script failed to load: .*'nope' \\(${script}:1\\)$`));
    });

    test('a thrown value that is not an Error names the script (was: nothing of the user\'s)', async () => {
      const script = join(dir, `throws-string${runtime}.ts`);
      await writeFile(script, 'throw "a plain string";\nexport default (x: string) => x;\n');
      const result = await prun(['map', runtime, '1', script, ':::', 'a']);
      assert.equal(result.exitCode, 2);
      assert.deepEqual(lines(result.stderr), [`prun: script failed to load: a plain string (${script})`]);
    });

    test('an error of a class of its own says its name before its message, at load and in setup(), as a task\'s failure does (was: "Cannot read properties of undefined" without TypeError)', async () => {
      const atLoad = join(dir, `type-error${runtime}.ts`);
      await writeFile(atLoad, 'const config: any = undefined;\nconst port = config.port;\nexport default (x: string) => x + port;\n');
      const load = await prun(['map', runtime, '1', atLoad, ':::', 'a']);
      assert.equal(load.exitCode, 2);
      assert.deepEqual(lines(load.stderr), [`prun: script failed to load: TypeError: Cannot read properties of undefined (reading 'port') (${atLoad}:2)`]);
      const inSetup = join(dir, `setup-range-error${runtime}.ts`);
      await writeFile(inSetup, 'export function setup() { throw new RangeError("port out of range"); }\nexport default (x: string) => x;\n');
      const setup = await prun(['map', runtime, '1', inSetup, ':::', 'a']);
      assert.equal(setup.exitCode, 2);
      assert.match(String(setup.stderr), /setup\(\) failed: RangeError: port out of range/);
    });

    test("a thrown object says its message, an error with none its name, as a task's failure would (was: [object Object], and nothing)", async () => {
      const thrownObject = join(dir, `throws-object${runtime}.ts`);
      await writeFile(thrownObject, "throw { code: 'E_CONF', message: 'bad conf' };\nexport default (x: string) => x;\n");
      const object = await prun(['map', runtime, '1', thrownObject, ':::', 'a']);
      assert.equal(object.exitCode, 2);
      assert.deepEqual(lines(object.stderr), [`prun: script failed to load: bad conf (${thrownObject})`]);
      const unsaid = join(dir, `throws-unsaid${runtime}.ts`);
      await writeFile(unsaid, 'class ConfigError extends Error { override name = "ConfigError"; }\nthrow new ConfigError();\nexport default (x: string) => x;\n');
      const empty = await prun(['map', runtime, '1', unsaid, ':::', 'a']);
      assert.equal(empty.exitCode, 2);
      assert.match(String(empty.stderr), /^prun: script failed to load: ConfigError \(.*throws-unsaid.*\.ts:2\)$/);
    });

    test('an import that fails at load names the script, never its compiled copy in the cache', async () => {
      const script = join(dir, `imports-missing${runtime}.ts`);
      await writeFile(script, "const m = await import(new URL('./not-there.mjs', import.meta.url).href);\nexport default (x: string) => x + m;\n");
      const result = await prun(['map', runtime, '1', script, ':::', 'a']);
      assert.equal(result.exitCode, 2);
      assert.equal(lines(result.stderr).length, 1, String(result.stderr));
      assert.match(String(result.stderr), /not-there\.mjs/);
      // named once: not again in parentheses after the message that names it
      assert.ok(String(result.stderr).trimEnd().endsWith(`imported from ${script}`), String(result.stderr));
    });

    test("a thrown value whose message getter throws, and a script named with $&: still a load error that names the script (was: setup() failed; the cache's path back in the message)", async () => {
      const getter = join(dir, `getter${runtime}.ts`);
      await writeFile(getter, 'throw { get message() { throw new Error("getter"); } };\nexport default () => 1;\n');
      const unread = await prun(['map', runtime, '1', getter, ':::', 'a']);
      assert.equal(unread.exitCode, 2);
      assert.match(String(unread.stderr), /^prun: script failed to load: .* \(.*getter.*\.ts\)$/);
      const dollar = join(dir, `d$&x${runtime}.ts`);
      await writeFile(dollar, "const m = await import(new URL('./not-there.mjs', import.meta.url).href);\nexport default () => m;\n");
      const named = await prun(['map', runtime, '1', dollar, ':::', 'a']);
      assert.equal(named.exitCode, 2);
      assert.ok(String(named.stderr).trimEnd().endsWith(`imported from ${dollar}`), String(named.stderr));
    });

    test('map() rejects with ERR_SCRIPT_LOAD, the message naming the line', async () => {
      const outcomes = map(['a'], `${root}fixtures/throws-at-import.ts`, { runtime: runtimeOf[runtime], workers: 1 });
      await assert.rejects(
        async () => {
          for await (const _ of outcomes);
        },
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'ERR_SCRIPT_LOAD');
          assert.match(error.message, /fixtures\/throws-at-import\.ts:3\)$/);
          return true;
        },
      );
    });
  });

  describe(`a setup() that throws, from the library ${runtime}`, () => {
    test("map() rejects with ERR_SETUP naming the line, its cause what setup() threw: its class, code, fields and cause kept (was, for a day: a copy of prun's own words)", async () => {
      const script = join(dir, `setup-code${runtime}.ts`);
      await writeFile(script, [
        'export function setup() {',
        "  throw Object.assign(new TypeError('connect failed', { cause: new Error('ECONNREFUSED 127.0.0.1:5432') }), { code: 'ECONNREFUSED', port: 5432 });",
        '}',
        'export default (x: string) => x;',
      ].join('\n'));
      const outcomes = map(['a'], script, { runtime: runtimeOf[runtime], workers: 1 });
      await assert.rejects(
        async () => {
          for await (const _ of outcomes);
        },
        (error: Error & { code?: string; cause?: Error & { code?: string; port?: number } }) => {
          assert.equal(error.code, 'ERR_SETUP');
          assert.match(error.message, /^setup\(\) failed: TypeError: connect failed \(.*setup-code.*\.ts:2\)$/);
          assert.equal(error.cause?.name, 'TypeError');
          assert.equal(error.cause?.code, 'ECONNREFUSED');
          assert.equal(error.cause?.port, 5432);
          assert.equal((error.cause?.cause as Error | undefined)?.message, 'ECONNREFUSED 127.0.0.1:5432');
          return true;
        },
      );
    });
  });

  test(`what setup() throws is setup()'s, whatever its own code (was, for a day: an error of code ERR_SCRIPT_LOAD taken for a load error) ${runtime}`, async () => {
    const script = join(dir, `setup-own-code${runtime}.ts`);
    await writeFile(script, 'export function setup() {\n  throw Object.assign(new Error("db down"), { code: "ERR_SCRIPT_LOAD" });\n}\nexport default (x: string) => x;\n');
    const result = await prun(['map', runtime, '1', script, ':::', 'a']);
    assert.equal(result.exitCode, 2);
    assert.deepEqual(lines(result.stderr), [`prun: setup() failed: db down (${script}:2)`]);
  });

  describe(`stacks under --verbose ${runtime}`, () => {
    test('bug: a stack named a file beside the compile cache, where the compiled copy lives; it names the user\'s .ts file and line', async () => {
      // a cache nested deeper than the project: a source resolved against the cache's folder
      // (as relative sources were) names a file that does not exist
      const cache = join(dir, `cache${runtime}`, 'a', 'b', 'c', 'd');
      for (const pass of ['compiled', 'from the cache']) {
        const result = await prun(['map', runtime, '1', '--verbose', 'fixtures/fail-on-odd.ts', ':::', '1'], { env: { PRUN_CACHE_DIR: cache } });
        assert.equal(result.exitCode, 1, pass);
        const stack = lines(result.stderr).filter((line) => line.startsWith('        at '));
        assert.match(stack[0] ?? '', new RegExp(`\\(${root}fixtures/fail-on-odd\\.ts:3:\\d+\\)$`), `${pass}: ${result.stderr}`);
        assert.ok(!String(result.stderr).includes(cache), `${pass}: no frame under the cache: ${result.stderr}`);
      }
    });
  });
}

for (const runtime of runtimes) {
  test(`${runtime}: a task's own import that fails names the script, not its compiled copy (was: imported from the cache's <hash>.mjs)`, async () => {
    const script = join(dir, `task-import${runtime}.ts`);
    // a computed name: esbuild leaves the import to run time
    await writeFile(script, "export default async (x: string) => {\n  await import(['no-such', 'pkg-zz'].join('-'));\n  return x;\n};\n");
    const result = await prun(['map', runtime, '1', script, ':::', 'a']);
    assert.equal(result.exitCode, 1);
    assert.ok(String(result.stderr).includes(`Cannot find package 'no-such-pkg-zz' imported from ${script}\n`), String(result.stderr));
    assert.doesNotMatch(String(result.stderr), /\.mjs/);
  });
}
