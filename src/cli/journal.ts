import type { JobRecord } from '../engine/delivery.js';
import { finishedInJoblog } from '../io/finished-inputs.js';
import { Joblog, type JoblogFormat } from '../io/joblog.js';
import type { CommonFlags } from './common-options.js';

export interface Journal {
  skip: ((input: string, index: number) => boolean) | undefined;
  /** Appends rows: called by the writer of results once their output is written. */
  record: ((records: readonly JobRecord[]) => void) | undefined;
  close(): void;
}

export const NO_JOURNAL: Journal = { skip: undefined, record: undefined, close() {} };

/** How a command names its inputs in the joblog. */
export interface JournalOptions {
  /** The joblog's columns: exec writes GNU parallel's. */
  format?: JoblogFormat;
  /** What names an input, from its text or a row's (--pipe: a block by its number, not by its scratch path). */
  key?: (text: string) => string;
  /** Another name a row may give an input: the command GNU parallel logged for it. */
  alias?: ((text: string, index: number) => string | undefined) | undefined;
}

const warn = (line: string): void => void process.stderr.write(`${line}\n`);

/** --joblog, --resume and --resume-failed, wired for a run. */
export function openJournal(flags: CommonFlags, options: JournalOptions = {}): Journal {
  if (!flags.joblog) return NO_JOURNAL;
  const { key = (text: string) => text, alias } = options;
  // opened first: that refuses what is not a joblog, and drops a torn last row
  const log = Joblog.open(flags.joblog, warn, options.format);
  try {
    // read before appending: what this run writes must not count as finished
    const resuming = flags.resume === true || flags.resumeFailed === true;
    const finished = resuming ? finishedInJoblog(flags.joblog, flags.resumeFailed === true, key) : undefined;
    const takeAlias = (input: string, index: number): boolean => {
      const other = alias?.(input, index);
      return other !== undefined && other !== key(input) && finished!.take(other);
    };
    return {
      skip: finished && finished.size > 0 ? (input, index) => finished.size > 0 && (finished.take(key(input)) || takeAlias(input, index)) : undefined,
      record: (records) => log.write(records),
      close: () => log.close(),
    };
  } catch (error) {
    log.close();
    throw error;
  }
}
