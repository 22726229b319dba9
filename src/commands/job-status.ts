import { constants } from 'node:os';

const SIGNAL_NAMES = new Map<number, string>();
for (const [name, number] of Object.entries(constants.signals)) {
  // the first name of a number is the usual one: SIGABRT, not SIGIOT
  if (!SIGNAL_NAMES.has(number)) SIGNAL_NAMES.set(number, name);
}

/**
 * Why a job failed, from the exit status its shell saw (`$?`): `exit 3`, or `killed by
 * SIGTERM` for 128+n. A shell cannot tell a command killed by signal n from one that chose
 * to `exit 128+n`; like bash and dash, we read it as the signal. Undefined for success.
 */
export function describeStatus(status: number): string | undefined {
  if (status === 0) return undefined;
  const signal = status > 128 ? SIGNAL_NAMES.get(status - 128) : undefined;
  return signal ? `killed by ${signal}` : `exit ${status}`;
}
