import { compileScript } from '../script/compile-script.js';

/**
 * Fails as a run of the script would at its start (no such script, a syntax error, no default
 * export), before the caller changes anything: the CLI empties --failed-out only for a script
 * that compiles. The compile cache makes the run's own compile a lookup.
 */
export async function checkScript(path: string): Promise<void> {
  await (await compileScript(path)).dispose();
}
