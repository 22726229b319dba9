import { pathStats } from '../system/sync-stat.js';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { isZeroDuration, parseDuration } from '../api/duration.js';
import { bracesAreReplaced, type TemplateOptions } from '../commands/template.js';
import { quoted, usageError } from '../errors.js';
import { byteRegExp } from '../model/byte-pattern.js';
import { byteAsText, toByteString } from '../model/byte-string.js';
import { perlPattern } from '../model/perl-pattern.js';
import { makeDirectory } from '../io/make-directory.js';
import { checkMakeable } from '../io/write-checks.js';
import { describeSystemError } from '../io/system-error.js';
import type { CommonFlags } from './common-options.js';
import type { CpuCounts } from './cpu-counts.js';
import { parseJobs } from './exec-argv.js';

// What `prun exec`'s options hold once commander has read them, and the readers of their values.

/** GNU parallel's `--timeout N%`: past this times the median runtime of the jobs that succeeded. */
export interface MedianTimeout {
  ofMedian: number;
}

/** `prun exec`'s options, as commander gives them (GNU parallel's spellings each a field). */
export interface ExecFlags extends Omit<CommonFlags, 'timeout'> {
  timeout?: number | MedianTimeout;
  tag?: true;
  tagstring?: string;
  dryRun?: true;
  queue?: string;
  dryrun?: true;
  argFile: string[];
  delimiter?: string;
  E?: string;
  runIfEmpty?: false;
  colsep?: string;
  header?: string;
  trim?: string;
  argSep?: string;
  argFileSep?: string;
  link?: true;
  shuf?: true;
  maxArgs?: number;
  N?: number;
  maxLines?: number;
  L?: number;
  X?: true;
  m?: true;
  xargs?: true;
  maxChars?: number;
  cat?: true;
  I?: string;
  /** GNU parallel's --replace: -I's long spelling, whose value may be left out ({}). */
  replace?: string | true;
  quote?: true;
  plus?: true;
  rpl: string[];
  v?: true;
  t?: true;
  jl?: string;
  haltOnError?: string;
  lineBuffer?: true;
  linebuffer?: true;
  lb?: true;
  xapply?: true;
  ungroup?: true;
  extensionreplace?: string;
  er?: string;
  bnr?: string;
  dnr?: string;
  bner?: string;
  basenamereplace?: string;
  dirnamereplace?: string;
  basenameextensionreplace?: string;
  seqreplace?: string;
  slotreplace?: string;
  nice?: number;
  results?: string;
  result?: string;
  res?: string;
  eof?: string | true;
  totalJobs?: number;
  processSlotVar?: string;
  pipe?: true;
  block?: number;
  recend?: string;
  recstart?: string;
  rrs?: true;
  removeRecSep?: true;
  removerecsep?: true;
  delay?: number;
  workdir?: string;
  tmpdir?: string;
  keeporder?: true;
  maxReplaceArgs?: number;
  numberOfThreads?: true;
  numberOfCores?: true;
  numberOfCpus?: true;
  numberOfSockets?: true;
}

/** GNU parallel's -j: as many, beside N, as 0, N%, +N and -N say. */
export const gnuJobs = (value: string): number => parseJobs(value, availableParallelism());

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Which count --number-of-threads, --number-of-cores (--number-of-cpus) or --number-of-sockets asks for. */
export function cpuCountAsked(flags: ExecFlags): keyof CpuCounts | undefined {
  if (flags.numberOfThreads) return 'threads';
  if (flags.numberOfCores || flags.numberOfCpus) return 'cores';
  return flags.numberOfSockets ? 'sockets' : undefined;
}

/** Refuses a folder that `mkdir -p` could not make, in the words directory() would use, before anything is made or emptied. */
export function checkDirectory(flag: string, value: string): void {
  directoryStep(flag, value, () => checkMakeable(value));
}

/**
 * A directory, as an absolute path (the jobs' lanes may run elsewhere than prun), made first
 * with `create`, as GNU parallel makes the one of --workdir.
 */
export function directory(flag: string, create = false): (value: string) => string {
  return (value) => {
    // `--tmpdir "$DIR"` with DIR unset: was the current folder, in silence
    if (value === '') throw usageError(`${flag} needs a name, got an empty one`);
    const path = resolve(value);
    if (create) directoryStep(flag, value, () => makeDirectory(path));
    if (!pathStats(path, { throwIfNoEntry: false })?.isDirectory()) throw usageError(`${flag} ${value} is not a directory`);
    return path;
  };
}

/** Checks or makes the folder of `flag`, in one line when it cannot be made. */
function directoryStep(flag: string, value: string, step: () => void): void {
  try {
    step();
  } catch (error) {
    throw usageError(`${flag} ${value}: cannot make it: ${describeSystemError(error as NodeJS.ErrnoException)}`);
  }
}

