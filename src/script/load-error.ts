import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PrunError } from '../errors.js';
import { mappedPath } from '../io/mapped-path.js';
import { errorData, isError, namedMessage, timedOut } from '../model/failure.js';
import { firstLine } from '../model/first-line.js';
import { type ErrorData, fromErrorData } from '../runtime/error-data.js';

/** The code a worker's error carries when the script threw while it was imported. */
export const SCRIPT_LOAD = 'ERR_SCRIPT_LOAD';

/**
 * What a worker reports when importing the script failed: one line naming where in the user's
 * own code it threw, `script failed to load: <message> (task.ts:4)`, so that it is never taken
 * for a failed setup(), which the script may not have. The stack stays the original one. When
 * no frame says where (a string thrown, which has no stack), the script's name does.
 */
export function scriptLoadError(error: unknown, modulePath: string, scriptName?: string): Error {
  // what a task's failure would say of it: a thrown object's own message (was: [object
  // Object]), an error with none its name (was: nothing), one whose getters throw that it
  // could not be read (errorData never throws; was: their error escaped, taken for setup()'s)
  const said = firstLine(namedMessage(errorData(error)));
  const message = withScriptName(said, modulePath, scriptName);
  const stack = stackOf(error);
  const frame = stack === undefined ? undefined : userFrame(stack, modulePath);
  // the script's name once: not again after a message that has it (`imported from task.ts`)
  const where = frame ?? (scriptName !== undefined && message.includes(scriptName) ? undefined : scriptName);
  const loadError = new Error(`script failed to load: ${message}${where ? ` (${where})` : ''}`);
  loadError.name = 'ScriptLoadError';
  (loadError as Error & { code: string }).code = SCRIPT_LOAD;
  // the user's frames, or none: one prun says itself (a default export that is no function)
  // has no stack to show under --verbose but prun's own (was: prun's chunk files)
  loadError.stack = stack ?? `${loadError.name}: ${loadError.message}`;
  return loadError;
}

/**
 * `text` naming the user's script where it names its compiled copy: Node names the module an
 * import failed in (`Cannot find package 'x' imported from /cache/<hash>.mjs`), at load and
 * in a task's own `await import()` alike. A function replaces, so that a `$&` in the script's
 * name is no replacement pattern.
 */
export function withScriptName(text: string, modulePath: string, scriptName: string | undefined): string {
  if (scriptName === undefined || !text.includes(modulePath.slice(modulePath.lastIndexOf('/') + 1))) return text;
  return text.replaceAll(pathToFileURL(modulePath).href, () => scriptName).replaceAll(modulePath, () => scriptName);
}

/**
 * The least time an import is given under --timeout: the bound is there so that a top-level
 * await that never settles cannot hang the run in silence, not to hold a script's import to a
 * task's budget (a --timeout of 300ms is common; importing a heavy package on a busy machine
 * takes longer).
 */
const LEAST_LOAD_BOUND_MS = 10_000;

/** How long a worker may take to import the script, under --timeout `timeoutMs`. */
export function loadBoundMs(timeoutMs: number): number {
  return Math.max(timeoutMs, LEAST_LOAD_BOUND_MS);
}

/** The error of a script whose import did not finish within `boundMs`. */
export function loadTimedOut(boundMs: number, scriptName: string | undefined): PrunError {
  const where = scriptName === undefined ? '' : ` (${scriptName})`;
  return new PrunError('ERR_SCRIPT_LOAD', `script failed to load: ${timedOut(boundMs).message}${where}`);
}

/**
 * The script's setup() threw `thrown`: reported as thrown (the library's `ERR_SETUP` keeps it
 * as its cause, with its own code, fields and cause), and `where` in the user's code, as a
 * load error names it (was: the line only under --verbose).
 */
export class SetupThrew {
  constructor(
    readonly thrown: unknown,
    readonly where: string | undefined,
  ) {}
}

export function setupThrew(thrown: unknown, modulePath: string): SetupThrew {
  const stack = stackOf(thrown);
  return new SetupThrew(thrown, stack === undefined ? undefined : userFrame(stack, modulePath));
}

/** The error a worker that could not start reported, as the run reports it. */
export function startError(data: ErrorData, setup?: { where?: string }): PrunError {
  const cause = fromErrorData(data);
  // what setup() threw is setup()'s, whatever its own code says (was, for a day: an error of
  // code ERR_SCRIPT_LOAD thrown by setup() taken for a load error)
  if (!setup && data.code === SCRIPT_LOAD) return new PrunError('ERR_SCRIPT_LOAD', data.message, { cause });
  const where = setup?.where;
  return new PrunError('ERR_SETUP', `setup() failed: ${firstLine(namedMessage(data))}${where ? ` (${where})` : ''}`, { cause });
}

/** What was thrown's stack when it is an Error, or undefined: V8 makes it on first read from the name, and a Symbol there throws. */
function stackOf(thrown: unknown): string | undefined {
  if (!isError(thrown)) return undefined;
  try {
    return typeof thrown.stack === 'string' ? thrown.stack : undefined;
  } catch {
    return undefined;
  }
}

/** prun's own code (dist/ when built, src/ under tsx): where the script was imported from. */
const OWN_CODE = fileURLToPath(new URL('../', import.meta.url));
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):\d+\)?$/;
/** The line above the source excerpt that heads a SyntaxError's stack, as a link error's (`import { nope } from 'node:fs'`). */
const EXCERPT_HEAD = /^(\/.+|file:.+):(\d+)$/;

/**
 * `file:line` of the frame the error was thrown from, source-mapped to the user's file: the
 * first of the user's own files, else the first file at all (a package that throws when
 * imported). Node's internals, prun's own code and the compiled copy (a frame no map covers)
 * are never named.
 */
function userFrame(stack: string, modulePath: string): string | undefined {
  const frames: { file: string; line: string }[] = [];
  for (const text of stack.split('\n')) {
    const match = FRAME.exec(text) ?? EXCERPT_HEAD.exec(text);
    if (!match) continue;
    const file = match[1]!.startsWith('file:') ? safePath(match[1]!) : mappedPath(match[1]!);
    if (file === undefined || file.startsWith('node:') || file === modulePath || file.startsWith(OWN_CODE) || !file.startsWith('/')) continue;
    frames.push({ file, line: match[2]! });
  }
  const frame = frames.find((candidate) => !candidate.file.includes('/node_modules/')) ?? frames[0];
  return frame && `${shortPath(frame.file)}:${frame.line}`;
}

function safePath(url: string): string | undefined {
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}

/** A path as short as it can be said from where prun runs. */
function shortPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown.startsWith('..') ? path : shown;
}
