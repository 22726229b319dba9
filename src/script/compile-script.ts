import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { PrunError } from '../errors.js';

export const SCRIPT_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

export interface CompiledScript {
  /** An ES module every worker imports: the script and its own files, in one. */
  modulePath: string;
  exports: string[];
  dispose(): Promise<void>;
}

/**
 * Compiles the user's script once per run, in the main process: workers then import plain
 * JavaScript, with no loader of their own and no per-worker transpiling. The script's own
 * files are bundled in; packages and node: modules stay imports, resolved from the script's
 * folder, so they load as they would under node. esbuild is the only module that knows esbuild.
 */
export async function compileScript(scriptPath: string): Promise<CompiledScript> {
  const entry = resolve(scriptPath);
  if (!SCRIPT_EXTENSIONS.includes(extname(entry))) {
    throw new PrunError('ERR_SCRIPT', `${scriptPath}: a script must end in ${SCRIPT_EXTENSIONS.join(', ')}`);
  }
  const info = await stat(entry).catch(() => undefined);
  if (!info?.isFile()) {
    throw new PrunError('ERR_SCRIPT', `${scriptPath}: ${info ? 'is not a file' : 'no such script'}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'prun-'));
  const modulePath = join(dir, 'script.mjs');
  let result: esbuild.BuildResult<{ metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      outfile: modulePath,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      metafile: true,
      logLevel: 'silent',
      plugins: [externalPackages, ownImportMeta],
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw compileError(scriptPath, error);
  }
  const output = Object.values(result.metafile.outputs)[0];
  const dispose = () => rm(dir, { recursive: true, force: true });
  const exports = output?.exports ?? [];
  if (!exports.includes('default')) {
    await dispose();
    throw new PrunError('ERR_SCRIPT', `${scriptPath}: has no default export (export default (input, ctx) => ...)`);
  }
  return { modulePath, exports, dispose };
}

/**
 * Packages stay outside the bundle but are resolved here, from the importing file, and
 * imported by absolute path, since the bundle itself lives in a temporary folder.
 */
const externalPackages: esbuild.Plugin = {
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
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: pathToFileURL(resolved.path).href, external: true };
    });
  },
};

/** import.meta.url and friends keep naming the user's file, not the bundle. */
const ownImportMeta: esbuild.Plugin = {
  name: 'prun-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      const contents = source
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.filename', JSON.stringify(args.path))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)));
      return { contents, loader: loaderFor(args.path), resolveDir: dirname(args.path) };
    });
  },
};

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
  const where = first.location
    ? `${first.location.file}:${first.location.line}:${first.location.column + 1}`
    : scriptPath;
  const kind = /Could not resolve/.test(first.text) ? 'cannot load' : 'syntax error';
  return new PrunError('ERR_SCRIPT', `${where}: ${kind}: ${first.text}`, { cause: error });
}
