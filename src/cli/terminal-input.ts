import type { ArgSource } from '../io/arg-groups.js';

/**
 * Says, in one line, that the inputs are read from the terminal: without it a run with no
 * INPUT waits in silence for what the user never meant to type.
 */
export function sayWhenReadingTerminal(paths: readonly string[], sources: readonly ArgSource[]): void {
  const readsStdin = (paths.length === 0 && sources.length === 0) || paths.includes('-') || sources.some((source) => 'file' in source && source.file === '-');
  if (readsStdin && process.stdin.isTTY) process.stderr.write('prun: reading inputs from the terminal, one a line; end them with Ctrl-D\n');
}
