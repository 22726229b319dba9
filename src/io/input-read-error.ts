import { PrunError } from '../errors.js';
import { describeSystemError } from './system-error.js';

/**
 * A read of inputs that failed, as one line naming what was read (`cannot read INPUT FILE: i/o
 * error`, ERR_INPUT), whoever reads them: the line source, or `prun exec`'s readers of records.
 * Anything else (a PrunError, a throw of no system call) is left as it is.
 */
export function inputReadError(error: unknown, file: string | undefined): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof PrunError || typeof code !== 'string') return error;
  return new PrunError('ERR_INPUT', `cannot read ${file === undefined || file === '-' ? 'stdin' : `INPUT ${file}`}: ${describeSystemError(error as NodeJS.ErrnoException)}`, { cause: error });
}
