import { PrunError } from '../errors.js';
import type { Delivery, OutputFile } from '../model/delivery.js';
import { fileChunks } from '../io/file-chunks.js';
import { itemSource } from '../io/item-source.js';
import { thrownValue } from '../engine/stopping.js';
import { fromErrorData } from '../runtime/error-data.js';
import type { TaskError } from '../model/failure.js';
import { checkInputs, describe } from './arguments.js';
import { haltedError } from './halted.js';
import { InputLedger } from './input-ledger.js';
import { normalizeOptions } from './options.js';
import { checkExecOptions } from './exec-options.js';
import { type AllListed, checkOptionNames, LIMIT_OPTION_NAMES } from './option-names.js';
import { type ExecOptions, startExec } from './start-exec.js';
import { usageError } from '../errors.js';
import { compileTemplate } from '../commands/template.js';
import { fromByteString, toByteString } from '../model/byte-string.js';
import { type AbortOption, checkSignal, untilAborted } from './abort-option.js';

/** The options of exec() from the library: those of `prun exec` that mean something there. */
export interface ExecRunOptions extends Omit<ExecOptions, 'chunksize' | 'dryRun'>, AbortOption {
  /** Each command's stderr, whole, when it ends. Default: this process's stderr. */
  onStderr?: (text: string) => void;
}

const EXEC_OPTIONS = [
  ...['workers', 'ordered', 'retries', 'timeout', 'halt', 'tag', 'tagString', 'template', 'showCommands', 'stdinFrom', 'blockAsFile'] as const,
  ...['jobShell', 'laneShell', 'delayMs', 'timeoutOfMedian', 'workdir', 'tmpdir', 'onStderr', 'signal'] as const,
  ...LIMIT_OPTION_NAMES,
];
const everyExecOption: AllListed<ExecRunOptions, (typeof EXEC_OPTIONS)[number]> = true;
void everyExecOption;

/**
 * One command's end: its stdout, or why it failed. `status` is the exit status the shell saw
 * (128 + n for a command killed by signal n), absent when prun ended it (a timeout).
 */
export type ExecOutcome<Input = unknown> =
  | { index: number; input: Input; ok: true; result: string }
  | { index: number; input: Input; ok: false; error: TaskError; attempts: number; status: number | undefined; result: string };

/**
 * Runs a /bin/sh command line for every input, with GNU parallel's replacement strings (`{}`
 * is the input, quoted), and yields each command's outcome as map() does: its stdout as text
 * (UTF-8), in input order or as they complete (`ordered: false`). A command that exits
 * non-zero is a failed outcome with its status, and with what it printed. An aborted
 * `signal` stops the run at once, and the iterable throws its reason.
 */
export function exec<Input = unknown>(
  inputs: Iterable<Input> | AsyncIterable<Input>,
  command: string,
  options: ExecRunOptions = {},
): AsyncGenerator<ExecOutcome<Input>> {
  checkInputs(inputs);
  if (typeof command !== 'string' || command.trim() === '') {
    throw usageError(`command must be a shell command line, got ${describe(command)}`);
  }
  // checked before it is spread below: a string spreads into an object of its characters
  if (typeof options !== 'object' || options === null) throw usageError(`options must be an object, got ${describe(options)}`);
  if (options.onStderr !== undefined && typeof options.onStderr !== 'function') {
    throw usageError(`onStderr must be a function, got ${describe(options.onStderr)}`);
  }
  normalizeOptions({ ...options, runtime: undefined });
  checkOptionNames(options, EXEC_OPTIONS);
  checkExecOptions(options);
  checkSignal(options.signal);
  // a replacement string prun does not know ({= perl =}) is a usage error here, not at the first pull
  compileTemplate(command, true, options.template);
  if (options.tagString !== undefined) compileTemplate(options.tagString, false, { ...options.template, where: '--tagstring' });
  return outcomes<Input>(inputs, command, options);
}

async function* outcomes<Input>(inputs: Iterable<Input> | AsyncIterable<Input>, command: string, { signal, ...options }: ExecRunOptions): AsyncGenerator<ExecOutcome<Input>> {
  // aborted before the first pull: nothing starts
  signal?.throwIfAborted();
  const ledger = new InputLedger();
  const onStderr = options.onStderr;
  // the caller's own callback threw: the run stops as for a failed input source, and the
  // caller gets the error after the outcomes of what ran (was: thrown out of a child's exit
  // handler, it ended the caller's process)
  let thrown: { error: unknown } | undefined;
  const run = startExec({
    ...options,
    // one command a batch: the output of a batch's commands comes as one text, not one each
    chunksize: 1,
    command,
    // a command is bytes: each input as the UTF-8 bytes of its text; the caller gets its own value back
    // a bad input ends the inputs there, those before it run (checked as taken: a throw in the
    // conversion would lose the others taken with it); a checked input's text is String(input)
    source: ledger.watch(itemSource(inputs, undefined, checkCommandArgument), (input) => toByteString(String(input))),
    onStderr:
      onStderr &&
      ((text) => {
        if (thrown) return;
        try {
          onStderr(fromByteString(text));
        } catch (error) {
          thrown = { error };
          run.stop('soon');
        }
      }),
  });
  // what a failed command printed comes just before its failure
  let printed = '';
  for await (const delivery of untilAborted(run.deliveries, run, signal)) {
    if (delivery.type === 'failure') {
      const { index, attempts, error } = delivery.failure;
      yield { index, input: ledger.take(index) as Input, ok: false, error: fromErrorData(error), attempts, status: error.exitStatus, result: printed };
      printed = '';
    } else if (delivery.type === 'text' || delivery.type === 'file') {
      const text = await textOf(delivery);
      if (delivery.count === 0) printed = text;
      // aborted while the output was read: dropped, as what comes after it
      else if (!signal?.aborted) yield { index: delivery.first, input: ledger.take(delivery.first) as Input, ok: true, result: text };
    } else {
      ledger.forget(delivery);
    }
  }
  if (thrown) throw thrown.error;
  const fatal = run.fatalError();
  if (fatal) throw thrownValue(fatal);
  const halted = haltedError(run.tracker, options.halt);
  if (halted) throw halted;
}

/**
 * Throws unless an input has a text `{}` can stand for: a string without a NUL, or a number,
 * bigint or boolean, whose text is String(input). Anything else has no text a command could
 * take (was: an object ran as `[object Object]`, and succeeded).
 */
function checkCommandArgument(input: unknown): void {
  // NUL joins a job's arguments: one in an input would make two of it
  if (typeof input === 'string' && input.includes('\0')) throw new PrunError('ERR_USAGE', `an input holds a NUL, which no command argument can: ${describe(input)}`);
  if (typeof input === 'string' || typeof input === 'number' || typeof input === 'bigint' || typeof input === 'boolean') return;
  throw new PrunError('ERR_USAGE', `exec() takes strings (or numbers) as inputs, not ${describe(input)}`);
}

async function textOf(delivery: Extract<Delivery, { type: 'text' | 'file' }>): Promise<string> {
  if (delivery.type === 'text') return fromByteString(delivery.text);
  return readWhole(delivery.file);
}

/** A command's output too big to be held as text by the run: the caller asked for it whole. */
async function readWhole(file: OutputFile): Promise<string> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of fileChunks(file)) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    file.close();
  }
}

