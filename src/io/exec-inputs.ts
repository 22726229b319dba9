import type { Readable } from 'node:stream';
import { PrunError } from '../errors.js';
import { byteRegExp } from '../model/byte-pattern.js';
import { fromByteString, toByteString } from '../model/byte-string.js';
import { type Separator, withNulWritten } from '../model/payload.js';
import { blankEmptyGroups, combinationCount, combinations, type ArgSource } from './arg-groups.js';
import { encodeArgs } from './combination-source.js';
import type { InputSource } from './input-source.js';
import { itemSource } from './item-source.js';
import { checkInputsReadable, openInputs } from './open-inputs.js';
import { inputReadError } from './input-read-error.js';
import { openReadable } from './open-readable.js';
import { piecesBetween } from './text-pieces.js';

/** How `prun exec` reads its inputs into the arguments of its jobs, as GNU parallel's options say. */
export interface ExecInputOptions {
  /**
   * Told when an input held a NUL, written `\\0` instead: no argument can hold one, and NUL
   * joins a job's arguments (ARG_SEPARATOR), so it would split the input in two.
   */
  onNul?: () => void;
  /** What ends an input: newline, NUL (-0), or any string (-d). */
  separator: Separator;
  delimiter?: string | undefined;
  /** --colsep: each input splits into columns, {1} {2} ... */
  colsep?: RegExp | undefined;
  /** --trim: n, l, r, lr, rl (--colsep alone trims both sides, as GNU parallel's implies --trim rl). */
  trim?: string | undefined;
  /** -E: an input equal to this ends the input. */
  eof?: string | undefined;
  /** -r: inputs of only blanks are skipped. */
  noRunIfEmpty?: boolean | undefined;
  /** --header: the first input of each source names its columns. */
  header?: boolean | undefined;
  /** -N/-n: inputs (records) a job takes; 0: none, and one job per input still. */
  maxArgs?: number | undefined;
  /** -L, as xargs reads lines: one that ends in a blank goes on into the next. */
  continueLines?: boolean | undefined;
  /** -m/-X/--xargs: as many as fit, spread over `spread` job slots (undefined: no spreading). */
  fill?: Fill | undefined;
  /** --link: all sources pair up rather than combine. */
  link?: boolean | undefined;
  /** --shuf: the jobs in random order. */
  shuf?: boolean | undefined;
  /** Read them all first, to know how many jobs there are ({##}). */
  countAll?: boolean | undefined;
}

export interface ExecInputs {
  source: InputSource;
  /** The column names given by --header, in order ({name} is {n}): those at a line's end that are empty are none. */
  header: string[];
  /** The header lines' columns as read, empty ones included: what --failed-out writes back. */
  headerColumns: string[];
  /** How many jobs, with countAll. */
  total?: number | undefined;
}

/** -m/-X/--xargs: how jobs are filled with arguments. */
export interface Fill {
  /** Spread evenly over this many job slots (undefined: as many a job as fit). */
  spread: number | undefined;
  /** GNU parallel's -s: the most characters a job's command line takes, its end counted as one. */
  maxChars: number;
  /** How long the command line of job `seq` (`{#}`) of these arguments, `records` records of them, is, as GNU parallel measures it. */
  lineLength(args: readonly string[], seq: number, records: number): number;
}

/**
 * The inputs of `prun exec`. Without GNU parallel's input options they are the ordinary
 * sources; with them (-d, --colsep, -N, --link, ...) each input is read into its arguments
 * here. Either way they are byte strings (byte-string.ts), every byte kept. One source is streamed; several are read
 * whole to be combined or linked, as GNU parallel does.
 */
