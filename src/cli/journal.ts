import type { JobRecord } from '../engine/delivery.js';
import { finishedInJoblog, Joblog, type JoblogFormat } from '../io/joblog.js';
import type { CommonFlags } from './common-options.js';

export interface Journal {
  skip: ((input: string, index: number) => boolean) | undefined;
  /** Appends rows: called by the writer of results once their output is written. */
  record: ((records: readonly JobRecord[]) => void) | undefined;
  close(): void;
}

export const NO_JOURNAL: Journal = { skip: undefined, record: undefined, close() {} };

/** --joblog, --resume and --resume-failed, wired for a run. */
export function openJournal(flags: CommonFlags, format: JoblogFormat = 'prun'): Journal {
  if (!flags.joblog) return NO_JOURNAL;
  const resuming = flags.resume === true || flags.resumeFailed === true;
  // opened first: that refuses what is not a joblog, and drops a torn last row
  const log = Joblog.open(flags.joblog, (line) => void process.stderr.write(`${line}\n`), format);
  try {
    // read before appending: what this run writes must not count as finished
    const finished = resuming ? finishedInJoblog(flags.joblog, flags.resumeFailed === true) : undefined;
    return {
      skip: finished && finished.size > 0 ? (_input, index) => finished.has(index) : undefined,
      record: (records) => log.write(records),
      close: () => log.close(),
    };
  } catch (error) {
    log.close();
    throw error;
  }
}
