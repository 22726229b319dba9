import type { JobRecord } from '../engine/delivery.js';
import { finishedInJoblog, Joblog } from '../io/joblog.js';
import type { CommonFlags } from './common-options.js';

export interface Journal {
  skip: ((index: number) => boolean) | undefined;
  journal: ((records: JobRecord[]) => void) | undefined;
  close(): void;
}

/** --joblog, --resume and --resume-failed, wired for a run. */
export function openJournal(flags: CommonFlags): Journal {
  if (!flags.joblog) return { skip: undefined, journal: undefined, close() {} };
  const resuming = flags.resume === true || flags.resumeFailed === true;
  // read before appending: what this run writes must not count as finished
  const finished = resuming ? finishedInJoblog(flags.joblog, flags.resumeFailed === true) : undefined;
  const log = Joblog.open(flags.joblog);
  return {
    skip: finished && finished.size > 0 ? (index) => finished.has(index) : undefined,
    journal: (records) => log.write(records),
    close: () => log.close(),
  };
}
