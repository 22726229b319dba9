import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { throttled, ThrottledError } from '../../src/index.js';
import { bundleScript } from '../../src/script/bundle.js';
import { lines, prun, root } from '../helpers/prun.js';
import { scratchDir } from '../helpers/files.js';

const dir = scratchDir('own-module');

function response(status: number, headers: Record<string, string> = {}, extra: { statusText?: string; url?: string } = {}) {
  return { status, headers: new Headers(headers), ...extra };
}

describe('throttled()', () => {
  test('an Error named ThrottledError with the status and the raw Retry-After, its message naming both and the URL', () => {
    const error = throttled(response(429, { 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' }, { url: 'http://127.0.0.1/x' }));
    // a class the package exports: `catch (e) { if (e instanceof ThrottledError) ... }`
    assert.equal(error instanceof ThrottledError, true);
    assert.equal(error instanceof Error, true);
    assert.deepEqual([error.name, error.status, error.retryAfter], ['ThrottledError', 429, 'Wed, 21 Oct 2015 07:28:00 GMT']);
    assert.equal(error.message, 'throttled: 429 Too Many Requests http://127.0.0.1/x');
  });

  test('a bad argument throws PrunError ERR_USAGE, never a raw TypeError (was: TypeError for undefined)', () => {
    for (const bad of [undefined, null, 429, 'x', {}, { status: '429' }]) {
      assert.throws(() => throttled(bad as never), (error: unknown) => error instanceof Error && (error as { code?: string }).code === 'ERR_USAGE' && error.name === 'PrunError', String(bad));
    }
  });

  test("no Retry-After is undefined; the Response's own status text wins; a URL is optional", () => {
    const error = throttled(response(503, {}, { statusText: 'Busy' }));
    assert.deepEqual([error.status, error.retryAfter, error.message], [503, undefined, 'throttled: 503 Busy']);
  });

  test('headers as a plain object (axios, got), or none at all, are read too (was: a TypeError, headers.get is not a function)', () => {
    assert.equal(throttled({ status: 429, headers: { 'retry-after': '3' } }).retryAfter, '3');
    assert.equal(throttled({ status: 429, headers: { 'Retry-After': ['4'] } }).retryAfter, '4');
    assert.equal(throttled({ status: 503, headers: {} }).retryAfter, undefined);
    assert.equal(throttled({ status: 429 }).retryAfter, undefined);
  });

  test("got's and Node's response say statusCode: that is the status (was: 'throttled: undefined', and no back-off)", () => {
    const error = throttled({ statusCode: 429, headers: { 'retry-after': '1' } });
    assert.deepEqual([error.status, error.retryAfter, error.message], [429, '1', 'throttled: 429 Too Many Requests']);
  });
});

describe("import { throttled } from 'prun' in a script", () => {
  test('an input that threw throttled(res) is tried again; throttled past --max-throttle, its --json record carries "status":429 and the Retry-After', async () => {
    const args = ['map', 'fixtures/throttle.ts', '--json', '--max-retry-after', '100ms', '--max-throttle', '250ms', ':::', 'a', 'slow', 'b'];
    const result = await prun(args, { env: { PRUN_CACHE_DIR: join(dir, 'cache') } });
    assert.equal(result.exitCode, 1);
    const records = lines(result.stdout.trimEnd()).map((line) => JSON.parse(line) as Record<string, unknown>);
    const failure = records.find((record) => record.input === 'slow');
    assert.deepEqual([failure?.code, failure?.status, failure?.retryAfter], ['ERR_THROTTLED', 429, '7']);
    assert.deepEqual(records.filter((record) => record.input !== 'slow').map((record) => record.result), ['ok a', 'ok b']);
  });

  test("ThrottledError is a class a script imports from 'prun', for instanceof, as the README says (was: 'prun' has no export)", async () => {
    const script = join(dir, 'instance-of.ts');
    await writeFile(script, "import { throttled, ThrottledError } from 'prun';\nexport default (input: string) => String(throttled({ status: 429 }) instanceof ThrottledError) + ' ' + input;\n");
    const result = await prun(['map', script, ':::', 'a'], { env: { PRUN_CACHE_DIR: join(dir, 'cache') } });
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.equal(result.stdout, 'true a');
  });

  test("for a queue (bare imports): prun's module is compiled in, and the script runs where no prun is installed", async () => {
    const bundle = await bundleScript(join(root, 'fixtures/throttle.ts'), 'fixtures/throttle.ts', { bareImports: true });
    assert.doesNotMatch(bundle.code, /from\s*["']prun["']/);
    const elsewhere = join(dir, 'elsewhere.mjs');
    await writeFile(elsewhere, bundle.code);
    const script = (await import(pathToFileURL(elsewhere).href)) as { default: (input: string) => string };
    assert.equal(script.default('a'), 'ok a');
    assert.throws(() => script.default('slow'), (error: unknown) => (error as Error).name === 'ThrottledError' && (error as { status?: number }).status === 429);
  });

  test("'prunjs' where none is installed for the script (a global prun) is the prun that runs it, chosen again each run (was: cannot load: Could not resolve \"prunjs\")", async () => {
    // the scratch folder is outside the repository: no node_modules, no package of ours above it
    const project = join(dir, 'project');
    await mkdir(project);
    const script = join(project, 'which-prunjs.ts');
    await writeFile(script, "import * as lib from 'prunjs';\nexport default (input: string) => [typeof lib.throttled, typeof lib.map, 'MARKER' in lib ? 'installed' : 'running', input].join(' ');\n");
    const run = (input: string) => prun(['map', script, ':::', input], { env: { PRUN_CACHE_DIR: join(dir, 'cache') } });
    const before = await run('a');
    assert.equal(before.exitCode, 0, String(before.stderr));
    assert.equal(before.stdout, 'function function running a');
    // installed for the script afterwards: it is that copy (was: the first compile's, from the cache)
    const installed = join(project, 'node_modules', 'prunjs');
    await mkdir(installed, { recursive: true });
    await writeFile(join(installed, 'package.json'), JSON.stringify({ name: 'prunjs', type: 'module', exports: { '.': './index.js' } }));
    await writeFile(join(installed, 'index.js'), 'export const MARKER = 1, throttled = () => {}, map = () => {};\n');
    assert.equal((await run('b')).stdout, 'function function installed b');
    // and removed again: the running prun once more (was: the cached module, naming a file gone)
    await rm(join(project, 'node_modules'), { recursive: true });
    assert.equal((await run('c')).stdout, 'function function running c');
  });

  test("'prunjs', the package's own name, stays an ordinary package import", async () => {
    const script = join(dir, 'uses-the-package.ts');
    await writeFile(script, "import { throttled } from 'prun';\nimport { map } from 'prunjs';\nexport default () => [typeof throttled, typeof map];\n");
    const bundle = await bundleScript(script, 'uses-the-package.ts', { bareImports: true });
    assert.match(bundle.code, /from\s*["']prunjs["']/);
    assert.doesNotMatch(bundle.code, /from\s*["']prun["']/);
  });
});