export async function openExecInputs(sources: readonly ArgSource[], options: ExecInputOptions): Promise<ExecInputs> {
  if (!needsReading(sources, options)) return { source: await openInputs([], sources, options.separator, 'bytes'), header: [], headerColumns: [] };
  // as openInputs does (was: a stack trace under --shuf, --header or {##}, and the bare ENOENT
  // or EISDIR, naming no file, under -X, -N, --colsep)
  await checkInputsReadable([], sources);
  const readers = (sources.length === 0 ? [{ file: '-' } as ArgSource] : sources).map((source) => recordsOf(source, options));
  const header: string[] = [];
  const headerColumns: string[] = [];
  if (options.header) {
    for (const reader of readers) {
      const first = await reader.next();
      // a CRLF file's last name without its CR, as GNU parallel names it (was: {y} of `x\ty\r` never replaced)
      // one by one, not spread: a line of 200,000 columns is a call of 200,000 arguments, past
      // V8's stack (was: "Maximum call stack size exceeded", with a stack trace)
      if (first.done) continue;
      const columns = first.value.map((name) => name.replace(/\r$/, ''));
      for (const column of columns) headerColumns.push(column);
      // empty names at a line's end are none, as Perl's split drops them for GNU parallel, and
      // the next source's names follow on (was: `a,b,` named the third column '', which then
      // took `{}` from the whole line)
      let named = columns.length;
      while (named > 0 && columns[named - 1] === '') named--;
      for (const name of columns.slice(0, named)) header.push(name);
    }
  }
  let records: AsyncIterable<string[]> | Iterable<string[]>;
  // how many jobs there are, where the records were read whole: the progress bar shows it
  let count: number | undefined;
  if (readers.length === 1 && sources[0] !== undefined && 'values' in sources[0]) {
    // `:::` values are in memory already: so are their records, and counted, however -L joins
    // them or -E and -r take some away (was: not joined under -L, unlike GNU parallel's; joined
    // as they were read, they could not be counted, and the uncounted path was 7x slower)
    const all = await drainAll(iterable(readers[0]!));
    records = all;
    count = all.length;
  } else if (readers.length === 1) records = iterable(readers[0]!);
  else ({ jobs: records, count } = joinSources(await Promise.all(readers.map((reader) => drainAll(iterable(reader)))), sources, options.link === true));
  // --shuf shuffles the inputs, before -N or -X group them, as GNU parallel does (was: the
  // jobs, so that -N 2 always paired 1 with 2)
  if (options.shuf) {
    const all = shuffle(await drainAll(records));
    records = all;
    count = all.length;
  }
  let jobs: AsyncIterable<string[]> | Iterable<string[]>;
  // a job being filled from a stream (-N, -X): at a stop, it never ran either
  const filling: Filling = { job: false };
  if (options.fill) {
    // `:::` values are in memory already: filled at once, their jobs are counted (the progress
    // bar's total); a file or stdin is filled as it is read, its count unknown till its end
    const filled = fill(records, options.fill, options.maxArgs, filling);
    if (sources.length > 0 && sources.every((source) => 'values' in source)) jobs = await drainAll(filled);
    else {
      jobs = filled;
      count = undefined;
    }
  }
  else if (options.maxArgs !== undefined) {
    jobs = group(records, options.maxArgs, filling);
    if (count !== undefined && options.maxArgs > 0) count = Math.ceil(count / options.maxArgs);
  } else jobs = records;
  // read whole once: --shuf's records, when nothing groups them, are its jobs already
  if ((options.shuf || options.countAll) && !Array.isArray(jobs)) jobs = await drainAll(jobs);
  if (Array.isArray(jobs)) count = jobs.length;
  const source = itemSource(encoded(jobs), count);
  // counted as never run when the run stops (was: its records, read, were neither run nor counted)
  return { source: { ...source, heldInputs: () => (filling.job ? 1 : 0) }, header, headerColumns, total: options.countAll ? count : undefined };
}

function needsReading(sources: readonly ArgSource[], options: ExecInputOptions): boolean {
  const { delimiter, colsep, trim, eof, noRunIfEmpty, header, maxArgs, fill, link, shuf, countAll } = options;
  return (
    sources.some((source) => source.linked) ||
    [delimiter, colsep, eof, header, maxArgs, fill, shuf, countAll].some((value) => value !== undefined && value !== false) ||
    (trim !== undefined && trim !== 'n') ||
    noRunIfEmpty === true ||
    (link === true && sources.length > 1)
  );
}

/** Each job as one input, its arguments joined by NUL (was: decoded as UTF-8 first, which put U+FFFD in the command for bytes that are not UTF-8). */
async function* encoded(jobs: AsyncIterable<string[]> | Iterable<string[]>): AsyncGenerator<string> {
  for await (const args of jobs) yield encodeArgs(args);
}

/**
 * GNU parallel's `\s`, in bytes: ASCII only (byte-pattern.ts; JavaScript's \s takes the byte
 * 0xA0 of latin1 text for a blank too: -r dropped such an input). Under -L a line that ends in
 * one goes on into the next (was: a space or a tab only); under -r an input of them alone is
 * none; --trim takes them off.
 */
const ENDS_IN_BLANK = byteRegExp('\\s$');
const ALL_BLANKS = byteRegExp('^\\s*$');
const LEADING_BLANKS = byteRegExp('^\\s+');
const TRAILING_BLANKS = byteRegExp('\\s+$');

/** The records of one source, each its arguments (one, or its columns with --colsep). */
async function* recordsOf(source: ArgSource, options: ExecInputOptions): AsyncGenerator<string[]> {
  const lines = lineRecords(options);
  if ('values' in source) {
    // `:::` values are lines too: -L joins them as GNU parallel does (was: `a ` and `b` ran apart)
    if (!(yield* lines.of(source.values.map(toByteString)))) yield* lines.held();
    return;
  }
  // a FIFO or `<(...)` through the event loop, never holding a thread of libuv's (open-readable.ts)
  const stream: Readable = source.file === '-' ? process.stdin : await openReadable(source.file, 1 << 16);
  const end = options.delimiter ?? String.fromCharCode(options.separator);
  try {
    // the last line may have no separator: it comes as the others do
    for await (const parts of piecesBetween(latin1(stream as AsyncIterable<Buffer>), end)) if (yield* lines.of(parts)) return;
    yield* lines.held();
  } catch (error) {
    // one line naming the file (was: a stack trace under --shuf, --header or {##}, read before the run)
    throw inputReadError(error, source.file);
  } finally {
    if (source.file !== '-') stream.destroy();
  }
}

