import { type ErrorData, errorData, type Failure, type TaskError } from '../model/failure.js';

export type { ErrorData } from '../model/failure.js';

/** A thrown value as data that crosses the worker boundary (see model/failure.ts). */
export const toErrorData = errorData;

type Rebuilt = Error & { code?: string; fields?: Record<string, unknown> };

/**
 * The error rebuilt from its data: its name, message, stack and cause. An input's failure
 * keeps prun's code as `code`, the thrown error's own as `userCode`, and what else its code
 * says (exitCode, signal, exitStatus, status, retryAfter, fields) as properties.
 */
export function fromErrorData(data: Failure): TaskError;
export function fromErrorData(data: ErrorData): Error;
export function fromErrorData(data: ErrorData | Failure): Error {
  const error: Rebuilt = new Error(data.message, data.cause ? { cause: causeOf(data.cause) } : undefined);
  error.name = data.name;
  // a thrown value that was no Error has no stack: not the frames of prun that rebuilt it
  error.stack = data.stack ?? `${data.name}: ${data.message}`;
  const own = error as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(data)) {
    if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause' || key === 'value' || value === undefined) continue;
    own[key] = value;
  }
  // the thrown error's own properties are its own again (`error.custom`, as thrown), but for
  // those prun's words already hold: `code` is prun's (the thrown one is `userCode`)
  for (const [key, value] of Object.entries(data.fields ?? {})) if (!(key in own)) own[key] = value;
  return error;
}

/** A cause as it was thrown: an Error rebuilt, any other value as JSON carried it. */
function causeOf(data: ErrorData): unknown {
  return 'value' in data ? data.value : fromErrorData(data);
}
