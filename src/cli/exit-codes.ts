import type { PrunErrorCode } from '../errors.js';

/** The exit statuses, as the README documents them. */
export const EXIT = {
  /** Every input succeeded. */
  ok: 0,
  /** Some inputs failed, or running could not go on after some inputs ran. */
  failed: 1,
  /** Usage or set-up error (setup() failed, workers cannot start): nothing ran. */
  usage: 2,
  /** prun could not write its output, results, --joblog or --failed-out (EX_IOERR of sysexits.h). */
  ioError: 74,
  /** The reader of stdout went away (as a process killed by SIGPIPE). */
  brokenPipe: 141,
} as const;

export function exitCodeFor(code: PrunErrorCode): number {
  if (code === 'ERR_QUEUE_LOST') return EXIT.failed;
  return code === 'ERR_OUTPUT' ? EXIT.ioError : EXIT.usage;
}
