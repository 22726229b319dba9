import { type Command, Option } from 'commander';
import { isZeroDuration, parseDuration } from '../api/duration.js';
import type { RunOptions } from '../api/options.js';
import { parseLoad, parseMemFree } from '../api/machine-limits.js';
import { wholeNumber } from '../api/option-values.js';
import { parseKeyRule } from '../crawl/key-rule.js';
import { parseRate } from '../crawl/rate.js';
import { parseHalt } from '../engine/halt.js';
import { usageError } from '../errors.js';
import { NEWLINE, NUL, type Separator } from '../model/payload.js';

/** Flags that every command shares, parsed the same way. */
export interface CommonFlags {
  jobs?: number;
  unordered?: true;
  json?: true;
  progress?: boolean;
  total?: number;
  verbose?: true;
  timeout?: number;
  retries: number;
  halt?: string;
  joblog?: string;
  resume?: true;
  resumeFailed?: true;
  failedOut?: string;
  null?: true;
  key?: string;
  keyConcurrency?: number;
  keyRate?: string;
  rate?: string;
  maxRetryAfter?: number;
  maxThrottle?: number;
  retryDelay?: number;
  retryDelayMax?: number;
  memfree?: string;
  load?: string;
  // as other tools spell them
  maxProcs?: number;
  keepOrder?: boolean;
  /** --no-keep-order (or --nokeeporder) was given: unordered, whatever -k says. */
  noKeepOrder?: true;
  bar?: true;
  eta?: true;
}

/** Adds -j and the Output and Failures groups: one definition, so map and exec can never drift apart. */
export function addCommonOptions(command: Command, options: { json: boolean }): Command {
  command
    .optionsGroup('Input:')
    .option('-0, --null', 'inputs end with NUL, not newline, as find -print0 writes them (xargs -0); so do those --failed-out writes')
    .optionsGroup('Workers:')
    .addOption(new Option('-j, --jobs <n>', 'how many run at once, as in GNU parallel').argParser(positive('--jobs')))
    .addOption(new Option('--memfree <size>', 'start no input while less memory than SIZE is available (2G, 512M: K M G powers of 1024, k m g of 1000), as GNU parallel (which also ends the youngest job below half of it: prun does not)').argParser(validated((value) => parseMemFree('--memfree', value))))
    .addOption(new Option('--load <max-load>', 'start no input while this many processes or more are running or waiting on the disk: N, N% of the cores, +N, -N, as GNU parallel').argParser(validated((value) => parseLoad('--load', value))))
    .optionsGroup('Output:')
    .option('--unordered', 'print each result as it completes, not in input order');
  // the last of --unordered and -k wins, as an option given again does, so that a -k among
  // prun exec's $PARALLEL defaults yields to a --unordered typed (was, for a day: refused)
  command.on('option:unordered', () => {
    command.setOptionValue('keepOrder', undefined);
    command.setOptionValue('keeporder', undefined);
  });
  if (options.json) command.option('--json', 'print one {"index","input","result"} (or "error") object per input');
  return command
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .option('--no-progress', 'never show a progress bar')
    .addOption(new Option('--total <n>', "how many inputs there are: the progress bar's total until the end of the input is seen").argParser((value) => wholeNumber('--total', value, 0)))
    .option('--verbose', 'print the stack of failed inputs, and of a setup() or import that failed')
    .optionsGroup('Failures:')
    .addOption(new Option('--timeout <duration>', 'fail a task that runs longer than this (500ms, 30s, 2m; a bare number is seconds), counted from its start').argParser(duration('--timeout')))
    .addOption(new Option('--retries <n>', 'try a failed input up to n more times').default(0).argParser((value) => wholeNumber('--retries', value, 0)))
    .addOption(new Option('--halt <when,on=n>', 'stop early, as GNU parallel: soon,fail=1 (start no more) or now,fail=10% (end running ones too)').argParser(validated((value) => parseHalt(value, '--halt'))))
    .option('--joblog <file>', 'append a tab-separated row per finished input: index, input, status, attempts, duration, error')
    .option('--resume', 'skip the inputs the --joblog shows as finished, matched by their text: the list may be shuffled or extended')
    .option('--resume-failed', 'skip the inputs the --joblog shows as succeeded; run failed ones again')
    .option('--failed-out <file>', 'write each input that failed for good to FILE as it fails, one a line (NUL-ended with -0): FILE is the input of a run of them again')
    .addOption(new Option('--retry-delay <duration>', 'wait before each retry: exponential backoff with full jitter from this base (default: at once)').argParser(duration('--retry-delay', true)))
    .addOption(new Option('--retry-delay-max <duration>', 'the cap of that backoff (default 60s)').argParser(duration('--retry-delay-max')))
    .optionsGroup('Politeness (crawling):')
    .addOption(new Option('--key <rule>', 'what inputs are limited by: host (of the URL), domain, field:N (tab-separated), regex:PATTERN (first group)').argParser(validated((value) => parseKeyRule('--key', value))))
    .addOption(new Option('--key-concurrency <n>', 'at most n inputs of one key at once (implies --key host)').argParser(positive('--key-concurrency')))
    .addOption(new Option('--key-rate <rate>', 'at most this many starts per key, spread evenly: 2/s, 30/m, 1000/h (implies --key host)').argParser(validated((value) => parseRate('--key-rate', value))))
    .addOption(new Option('--rate <rate>', 'at most this many starts in all: 20/s').argParser(validated((value) => parseRate('--rate', value))))
    .addOption(new Option('--max-retry-after <duration>', 'the longest Retry-After honoured (default 5m)').argParser(duration('--max-retry-after')))
    .addOption(new Option('--max-throttle <duration>', 'a key throttled (429/503) longer than this fails its inputs with ERR_THROTTLED (default 15m)').argParser(duration('--max-throttle')))
    // what people type for xargs, GNU parallel and rush works here too
    .optionsGroup('As xargs, GNU parallel and rush spell them:')
    .addOption(new Option('-P, --max-procs <n>', 'as -j').argParser(positive('--max-procs')))
    .option('-k, --keep-order', 'input order: the default (of -k and --unordered, the last given wins)')
    .option('--no-keep-order', 'as --unordered, whatever -k says, before or after it (GNU parallel\'s)')
    .addOption(new Option('--nokeeporder', 'as --no-keep-order'))
    .option('--bar', 'as --progress')
    .option('--eta', 'as --progress')
    .on('option:keep-order', () => command.setOptionValue('unordered', undefined))
    // GNU parallel's --no-keep-order undoes every -k, given before it or after (was, for a
    // commit: the last given won, as between -k and --unordered: a review)
    .on('option:no-keep-order', () => command.setOptionValue('noKeepOrder', true))
    .on('option:nokeeporder', () => command.setOptionValue('noKeepOrder', true));
}

