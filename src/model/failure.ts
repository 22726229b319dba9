import { formatDuration } from './duration-text.js';

/**
 * Why an input failed, as a permanent code: users, tests and the coming retry policy match
 * these, never the message. The one place where a failure's message is written.
 */
export type FailureCode =
  | 'ERR_TASK_FAILED' // the function threw or rejected; its own code is `userCode`
  | 'ERR_TIMEOUT' // it ran past --timeout
  | 'ERR_WORKER_EXIT' // its worker (or shell lane) exited while running it: `exitCode`
  | 'ERR_WORKER_SIGNAL' // its worker (or shell lane) was killed by a signal: `signal`
  | 'ERR_OUT_OF_MEMORY' // its worker ran out of memory (--memory-limit)
  | 'ERR_EXIT_STATUS' // a command ended with a non-zero status: `exitStatus`
  | 'ERR_UNWRITABLE_RESULT' // its result cannot be written as JSON or sent back, or a command's output kept whole
  | 'ERR_THROTTLED'; // its key stayed throttled (429/503) past --max-throttle

export const FAILURE_CODES: readonly FailureCode[] = [
  'ERR_TASK_FAILED',
  'ERR_TIMEOUT',
  'ERR_WORKER_EXIT',
  'ERR_WORKER_SIGNAL',
  'ERR_OUT_OF_MEMORY',
  'ERR_EXIT_STATUS',
  'ERR_UNWRITABLE_RESULT',
  'ERR_THROTTLED',
];

/**
 * A thrown value as plain data: errors cross the worker boundary this way and are rebuilt on
 * the other side (structured clone drops a custom `name` and `code` on Node 20, JSON drops
 * `message`). `fields` are the error's own properties that JSON can carry (`code`, `status`,
 * `retryAfter`, anything custom), bounded in size; `cause` is its cause, as data too.
 */
export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  fields?: Record<string, unknown>;
  cause?: ErrorData;
  /**
   * A cause that was no Error (`{ cause: { code: 'ECONNRESET' } }`, `{ cause: 'why' }`): the value
   * itself, as JSON carries it, which the library's `error.cause` and --json give back as it was
   * thrown (was: an Error whose message was its JSON text). `message` says it for one line.
   */
  value?: unknown;
}

/** One input's failure: its code, its one-line message, and what the code says more. */
export interface Failure {
  code: FailureCode;
  /** The thrown error's name (ERR_TASK_FAILED), or 'Error'. */
  name: string;
  message: string;
  stack?: string;
  /** ERR_WORKER_EXIT: the worker's exit code. */
  exitCode?: number;
  /** ERR_WORKER_SIGNAL, and ERR_EXIT_STATUS of a command killed by a signal. */
  signal?: string;
  /** ERR_EXIT_STATUS: the command's status, as `$?` says it. */
  exitStatus?: number;
  /** ERR_TIMEOUT: the limit it ran past. */
  timeoutMs?: number;
  /**
   * The thrown error's own `code`, `status` (or `statusCode`, as Node's http and many HTTP
   * clients name it) and `retryAfter`: what a retry policy and the throttle check look at.
   */
  userCode?: string | number;
  status?: number;
  retryAfter?: number | string;
  /** The thrown error's own JSON-able properties, bounded. */
  fields?: Record<string, unknown>;
  cause?: ErrorData;
}

/**
 * An input's failure as the library's outcome gives it: an Error with prun's `code`, and what
 * the code says more (`userCode`, `status`, `exitCode`, ...) as properties of its own.
 */
export type TaskError = Error & Omit<Failure, 'name' | 'message' | 'stack' | 'cause'>;

/** How much of a thrown error's own properties and causes is kept: a failure stays small. */
const MAX_FIELDS_CHARS = 4096;
const MAX_CAUSE_DEPTH = 4;
const OWN = new Set(['name', 'message', 'stack', 'cause']);

/**
 * What was thrown, as data that a message can carry. Never throws: a value that throws again as
 * it is read (a revoked Proxy, a toString() that throws) is said to be one (was: the worker
 * crashed, and the inputs it held ran again).
 */
export function errorData(thrown: unknown, depth = 0): ErrorData {
  try {
    return readErrorData(thrown, depth);
  } catch {
    return { name: 'Error', message: 'a thrown value that could not be read (it threw as it was read)' };
  }
}