async function* latin1(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  for await (const chunk of chunks) yield chunk.toString('latin1');
}

/**
 * One source's lines, as read, made records: under -L a line that ends in a blank goes on into
 * the next, as GNU parallel reads them. `of` returns true once -E ends the input; `held` gives
 * what was going on into a line that never came.
 */
function lineRecords(options: ExecInputOptions): { of(parts: readonly string[]): Generator<string[], boolean>; held(): Generator<string[]> } {
  // -L: the lines that end in a blank, waiting for the one they go on into
  let held = '';
  // --header: its line is read as it is, never joined to the next, as GNU parallel reads it
  // (was, under -L: a CRLF file's header took the whole file, and no job ran, exit 0)
  let headerToCome = options.header === true;
  // -L: -E is matched on each line as read, before it is joined to what it goes on from, as
  // GNU parallel does (was: `a \nEOF\nb` ran `a EOF` and then `b`)
  const joined = options.continueLines ? { ...options, eof: undefined } : options;
  const whole = (part: string): string | undefined => {
    if (!options.continueLines) return part;
    // -r: blanks alone are no line to go on from, as GNU parallel skips them (was: `a\n \nc`
    // ran ` c`); a line already going on takes them, as it does an empty one
    if (held === '' && options.noRunIfEmpty && ALL_BLANKS.test(part)) return undefined;
    // the line so far ends in a blank: `held` always does, so only `part` is looked at (a
    // test of the whole line made a file of 100,000 lines `x ` take 24 s, not 0.4 s)
    const goesOn = part === '' ? held !== '' : ENDS_IN_BLANK.test(part);
    const line = held + part;
    // past empty lines too (was: `d \n\ne` ran `d ` and `e`, GNU parallel `d e`)
    held = goesOn ? line : '';
    return goesOn ? undefined : line;
  };
  function* heldRecord(): Generator<string[]> {
    const record = held === '' ? undefined : toRecord(held, joined);
    held = '';
    if (record && record !== 'eof') yield record;
  }
  function* of(parts: readonly string[]): Generator<string[], boolean> {
    for (const part of parts) {
      if (headerToCome) {
        headerToCome = false;
        yield headerRecord(part, options);
        continue;
      }
      if (options.continueLines && part === options.eof) {
        yield* heldRecord();
        return true;
      }
      const line = whole(part);
      if (line === undefined) continue;
      const record = toRecord(line, joined);
      if (record === 'eof') return true;
      if (record) yield record;
    }
    return false;
  }
  return { of, held: heldRecord };
}

/**
 * The header line's names: the line as it is, even blank or equal to -E's string, its names
 * untrimmed, as GNU parallel takes it (was: -r skipped a blank header for the next line, -E
 * ended the input, and --colsep's trim made ` a ` the name a, which GNU parallel leaves unset).
 */
export function headerRecord(line: string, options: ExecInputOptions): string[] {
  return toRecord(line, { ...options, eof: undefined, noRunIfEmpty: false, trim: 'n' }) as string[];
}

/** One input as its arguments; undefined when -r skips it; 'eof' when -E ends the input. */
export function toRecord(read: string, options: ExecInputOptions): string[] | undefined | 'eof' {
  // as GNU parallel does (was: `a\0b` ran as two arguments, a and b, silently)
  const input = read.includes('\0') ? withoutNul(read, options) : read;
  if (options.eof !== undefined && input === options.eof) return 'eof';
  if (options.noRunIfEmpty && ALL_BLANKS.test(input)) return undefined;
  const columns = options.colsep ? input.split(options.colsep) : [input];
  return columns.map((column) => trimmed(column, options.trim));
}

function withoutNul(input: string, options: ExecInputOptions): string {
  options.onNul?.();
  return withNulWritten(input);
}

/**
 * --trim: blanks off the left, the right or both, as GNU parallel's `\s` (a CR of a CRLF file
 * too); ASCII only, since the value is bytes here, and a byte 0xA0 may end a UTF-8 character.
 */
function trimmed(value: string, how: string | undefined): string {
  if (how === undefined || how === 'n') return value;
  let out = value;
  if (how.includes('l')) out = out.replace(LEADING_BLANKS, '');
  if (how.includes('r')) out = out.replace(TRAILING_BLANKS, '');
  return out;
}

