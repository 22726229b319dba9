import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, extname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { nonBlockingStderr } from '../runtime/blocking-writes.js';
import { PrunError } from '../errors.js';
import { cannotRead, isFileError } from './read-error.js';

export interface BundleOptions {
  /**
   * Leave package imports as written (`import x from 'pkg'`), for a bundle that runs on
   * another machine (--queue): its packages resolve there, from the folder it is put in.
   */
  bareImports?: boolean;
}

export interface Bundle {
  code: string;
  exports: string[];
  /** Absolute paths of the files bundled in: when one changes, the bundle is stale. */
  inputs: string[];
  /**
   * False when the script's 'prunjs' is the prun that compiles it (see externalPackages): such a
   * bundle names that prun's files, which another prun may not have, and a prunjs installed
   * for the script later must take their place.
   */
  cacheable: boolean;
}

/**
 * The user's script and its own files as one ES module. Packages and node: modules stay
 * imports, resolved from the script's folder, so they load as they would under node. The
 * only module that knows esbuild, and loaded only when a script must be compiled.
 */
export async function bundleScript(entry: string, shownAs: string, options: BundleOptions = {}): Promise<Bundle> {
  let result: esbuild.BuildResult<{ metafile: true; write: false }>;
  const ours: OurPackage = { runningPrun: false, installed: undefined };
  try {
    const building = esbuild.build({
      entryPoints: [entry],
      outfile: 'script.mjs',
      write: false,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // the map is inlined by hand, once its sources name the user's files (see withSourceMap)
      sourcemap: 'external',
      metafile: true,
      logLevel: 'silent',
      plugins: [ownModule, options.bareImports ? barePackages : externalPackages(ours), ownImportMeta],
    });
    // the first build started esbuild's service, which inherits stderr
    nonBlockingStderr();
    result = await building;
  } catch (error) {
    throw compileError(shownAs, error);
  }
  const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('.mjs'))?.[1];
  const code = result.outputFiles.find((file) => file.path.endsWith('.mjs'))!.text;
  const map = result.outputFiles.find((file) => file.path.endsWith('.map'))!.text;
  return {
    code: withSourceMap(code, map, dirname(resolve('script.mjs'))),
    exports: output?.exports ?? [],
    // an installed prunjs that goes away makes the bundle stale: the running prun's takes its place
    inputs: [...Object.keys(result.metafile.inputs).map((input) => resolve(input)), ...(ours.installed === undefined ? [] : [ours.installed])],
    cacheable: !ours.runningPrun,
  };
}

/**
 * The module with its source map inlined, the map's sources made absolute file URLs. esbuild
 * writes them relative to where the bundle would be written, but the bundle is run from the
 * compile cache, elsewhere: relative sources would resolve there, and stacks would name files
 * that do not exist (`~/.cache/failing.ts`).
 */
function withSourceMap(code: string, mapText: string, outDir: string): string {
  const map = JSON.parse(mapText) as { sources: string[]; sourceRoot?: string };
  map.sources = map.sources.map((source) => (/^[a-z][a-z\d+.-]*:/i.test(source) ? source : pathToFileURL(resolve(outDir, source)).href));
  delete map.sourceRoot;
  const data = Buffer.from(JSON.stringify(map)).toString('base64');
  return `${code}//# sourceMappingURL=data:application/json;base64,${data}\n`;
}

/**
 * prun's own module for scripts (src/task.ts: `throttled`, and the Task types), built beside
 * this code as dist/task/index.js; under tsx, in the tests, this code runs from src/script/.
 */
const OWN_MODULE = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../task.ts' : '../task/index.js', import.meta.url));

/**
 * prun's library (src/index.ts), built beside this code as dist/lib/index.js: what a script's
 * `import ... from 'prunjs'` gets where no prunjs is installed for it (see externalPackages).
 */
const OWN_LIBRARY = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../index.ts' : '../lib/index.js', import.meta.url));

/**
 * `import { throttled } from 'prun'`, the name the script's users know prun by, is compiled
 * into the script, not imported: it then works wherever the script runs, on a queue's other
 * machines too (bareImports), with nothing installed there. Our package name, 'prunjs', stays
 * an ordinary package import.
 */
const ownModule: esbuild.Plugin = {
  name: 'prun-own-module',
  setup(build) {
    build.onResolve({ filter: /^prun$/ }, () => ({ path: OWN_MODULE }));
  },
};

