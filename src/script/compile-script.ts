import { constants } from 'node:fs';
import { access, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { PrunError } from '../errors.js';
import { describeSystemError } from '../io/system-error.js';
import { CompileCache } from './compile-cache.js';
import { cannotRead } from './read-error.js';

const require = createRequire(import.meta.url);
/**
 * What a cached module was made by: another esbuild or prun may compile differently. The
 * format counts changes to what prun makes of esbuild's output (2: source maps name the
 * user's files by absolute URL; 3: import.meta as a value names them too), so that modules
 * cached before one are not used after it.
 */
const BUNDLER = `esbuild ${versionOf('esbuild/package.json')}, prun ${versionOf('../../package.json')}, format 3`;

function versionOf(packageJson: string): string {
  return (require(packageJson) as { version: string }).version;
}

export const SCRIPT_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

export interface CompiledScript {
  /** An ES module every worker imports: the script and its own files, in one. */
  modulePath: string;
  exports: string[];
  dispose(): Promise<void>;
}

/**
 * Compiles the user's script at most once per run, in the main process: workers then import
 * plain JavaScript, with no loader of their own and no per-worker transpiling. An unchanged
 * script comes from the compile cache without compiling at all.
 */
export async function compileScript(scriptPath: string, cache = CompileCache.default()): Promise<CompiledScript> {
  const entry = await checkScriptFile(scriptPath);
  const hit = await cache.lookup(entry, BUNDLER);
  if (hit) {
    checkDefaultExport(scriptPath, hit.exports);
    return { ...hit, dispose: async () => {} };
  }
  return compileFresh(scriptPath, entry, cache);
}

async function compileFresh(scriptPath: string, entry: string, cache: CompileCache): Promise<CompiledScript> {
  // loading esbuild and starting its service is most of a cold start: only on a cache miss
  const { bundleScript } = await import('./bundle.js');
  const bundle = await bundleScript(entry, scriptPath);
  checkDefaultExport(scriptPath, bundle.exports);
  const cached = bundle.cacheable ? await cache.store(entry, BUNDLER, bundle.code, bundle.exports, bundle.inputs) : undefined;
  if (cached) return { ...cached, dispose: async () => {} };
  // no cache to be had: a module of this run's own
  let dir: string | undefined;
  try {
    dir = await mkdtemp(join(tmpdir(), 'prun-'));
    const modulePath = join(dir, 'script.mjs');
    await writeFile(modulePath, bundle.code);
    const made = dir;
    return { modulePath, exports: bundle.exports, dispose: () => rm(made, { recursive: true, force: true }) };
  } catch (error) {
    // was: a stack trace, and the folder left behind (a full disk, for the cache and TMPDIR alike)
    if (dir) await rm(dir, { recursive: true, force: true });
    throw new PrunError('ERR_SCRIPT', `${scriptPath}: cannot write its compiled module in ${tmpdir()}: ${describeSystemError(error as NodeJS.ErrnoException)}`, { cause: error });
  }
}

/**
 * The script's file, checked as a run needs it: a script's name, a file, readable (checked
 * before the cache too: a script its user cannot read does not run from a copy). Its path.
 */
export async function checkScriptFile(scriptPath: string): Promise<string> {
  const entry = resolve(scriptPath);
  if (!SCRIPT_EXTENSIONS.includes(extname(entry))) {
    throw new PrunError('ERR_SCRIPT', `${scriptPath}: a script must end in ${SCRIPT_EXTENSIONS.join(', ')}`);
  }
  const info = await stat(entry).catch(() => undefined);
  if (!info?.isFile()) {
    throw new PrunError('ERR_SCRIPT', `${scriptPath}: ${info ? 'is not a file' : 'no such script'}`);
  }
  await access(entry, constants.R_OK).catch((error: unknown) => {
    throw cannotRead(scriptPath, error);
  });
  return entry;
}

export function checkDefaultExport(scriptPath: string, exports: readonly string[]): void {
  if (!exports.includes('default')) {
    throw new PrunError('ERR_SCRIPT', `${scriptPath}: has no default export (export default (input, ctx) => ...)`);
  }
}
