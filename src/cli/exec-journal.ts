import { basename } from 'node:path';
import { compileTemplate, type TemplateOptions } from '../commands/template.js';
import { usageError } from '../errors.js';
import type { ArgSource } from '../io/arg-groups.js';
import type { ColumnLines } from '../io/colsep-line.js';
import { inputFilesOf } from '../io/open-inputs.js';
import { toByteString } from '../model/byte-string.js';
import { once } from '../model/once.js';
import { ARG_SEPARATOR } from '../model/payload.js';
import type { JournalOptions } from './journal.js';

export interface ExecJournalParts {
  /** The command line, as the lanes get it. */
  command: string;
  template: TemplateOptions;
  sources: readonly ArgSource[];
  /** What ends each input as it is read: newline, NUL (-0), -d's delimiter, as a byte string. */
  terminator: string;
  /** --pipe: each input is a block of stdin (`block-N`), in a scratch file of its own. */
  pipe: boolean;
  failedOut: string | undefined;
  /**
   * --header's names. One, and --failed-out begins with it: the file is read back with the same
   * --header. Several (columns, sources), and each failure's columns are lines of their own, read
   * back with -N and {1}, {2}: a header line of several names is not read back as such; unless
   * they are the columns of one source's lines (`columns`): then it begins with their line.
   */
  header: readonly string[];
  /**
   * Given when each job is the columns of one line (--colsep, or --header's tabs, one source,
   * no -N, -L, -X): --failed-out writes a failure as such a line, read back with the same
   * options, and its header as one.
   */
  columns?: ColumnLines | undefined;
  /** Jobs may have more or fewer arguments than one another (--colsep): written a line each, that is said. */
  ragged?: boolean;
  /** Told once when a failure's columns cannot be written as a line that reads back as them. */
  warn: (line: string) => void;
}

/**
 * How `prun exec` names its jobs in the joblog and in --failed-out. prun's Command column holds
 * a job's input, and resuming matches it by that text. A joblog GNU parallel wrote holds the
 * command as it ran: a job whose input is not there is matched by its command as prun builds it
 * ({#} its place in this run), which is GNU parallel's where quoting agrees.
 */
export function execJournalOptions(parts: ExecJournalParts): JournalOptions {
  const inputFiles = inputFilesOf([], parts.sources);
  if (parts.pipe) {
    if (parts.failedOut !== undefined) throw usageError('--failed-out does not go with --pipe: its inputs are blocks of stdin, gone once their job is over');
    return { format: 'gnu', encoding: 'latin1', terminator: parts.terminator, inputFiles, key: blockName };
  }
  return {
    format: 'gnu',
    // byte for byte, as the jobs got them and as GNU parallel logs them (was: as UTF-8 text, so
    // `caf\xe9` and `caf\xe8` both logged as `caf\uFFFD`, and --failed-out wrote the wrong bytes)
    encoding: 'latin1',
    terminator: parts.terminator,
    inputFiles,
    alias: commandOf(parts.command, parts.template),
    argumentsOf: failedOutLines(parts),
    header: failedOutHeader(parts),
  };
}

/**
 * What --failed-out writes of a failed job, a line each: a job of several arguments (-N,
 * several sources) gives each its own line, read back with the same -N; one of columns, their
 * line (its columns a line each, with a warning, if no separator gives them back).
 */
function failedOutLines({ columns, failedOut, warn, ragged }: ExecJournalParts): (text: string) => string[] {
  if (columns === undefined) return ragged ? saidIfRagged(failedOut, warn) : (text) => text.split(ARG_SEPARATOR);
  const sayUnjoinable = once(() => warn(`prun: --failed-out ${failedOut}: no separator that --colsep matches gives back the columns of a failure: written a column a line, it and those after it would be read back as other jobs`));
  return (text) => {
    const args = text.split(ARG_SEPARATOR);
    const line = columns.line(args);
    if (line !== undefined) return [line];
    sayUnjoinable();
    return args;
  };
}

/**
 * A job's arguments a line each, read back with one -N: said once when a failure has not as
 * many as the first (--colsep with several sources, or -N), as those lines would make other
 * jobs (was: silent). The last job of -N may be short, and then harmless: it is said all the same.
 */
function saidIfRagged(failedOut: string | undefined, warn: (line: string) => void): (text: string) => string[] {
  let first: number | undefined;
  const sayRagged = once((count: number, other: number) => warn(`prun: --failed-out ${failedOut}: failures of ${count} and of ${other} arguments, written a line each: read back with one -N, those lines make other jobs than these`));
  return (text) => {
    const args = text.split(ARG_SEPARATOR);
    first ??= args.length;
    if (args.length !== first) sayRagged(first, args.length);
    return args;
  };
}

function failedOutHeader({ header, columns }: ExecJournalParts): readonly string[] | undefined {
  if (header.length === 1) return header;
  const line = header.length > 1 ? columns?.headerLine(header) : undefined;
  return line === undefined ? undefined : [line];
}

/**
 * A --pipe job's name, block-N, its place in stdin (N from 0), from its input or a joblog's row.
 * A row's Seq says it (block-N is Seq N+1, in prun's rows as in GNU parallel's, whose Command
 * holds the command, the same for every block: was, no GNU row matched, and --resume ran every
 * block again; a review), whatever its Command holds (a command ending in a file named block-3
 * is no block's name). A row with no Seq names the block (by its scratch path, in prun joblogs
 * of before).
 */
function blockName(text: string, seq?: number): string {
  return seq !== undefined ? `block-${seq - 1}` : basename(text);
}

/** A job's command, from its input and index; none when it holds {%}, the lane that happens to run it. */
function commandOf(command: string, template: TemplateOptions): ((input: string, index: number) => string) | undefined {
  const compiled = compileTemplate(toByteString(command), true, template);
  const probe = { args: ['x'], seq: 1 };
  if (compiled.render({ ...probe, slot: 1 }) !== compiled.render({ ...probe, slot: 2 })) return undefined;
  return (input, index) => compiled.render({ args: input.split(ARG_SEPARATOR), seq: index + 1, slot: 1 });
}
