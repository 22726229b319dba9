import { shownText } from './model/byte-string.js';

/**
 * Errors with permanent codes. The CLI maps codes to exit statuses and tests match codes,
 * never message text, so a message can be reworded without breaking anyone.
 */
export type PrunErrorCode =
  | 'ERR_USAGE' // a bad option or value
  | 'ERR_INPUT' // an INPUT cannot be read
  | 'ERR_SCRIPT' // the script cannot be compiled or loaded, or has no default export
  | 'ERR_SCRIPT_LOAD' // the script threw while a worker imported it
  | 'ERR_SETUP' // the script's setup() threw in a worker
  | 'ERR_WORKER_START' // workers die while starting, so running would loop forever
  | 'ERR_OUTPUT' // results or the --joblog cannot be written (a full disk)
  | 'ERR_QUEUE' // the --queue cannot be reached, or its workers refuse the run
  | 'ERR_QUEUE_LOST' // the --queue went away during the run: what never ran is counted, exit 1
  | 'ERR_HALTED'; // a halt policy stopped the run: inputs never ran (the library's; the CLI says it in its summary)

export class PrunError extends Error {
  readonly code: PrunErrorCode;

  constructor(code: PrunErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PrunError';
    this.code = code;
  }
}

/**
 * A value as a message quotes it: as JSON, with a byte of the command line that is not UTF-8
 * as U+FFFD (model/byte-string.ts), never as the escape it is kept in (was: "\udce9").
 */
export function quoted(value: unknown): string {
  return JSON.stringify(typeof value === 'string' ? shownText(value) : value) ?? String(value);
}

export function usageError(message: string): PrunError {
  return new PrunError('ERR_USAGE', message);
}