/** What ends each input of a file or stdin. */
export function separatorFlag(flags: Pick<CommonFlags, 'null'>): Separator {
  return flags.null ? NUL : NEWLINE;
}

/** How many run at once, if the user said: -j, or -P. */
export function jobsFlag(flags: CommonFlags): number | undefined {
  return flags.jobs ?? flags.maxProcs;
}

/** The progress bar on, off, or undefined (when stderr is a terminal): --progress, or --bar/--eta. */
export function progressFlag(flags: Pick<CommonFlags, 'progress' | 'bar' | 'eta'>): boolean | undefined {
  return flags.progress ?? (flags.bar || flags.eta ? true : undefined);
}

/**
 * A --halt of a percentage is of the total number of inputs, so the total is wanted as
 * early as it can be known, progress bar or not.
 */
export function haltNeedsTotal(flags: Pick<CommonFlags, 'halt'>): boolean {
  return flags.halt !== undefined && parseHalt(flags.halt, '--halt')?.fraction !== undefined;
}

/** The library options that the shared flags stand for. */
export function commonRunOptions(flags: CommonFlags): RunOptions {
  if ((flags.resume || flags.resumeFailed) && !flags.joblog) throw usageError('--resume and --resume-failed need --joblog FILE');
  const { key, keyConcurrency, keyRate, rate, maxRetryAfter, maxThrottle, retryDelay, retryDelayMax } = flags;
  return {
    memFree: flags.memfree,
    load: flags.load,
    ordered: !flags.noKeepOrder && (!flags.unordered || flags.keepOrder === true),
    retries: flags.retries,
    timeout: flags.timeout,
    halt: flags.halt,
    ...{ key, keyConcurrency, keyRate, rate, maxRetryAfter, maxThrottle, retryDelay, retryDelayMax },
  };
}

export function positive(flag: string): (value: string) => number {
  return (value) => wholeNumber(flag, value, 1);
}

/**
 * A duration (a bare number is seconds, as GNU parallel reads --delay); with `zero`, also none
 * at all (`0`, `0s`): a wait of nothing is a wait too.
 */
export function duration(flag: string, zero = false): (value: string) => number {
  return (value) => (zero && isZeroDuration(value) ? 0 : parseDuration(flag, value));
}

/** Checks a value at parse time, so a bad one is a usage error, and keeps it as written. */
export function validated(parse: (value: string) => unknown): (value: string) => string {
  return (value) => {
    parse(value);
    return value;
  };
}