/**
 * Refuses a --workdir of a folder a job. GNU parallel reads replacement strings in it (`--wd
 * {}`, `-I @ --wd @`) and `...` as a fresh folder a job; prun runs every job of a lane in one
 * folder, and made one named `{}` instead, the jobs running there in silence (a review).
 * `respelled` is the value with -I and its kin made the usual replacement strings; `input` is
 * the input's replacement string as the user spells it (-I), for the line to paste.
 */
export function refuseWorkdirPerJob(value: string, respelled: string, template: TemplateOptions, input: string): void {
  // braces the respelling marked as plain text (`{}` under -I @) are no replacement string to
  // bracesAreReplaced, and so a name's
  const braced = [...respelled.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1]!);
  if (value === '...' || braced.some((content) => bracesAreReplaced(content, template))) {
    throw usageError(`--workdir ${value}: a folder a job is not supported; cd in the command instead (prun exec 'cd ${input} && CMD')`);
  }
}

export function count(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim())) throw usageError(`${flag} must be a whole number, got ${quoted(value)}`);
    return Number(value);
  };
}

/** --timeout as GNU parallel reads it: a duration, or `N%` of the median runtime of the jobs that succeeded. */
export function execTimeout(value: string): number | MedianTimeout | undefined {
  // GNU parallel's --timeout 0 is no timeout (was: refused as no duration)
  if (isZeroDuration(value)) return undefined;
  const percent = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
  if (!percent) return parseDuration('--timeout', value);
  const ofMedian = Number(percent[1]) / 100;
  if (!(ofMedian > 0)) throw usageError(`--timeout must be a duration such as 500ms, 30s or 2m, or a percentage above 0, got ${quoted(value)}`);
  return { ofMedian };
}

/**
 * --recend's and --recstart's escapes, as GNU parallel reads them: `\0` `\r` `\n` `\t` `\'`
 * `\"` `\\` only; any other backslash stays as typed (was: -d's, so that `\072` cut at `:`
 * and `\a` at BEL, where GNU parallel looks for the characters as typed).
 */
const RECORD_ESCAPES: Record<string, string> = { 0: '\0', r: '\r', n: '\n', t: '\t', "'": "'", '"': '"', '\\': '\\' };

export function readRecordEscapes(value: string): string {
  return value.replace(/\\([0rnt'"\\])/g, (_, escape: string) => RECORD_ESCAPES[escape]!);
}

/**
 * The escapes of -d and --tagstring, as GNU parallel's unquote_printf reads them: `\t` `\n`
 * `\r`, and `\NNN` or `\N` as an octal character code; any other backslash stays as typed
 * (was, for -d: `\a` `\b` `\f` `\v` `\\` read as C's, and `\q` as q, where GNU parallel cuts
 * at the characters as typed).
 */
export function unquotePrintf(value: string): string {
  return value
    .replace(/\\t/g, '\t')
    .replace(/\\n/g, '\n')
    .replace(/\\r/g, '\r')
    .replace(/\\(\d\d\d)/g, perlEscape)
    .replace(/\\(\d)/g, perlEscape);
}

/**
 * `\DIGITS` as Perl reads it in a string, as unquote_printf has it read: its octal digits
 * (up to three) a byte, the rest as typed; `\8` and `\9` the digit alone (was: 8 and 9 matched
 * no escape, and `\018` read as \0 and 18, where Perl reads \01 and 8: a review).
 */
function perlEscape(_: string, digits: string): string {
  const octal = /^[0-7]{1,3}/.exec(digits)?.[0];
  if (octal === undefined) return digits;
  // up to \377 a byte, as GNU parallel's (was: the character of that code, two bytes in UTF-8
  // past \177); past it Perl's wide character, which it prints in UTF-8 (was: its low byte)
  const code = Number.parseInt(octal, 8);
  return (code > 0xff ? String.fromCharCode(code) : byteAsText(code)) + digits.slice(octal.length);
}

/** -d's delimiter, its escapes read; never empty, which GNU parallel's Perl reads as paragraphs. */
export function delimiterOf(value: string): string {
  const delimiter = unquotePrintf(value);
  if (delimiter === '') throw usageError('--delimiter must not be empty');
  return delimiter;
}

/**
 * `value`, a Perl pattern as GNU parallel takes it (model/perl-pattern.ts), compiled to match
 * inputs, which are byte strings, as its Perl matches bytes (model/byte-pattern.ts). Its error
 * names the value as typed (was: `/Ã©(/` for `é(`).
 */
export function regexp(flag: string, value: string): RegExp {
  let pattern: string;
  try {
    // read at run time, as GNU parallel hands it to Perl's regex engine: no interpolation
    pattern = perlPattern(toByteString(value), { interpolated: false });
  } catch (error) {
    throw usageError(`${flag} ${quoted(value)}: ${(error as Error).message}`);
  }
  try {
    return byteRegExp(pattern);
  } catch (error) {
    throw usageError(`${flag} ${quoted(value)}: not a regular expression: ${(error as { reason: string }).reason}`);
  }
}