/**
 * Packages stay outside the bundle but are resolved here, from the importing file, and
 * imported by absolute path, since the bundle itself lives in another folder. Our own package,
 * 'prunjs', where none is installed for the script, is the prun that runs it: the README's
 * install line says `import ... from 'prunjs'`, and a script of a prun installed globally
 * (npm install -g) could not load it (was: `cannot load: Could not resolve "prunjs"`). That
 * choice is made again each run (the bundle is not cached): a cached one outlived the prun
 * whose files it named, and a prunjs installed for the script afterwards.
 */
const externalPackages = (ours: OurPackage): esbuild.Plugin => ({
  name: 'prun-external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'resolving' || args.path.startsWith('node:')) return undefined;
      if (isBuiltin(args.path)) return { path: args.path, external: true };
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving',
      });
      if (resolved.errors.length > 0 && args.path === 'prunjs') {
        ours.runningPrun = true;
        return { path: pathToFileURL(OWN_LIBRARY).href, external: true };
      }
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      if (args.path === 'prunjs') ours.installed = resolved.path;
      return { path: pathToFileURL(resolved.path).href, external: true };
    });
  },
});

/** What a script's 'prunjs' turned out to be: the prun compiling it, or a copy installed for it (its entry's path). */
interface OurPackage {
  runningPrun: boolean;
  installed: string | undefined;
}

/** Packages stay outside the bundle, imported by the name the script gives them. */
const barePackages: esbuild.Plugin = {
  name: 'prun-bare-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('node:') ? undefined : { path: args.path, external: true }));
  },
};

/**
 * import.meta keeps naming the user's file, not the bundle in the compile cache: its `url`,
 * `filename` and `dirname` as written, and import.meta used as a value (`const { dirname } =
 * import.meta`, `(import.meta as any).dirname`, `import.meta.resolve('./data.txt')`) is an
 * object with them, whose resolve() takes a path or URL from the user's file (was: those named
 * the cache, ~/.cache/prun). A bare specifier is resolved by Node from the bundle: the cache.
 */
const ownImportMeta: esbuild.Plugin = {
  name: 'prun-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      const contents = source.replace(IMPORT_META, (_, field: string | undefined) => importMetaOf(args.path, field));
      return { contents, loader: loaderFor(args.path), resolveDir: dirname(args.path) };
    });
  },
};

const IMPORT_META = /\bimport\.meta\b(?:\.(url|filename|dirname)\b)?/g;

/** The code that stands for import.meta, or one of its fields, in the file at `path`. */
function importMetaOf(path: string, field: string | undefined): string {
  const own = { url: JSON.stringify(pathToFileURL(path).href), filename: JSON.stringify(path), dirname: JSON.stringify(dirname(path)) };
  if (field !== undefined) return own[field as keyof typeof own];
  const resolve = `(specifier) => /^(\\.{0,2}\\/|[a-z][a-z\\d+.-]*:)/i.test(specifier) ? new URL(specifier, ${own.url}).href : import.meta.resolve(specifier)`;
  return `({ url: ${own.url}, filename: ${own.filename}, dirname: ${own.dirname}, resolve: ${resolve} })`;
}

function loaderFor(path: string): esbuild.Loader {
  const ext = extname(path);
  if (ext.endsWith('tsx')) return 'tsx';
  if (ext.endsWith('ts')) return 'ts';
  if (ext.endsWith('jsx')) return 'jsx';
  return 'js';
}

const builtins = new Set(builtinModules);
function isBuiltin(path: string): boolean {
  return builtins.has(path) || builtins.has(path.split('/')[0]!);
}

/** One line naming the file, line and column, as compilers do. */
function compileError(scriptPath: string, error: unknown): PrunError {
  const first = (error as { errors?: esbuild.Message[] }).errors?.[0];
  if (!first) return new PrunError('ERR_SCRIPT', `${scriptPath}: ${(error as Error).message}`, { cause: error });
  // a file our plugin could not read: its location would be inside esbuild, so name the file
  if (isFileError(first.detail)) return cannotRead(relativeName(first.detail.path), first.detail);
  const where = first.location
    ? `${first.location.file}:${first.location.line}:${first.location.column + 1}`
    : scriptPath;
  const kind = /Could not resolve|No matching export/.test(first.text) ? 'cannot load' : 'syntax error';
  // an import from 'prun' that it lacks names 'prun', not where prun keeps that module
  const text = first.text.replace(/No matching export in "([^"]*)" for import "([^"]*)"/, (found, path: string, name: string) =>
    resolve(path) === OWN_MODULE
      ? `'prun' has no export "${name}" in a script (it has throttled, ThrottledError and the types; map and exec are the library's, 'prunjs')`
      : found);
  return new PrunError('ERR_SCRIPT', `${where}: ${kind}: ${text}`, { cause: error });
}

/** A path as short as it can be said from where prun runs. */
function relativeName(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown.startsWith('..') ? path : shown;
}