const iterable = <T>(reader: AsyncIterator<T>): AsyncIterable<T> => ({ [Symbol.asyncIterator]: () => reader });

async function drainAll<T>(items: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/**
 * Several sources as GNU parallel joins them: linked ones (`:::+`, or all with --link) pair
 * up value by value, the rest combine, the first varying slowest. With --link the shorter
 * wrap around; with `:::+` the longer are cut to the shortest, as GNU parallel does. An empty
 * source is one empty value (`blankEmptyGroups`). The jobs are made lazily (a product of a
 * few sources can be huge); how many there are is known at once.
 */
function joinSources(read: string[][][], sources: readonly ArgSource[], linkAll: boolean): { jobs: Iterable<string[]>; count: number } {
  const groups: (readonly string[][])[][] = [];
  blankEmptyGroups(read, ['']).forEach((records, i) => {
    if (i > 0 && (linkAll || sources[i]?.linked)) groups[groups.length - 1]!.push(records);
    else groups.push([records]);
  });
  // each group as its tuples: a tuple holds one record of each of its sources
  const tuples = groups.map((group) => {
    if (group.length === 1) return group[0]!.map((record) => [record]);
    const lengths = group.map((records) => records.length);
    const size = linkAll ? Math.max(...lengths) : Math.min(...lengths);
    return Array.from({ length: size }, (_, k) => group.map((records) => records[k % records.length]!));
  });
  const jobs = (function* () {
    for (const combination of combinations(tuples)) yield combination.flatMap((tuple) => tuple.flat());
  })();
  return { jobs, count: combinationCount(tuples.map((group) => group.length)) };
}

/** Whether a job is being filled with records read, not given out yet (-N, -X): at a stop, it never ran. */
interface Filling {
  job: boolean;
}

/** -N: `size` records a job (the last may have fewer); -N0: a job per record, with no arguments. */
async function* group(records: AsyncIterable<string[]> | Iterable<string[]>, size: number, filling: Filling): AsyncGenerator<string[]> {
  let job: string[] = [];
  let taken = 0;
  for await (const record of records) {
    if (size === 0) {
      yield [];
      continue;
    }
    for (const value of record) job.push(value); // not spread: see the header above
    filling.job = true;
    if (++taken === size) {
      filling.job = false;
      yield job;
      job = [];
      taken = 0;
    }
  }
  filling.job = false;
  if (taken > 0) yield job;
}

/**
 * -m/-X/--xargs: as many arguments a job as fit on a command line, and no more records a job
 * than -N says (GNU parallel: `-X -N2 ::: 1 2 3 4 5` is `1 2`, `3 4`, `5`); the last job's,
 * where the input ends, spread evenly over the job slots. Streamed: a job goes as soon as the
 * record after it shows it full, so that memory holds one job at most (was: every input read
 * first, so that `yes | prun exec -X echo` never ran a job and grew without bound).
 */
async function* fill(records: AsyncIterable<string[]> | Iterable<string[]>, { spread, maxChars, lineLength }: Fill, maxArgs: number | undefined, filling: Filling): AsyncGenerator<string[]> {
  const per = maxArgs === undefined || maxArgs < 1 ? Number.POSITIVE_INFINITY : maxArgs;
  // as GNU parallel counts a job's line: its length as it runs, plus one; a record after the
  // first adds what a second copy of it adds (its blank, its -X context), one render each
  // the number of the job being filled: the jobs are numbered as they are made
  let seq = 1;
  const cost = (record: readonly string[], first: boolean): number =>
    first ? lineLength(record, seq, 1) + 1 : lineLength([...record, ...record], seq, 2) - lineLength(record, seq, 1);
  let job: string[][] = [];
  let length = 0;
  for await (const record of records) {
    let more = cost(record, job.length === 0);
    if (job.length > 0 && (job.length >= per || length + more > maxChars)) {
      filling.job = false;
      yield job.flat();
      job = [];
      seq++;
      more = cost(record, true);
    }
    // one argument alone too long: refused, as GNU parallel and xargs refuse it (was: run all the same)
    if (job.length === 0 && more > maxChars) throw new PrunError('ERR_INPUT', `a command line of ${more} characters is longer than -s allows (${maxChars}), for the input ${JSON.stringify(fromByteString(record.join(' ')).slice(0, 80))}`);
    if (job.length === 0) length = 0;
    job.push(record);
    filling.job = true;
    length += more;
  }
  filling.job = false;
  // the input ends within this job: it is spread evenly over the job slots, as GNU parallel
  // does (seq 30000 | parallel -j2 -X echo: lines of 12460 and 10609, then 3466 and 3465)
  const size = spread !== undefined ? Math.ceil(job.length / spread) : job.length;
  for (let from = 0; from < job.length; from += size) yield job.slice(from, from + size).flat();
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
