// Builds dist/: the code as a few bundled ES modules (esbuild), the types from tsc.
//
// Why a bundle: Node loads an ES module graph file by file. Loaded as ~60 separate files
// plus commander's, prun spent ~30 ms before main() ran; bundled, ~14 ms. Dynamic imports
// (the progress bar, the spinner, exec, esbuild itself) stay separate chunks, still loaded
// only when used.
//
// Every output sits one folder deep (lib/, cli/, worker/, chunks/, task/), so that a path the code
// takes from import.meta.url ('../worker/thread-entry.js', '../../package.json') means the
// same in whichever output file esbuild puts that code.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: [
    { in: 'src/index.ts', out: 'lib/index' },
    { in: 'src/internals.ts', out: 'lib/internals' },
    { in: 'src/cli/main.ts', out: 'cli/main' },
    { in: 'src/cli/prestart.ts', out: 'cli/prestart' },
    { in: 'src/cli/stdout-relay.ts', out: 'cli/stdout-relay' },
    { in: 'src/worker/thread-entry.ts', out: 'worker/thread-entry' },
    { in: 'src/worker/process-entry.ts', out: 'worker/process-entry' },
  ],
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // a native binary, loaded only to compile a user's script; the queue's engine, loaded
  // only with --queue and by prun worker (src/queue/bullmq.ts), from node_modules as it is
  external: ['esbuild', 'bullmq', 'ioredis'],
  // commander is CommonJS: its require() of node: modules needs a real one
  banner: { js: "import { createRequire as __prunCreateRequire } from 'node:module'; const require = __prunCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// what a user's script gets from `import ... from 'prun'`: compiled into the script itself
// (src/script/bundle.ts), so one self-contained module, with nothing of the chunks above
await build({
  entryPoints: [{ in: 'src/task.ts', out: 'task/index' }],
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