/** `value instanceof Error`, and false for a value that throws when asked (a revoked Proxy). */
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

function readErrorData(thrown: unknown, depth: number): ErrorData {
  if (!isError(thrown)) return thrownValue(thrown, depth);
  // read with care, each property apart: a name of undefined crashed the failure's line (the
  // results still held were lost), and a Symbol as name or a getter that throws crashed the
  // worker (its other inputs ran again)
  const name = readOwn(thrown, 'name');
  const data: ErrorData = { name: typeof name === 'string' ? name : 'Error', message: textOf(readOwn(thrown, 'message')) };
  const stack = readOwn(thrown, 'stack');
  if (typeof stack === 'string') data.stack = stack;
  const code = readOwn(thrown, 'code');
  if (typeof code === 'string') data.code = code;
  const fields = ownFields(thrown);
  if (fields) data.fields = fields;
  // with its stack: the library's error.cause says where it was made (was: where prun
  // rebuilt it); --json leaves causes' stacks out (failureJson)
  const cause = readOwn(thrown, 'cause');
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH) data.cause = causeData(cause, depth + 1);
  return data;
}

/** An error's cause as data: an Error's as an error's, any other value kept as it is, when JSON can carry it. */
function causeData(cause: unknown, depth: number): ErrorData {
  const data = errorData(cause, depth);
  if (isError(cause)) return data;
  const text = jsonText(cause, errorsAsData);
  if (text !== undefined && text.length <= MAX_FIELDS_CHARS) data.value = JSON.parse(text) as unknown;
  return data;
}

/**
 * A thrown value that is no Error: a string or number says itself; a plain object
 * (`Promise.reject({ status: 429, message })`) keeps its fields, as an error's are kept, so
 * that its code, status and Retry-After count as an error's would (was: only its JSON text).
 */
function thrownValue(thrown: unknown, depth: number): ErrorData {
  if (typeof thrown !== 'object' || thrown === null) return { name: 'Error', message: describeThrown(thrown) };
  const [message, code, cause] = [readOwn(thrown, 'message'), readOwn(thrown, 'code'), readOwn(thrown, 'cause')];
  const data: ErrorData = { name: 'Error', message: typeof message === 'string' ? message : describeThrown(thrown) };
  if (typeof code === 'string') data.code = code;
  const fields = ownFields(thrown);
  if (fields) data.fields = fields;
  // its cause too, as an error's (was: dropped, a review)
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH) data.cause = causeData(cause, depth + 1);
  return data;
}

/** The error's own enumerable properties that JSON can carry, as long as they stay small. */
function ownFields(error: object): Record<string, unknown> | undefined {
  let fields: Record<string, unknown> | undefined;
  let chars = 0;
  for (const key of Object.keys(error)) {
    if (OWN.has(key)) continue;
    const text = jsonText(readOwn(error, key));
    if (text === undefined) continue; // functions, symbols, circular, BigInt: not JSON-able
    if (chars + key.length + text.length > MAX_FIELDS_CHARS) continue; // too big to carry: left out
    chars += key.length + text.length;
    (fields ??= {})[key] = JSON.parse(text) as unknown;
  }
  return fields;
}

/** The JSON text of a value, or undefined when JSON cannot carry it. */
function jsonText(value: unknown, replacer?: (key: string, value: unknown) => unknown): string | undefined {
  try {
    return JSON.stringify(value, replacer);
  } catch {
    return undefined; // circular, BigInt
  }
}

/** An Error met inside a value, as its name and message: JSON alone makes it `{}` (was: a review). */
function errorsAsData(_key: string, value: unknown): unknown {
  return isError(value) ? { name: value.name, message: value.message } : value;
}

/** A message as text: none is empty, anything else said as a thrown value is. */
function textOf(value: unknown): string {
  return value === undefined || value === null ? '' : describeThrown(value);
}

/**
 * A property of what was thrown, or undefined when reading it throws: a getter of the user's,
 * or an Error's stack, which V8 makes on first read from its name (a Symbol there throws).
 */
