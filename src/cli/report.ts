import type { FinalFailure } from '../model/delivery.js';
import { messageWithCauses, namedMessage } from '../model/failure.js';
import { firstLine } from '../model/first-line.js';
import type { MachineShortage, ProgressSnapshot, ThrottleSignals } from '../progress/tracker.js';
import { stackWithMappedPaths } from '../io/mapped-path.js';
import { printable } from './stderr-line.js';

const MAX_INPUT_SHOWN = 60;

/**
 * The one place that decides what a failure looks like on stderr: one line naming the input
 * (index, text, file:line) and the error; the stack only when asked for.
 */
export function describeFailure(failure: FinalFailure, verbose: boolean): string {
  // a file's name is the user's too: a newline in it made two lines (a review)
  const where = failure.origin ? ` (${printable(failure.origin.file)}:${failure.origin.line})` : '';
  const tries = failure.attempts > 1 ? ` after ${failure.attempts} attempts` : '';
  const error = failure.error;
  // a thrown error's own name says what it is (TypeError: ...); prun's own failures need none
  const message = error.code === 'ERR_TASK_FAILED' ? namedMessage(error) : error.message;
  // with its causes: a network failure is fetch's bare "fetch failed", its cause says why
  // (was: ECONNREFUSED only in the joblog and --json)
  const said = messageWithCauses({ name: error.name, message, cause: error.cause }, (text) => firstLine(text, ' …'));
  const line = `prun: input ${failure.index} ${quoteInput(failure.input)}${where} failed${tries}: ${printable(said)}`;
  return withStack(line, error.stack, verbose);
}

/**
 * Why running could not go on, in one line; under --verbose, with the stack of what the
 * script threw (setup(), or its import), source-mapped to the user's own file.
 */
export function describeFatal(error: Error, verbose: boolean): string {
  return withStack(`prun: ${printable(error.message)}`, error.cause instanceof Error ? error.cause.stack : undefined, verbose);
}

/** The line, and under --verbose the stack below it, indented. */
function withStack(line: string, stack: string | undefined, verbose: boolean): string {
  // a stack of no frames (a thrown string, a load error prun says itself) only says the line again
  // each of its lines printable too: its first is the user's message again
  return verbose && stack && /\n\s+at /.test(stack) ? `${line}\n${indent(stackWithMappedPaths(stack).split('\n').map(printable).join('\n'))}` : line;
}

/** The closing line, when anything failed or did not run. */
export function describeSummary(snapshot: ProgressSnapshot, stoppedBy: 'halted' | 'interrupted' | undefined): string | undefined {
  if (snapshot.failed === 0 && snapshot.notRun === 0 && !stoppedBy) return undefined;
  const total = snapshot.succeeded + snapshot.failed + snapshot.notRun;
  const parts = [`${snapshot.failed} of ${total} inputs failed`];
  if (snapshot.notRun > 0 || stoppedBy) parts.push(`${snapshot.notRun} never ran${stoppedBy ? ` (${stoppedBy})` : ''}`);
  return `prun: ${parts.join(', ')}`;
}

/**
 * Before the summary of a run stopped early whose input was not read to its end, and whose
 * rest nothing could count (a pipe or a FIFO cannot be read again; prun exec's jobs of
 * several lines, -N, -X, --pipe, are not counted ahead): its total is what was read.
 */
export function describeUncounted(): string {
  return 'prun: the input was not read to its end: the count below is of the inputs read';
}

/**
 * When a server said to slow down: how often, and under --key the keys it said it for most
 * (`prun: 12 throttle signals (429/503); most from: 127.0.0.2 9, 127.0.0.3 3`), so that a
 * limit can be set right; after a stop, how many of the inputs that never ran were waiting
 * on a throttled key (`; 40 inputs waiting on throttled keys never ran`).
 */
export function describeThrottles(snapshot: ProgressSnapshot): string | undefined {
  const { total, top } = snapshot.signals;
  if (total === 0) return undefined;
  const most = top.length > 0 ? `; most from: ${keyCounts(top)}` : '';
  const waited = snapshot.throttledAtStop ?? 0;
  const never = waited === 0 ? '' : `; ${waited} input${waited === 1 ? '' : 's'} waiting on throttled keys never ran`;
  return `prun: ${signalCount(total)} (429/503)${most}${never}`;
}

/** `1 throttle signal`, `5 throttle signals`. */
export function signalCount(total: number): string {
  return `${total} throttle signal${total === 1 ? '' : 's'}`;
}

/** The keys with the most throttle signals, as the bar and the summary name them: `127.0.0.2 9, 127.0.0.3 3`. */
export function keyCounts(top: ThrottleSignals['top']): string {
  return top.map(({ key, count }) => `${key === '' ? '(no key)' : key} ${count}`).join(', ');
}

function quoteInput(input: string): string {
  const shown = input.length > MAX_INPUT_SHOWN ? `${input.slice(0, MAX_INPUT_SHOWN)}…` : input;
  return JSON.stringify(shown);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** Why no input starts while the machine lacks `short` (--memfree, --load). */
export function waitingFor(short: MachineShortage): string {
  return short === 'memory' ? 'waiting for free memory (--memfree)' : 'waiting for the load to drop (--load)';
}