function readOwn(thrown: object, key: string): unknown {
  try {
    return (thrown as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** People throw strings, numbers and plain objects too; say what they threw. */
function describeThrown(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * A status as a number: some clients give it as text (`status: "429"`), which counted as no
 * status at all, so that a 429 so given was no throttle signal (was; a review of issue 11).
 */
function httpStatus(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^\d{3}$/.test(value) ? Number(value) : undefined;
}

/** The function threw or rejected `thrown`. */
export function taskFailed(thrown: unknown): Failure {
  // its own code is kept as userCode: `code` is prun's
  const { code: _own, ...data } = errorData(thrown);
  const failure: Failure = { code: 'ERR_TASK_FAILED', ...data };
  const fields = data.fields;
  const userCode = fields?.code;
  if (typeof userCode === 'string' || typeof userCode === 'number') failure.userCode = userCode;
  const status = httpStatus(fields?.status) ?? httpStatus(fields?.statusCode);
  if (status !== undefined) failure.status = status;
  const retryAfter = fields?.retryAfter;
  if (typeof retryAfter === 'number' || typeof retryAfter === 'string') failure.retryAfter = retryAfter;
  return failure;
}

export function timedOut(timeoutMs: number): Failure {
  return { code: 'ERR_TIMEOUT', name: 'Error', message: `timed out after ${formatDuration(timeoutMs)}`, timeoutMs };
}

/** A worker or lane ended while running the input. */
export function workerExited(exitCode: number | null, signal: string | null): Failure {
  if (signal) return workerSignalled(signal, `worker killed by ${signal}`);
  return { code: 'ERR_WORKER_EXIT', name: 'Error', message: `worker exited with code ${exitCode ?? 'unknown'}`, exitCode: exitCode ?? undefined };
}

/** `message` when the worker's end has a better name than its signal (prun ended it). */
export function workerSignalled(signal: string, message = `worker killed by ${signal}`): Failure {
  return { code: 'ERR_WORKER_SIGNAL', name: 'Error', message, signal };
}

/** A thread that ended on an uncaught error, or a process that could not start. */
export function workerCrashed(why: string, exitCode = 1): Failure {
  return { code: 'ERR_WORKER_EXIT', name: 'Error', message: why, exitCode };
}

/** On a queue: each worker machine that held the input died as it ran it (`times` of them). */
export function machineDied(times: number): Failure {
  return { code: 'ERR_WORKER_EXIT', name: 'Error', message: `its worker machine died as it ran it, ${times} times` };
}

export function outOfMemory(): Failure {
  return { code: 'ERR_OUT_OF_MEMORY', name: 'Error', message: 'out of memory' };
}

/**
 * A command's non-zero status as its shell saw it (`$?`): `exit 3`, or `killed by SIGTERM`
 * for 128+n, which a shell cannot tell from `exit 128+n`; like bash and dash, we read it as
 * the signal. `signalName` names a signal number.
 */
export function exitStatus(status: number, signalName: (signal: number) => string | undefined): Failure {
  const signal = status > 128 ? signalName(status - 128) : undefined;
  const failure: Failure = { code: 'ERR_EXIT_STATUS', name: 'Error', message: signal ? `killed by ${signal}` : `exit ${status}`, exitStatus: status };
  if (signal) failure.signal = signal;
  return failure;
}

/** A shell lane ended while running the command. */
export function laneExited(exitCode: number | null, signal: string | null): Failure {
  if (signal) return workerSignalled(signal, `killed by ${signal}`);
  return { code: 'ERR_WORKER_EXIT', name: 'Error', message: `shell lane exited with code ${exitCode ?? 'unknown'}`, exitCode: exitCode ?? undefined };
}

/**
 * What a throttle signal's failure said: its status and Retry-After (the server's answer, which
 * a key's other inputs fail with too when it gives up), and the thrown error's own code (its
 * input's alone: `own`).
 */
export type ThrottleAnswer = Pick<Failure, 'status' | 'retryAfter' | 'userCode'>;

/**
 * The throttle answer a failure carries, kept for the ERR_THROTTLED an input may end with: its
 * own input's (`own`), with the code it threw; another's, with the server's answer only (was: an
 * input that never started given the code another threw, a review).
 */
export function throttleAnswerOf(failure: Failure, own: boolean): ThrottleAnswer {
  return own ? { status: failure.status, retryAfter: failure.retryAfter, userCode: failure.userCode } : { status: failure.status, retryAfter: failure.retryAfter };
}

/**
 * A key stayed throttled past --max-throttle: its waiting inputs fail, with the last signal's
 * status, Retry-After and the thrown error's own code when known (was: its code lost, a review).
 */
export function throttledTooLong(key: string, maxMs: number, last?: ThrottleAnswer): Failure {
  const name = key === '' ? 'inputs without a key' : `key ${key}`;
  const failure: Failure = { code: 'ERR_THROTTLED', name: 'Error', message: `throttled for over ${formatDuration(maxMs)} (${name})` };
  if (last?.status !== undefined) failure.status = last.status;
  if (last?.retryAfter !== undefined) failure.retryAfter = last.retryAfter;
  if (last?.userCode !== undefined) failure.userCode = last.userCode;
  return failure;
}

/** A batch whose workers kept dying before they began it: its first input is blamed for `death`. */
export function diedBeforeBegun(death: Failure, times: number): Failure {
  return { ...death, message: `${death.message}, ${times} times as its worker was given it` };
}

export function unwritableResult(why: string): Failure {
  // prun's own failure, as its others: `name` in --json is for what the user's code threw (was: TypeError)
  return { code: 'ERR_UNWRITABLE_RESULT', name: 'Error', message: why };
}

/**
 * A command ended while the disk its output went to was full: some of its writes may have
 * failed. Its own failure's status, if any, is kept (that of `tr: write error`, as a rule).
 */
export function incompleteOutput(dir: string, own: Failure | undefined): Failure {
  const failure: Failure = { code: 'ERR_UNWRITABLE_RESULT', name: 'Error', message: `its output may be incomplete: no space left on device in ${dir}` };
  if (own?.exitStatus !== undefined) failure.exitStatus = own.exitStatus;
  return failure;
}

/** What a joblog's status column says of a failure: a command's status, else 1. */
export function statusColumn(failure: Failure): number {
  return failure.exitStatus ?? 1;
}

/**
 * What a thrown error says of itself, as Node prints it: its name before its message when the
 * name says more than "Error" (`TypeError: x is not a function`), its name alone when it has
 * no message. For the lines that speak of what the user's code threw.
 */
export function namedMessage(error: Pick<ErrorData, 'name' | 'message'>): string {
  if (error.message === '') return messageOrName(error);
  return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
}

/** What a thrown error says in a word: its message, or its name when it has none (`TypeError`). */
export function messageOrName(error: Pick<ErrorData, 'name' | 'message'>): string {
  return error.message === '' ? error.name || 'Error' : error.message;
}

/**
 * The message with its causes, for one line: a joblog's error column (which escapes newlines),
 * or a failure's line on stderr, each message as `each` gives it (its first line). An error with
 * no message is named instead, as on stderr (was: an empty column, and `cause: ` with nothing).
 */
export function messageWithCauses(failure: Pick<ErrorData, 'name' | 'message' | 'cause'>, each: (message: string) => string = (message) => message): string {
  let text = each(messageOrName(failure));
  for (let cause = failure.cause; cause; cause = cause.cause) text += `; cause: ${each(messageOrName(cause))}`;
  return text;
}

/** A failure as --json shows it: beside `error` (the message), `code` and what the code says more. */
export function failureJson(failure: Failure): Record<string, unknown> {
  const json: Record<string, unknown> = { error: failure.message, code: failure.code };
  // the thrown error's own name, as stderr's line says it (`AbortError: gone`), when it has one
  if (failure.name !== 'Error' && failure.name !== '') json.name = failure.name;
  for (const key of ['exitCode', 'signal', 'exitStatus', 'timeoutMs', 'userCode', 'status', 'retryAfter', 'fields', 'cause'] as const) {
    if (failure[key] !== undefined) json[key] = failure[key];
  }
  if (failure.cause) json.cause = withoutStacks(failure.cause);
  return json;
}

/**
 * A cause chain as --json shows it: names, messages, codes and fields, and a cause that was no
 * Error as it was thrown; stacks are --verbose's.
 */
function withoutStacks({ stack: _stack, cause, ...data }: ErrorData): unknown {
  if ('value' in data) return data.value;
  return cause ? { ...data, cause: withoutStacks(cause) } : data;
}
