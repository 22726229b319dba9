// The vocabulary shared by the runner, the cases and the report.

/** Something a contender needs on this machine; see peers.ts for how each is found or installed. */
export type Need = 'python' | 'joblib' | 'parallel' | 'xargs' | 'piscina' | 'prun' | 'hyperfine' | 'curl' | 'prun-key-rate';

/** How one run of a contender is wired: where its stdout goes, and whether this is the checked run. */
export interface RunIo {
  /** A file path for the checked warm-up run, `/dev/null` for the timed runs. */
  out: string;
  check: boolean;
}

export interface Contender {
  id: string;
  label: string;
  /** A short name for the ratio column headings when this contender is a floor. */
  short?: string;
  /** A shell command (run by `/bin/sh -c`) that must send its results to `io.out`. */
  command: (io: RunIo) => string;
  needs?: Need[];
  /** Inputs this contender really processes, when capped below the case's size (ratios are scaled). */
  inputs?: number;
  /** A reference run (e.g. start-up alone, for a slope): shown, but given no ratios. */
  reference?: boolean;
  note?: string;
}

/** What a checked run must have produced: a count and an order-independent checksum (see check.ts). */
export interface Expected {
  lines: number;
  sum: string;
  /** Compares line i of the output with line i of the expected output, to report input order. */
  lineAt?: (i: number) => string;
}

export interface CaseDef {
  name: string;
  title: string;
  /** Inputs per contender run; ratios are per input when a contender processes fewer. */
  inputs: number;
  /** Ids of the contenders whose medians the ratio columns divide by. */
  floors: string[];
  contenders: Contender[];
  /** The expected output of a contender (by default the same for all of them). */
  expected: (c: Contender) => Expected;
  /** Adds a column with the median per input, under this heading (e.g. "ms a job"). */
  perInputColumn?: string;
  /** Sample the process tree's memory during the timed runs. */
  memory?: boolean;
  /** At most this many timed runs, whatever BENCH_RUNS says (a case whose runs take minutes). */
  maxRuns?: number;
  /** A run may take this long at least, whatever BENCH_TIMEOUT_S says. */
  minTimeoutMs?: number;
  notes: string[];
  /** Replaces the default table (e.g. the memory case pairs rows by input size). */
  render?: (results: ContenderResult[]) => string[];
  /** Lines appended under the table, computed from the results. */
  summary?: (results: ContenderResult[]) => string[];
  /** Times the contenders that passed their check another way (startup uses hyperfine). */
  time?: (ok: Contender[]) => Promise<Map<string, number[]>>;
  /** Starts what the commands talk to (the crawl case's server) before the first run; ended by tearDown. */
  setUp?: () => Promise<void>;
  tearDown?: () => Promise<void>;
  /** Before every run of a contender, the checked one included (e.g. set the server's limit). */
  beforeRun?: (c: Contender) => Promise<void>;
  /** After every run: figures of the run kept with its sample (e.g. the 429s the server answered). */
  afterRun?: (c: Contender) => Promise<Record<string, number>>;
}

export interface Sample {
  ms: number;
  /** Peak over the run of the sum over the process tree, in kB. */
  rssKb?: number;
  pssKb?: number;
  load1: number;
  /** What the case's afterRun measured of this run. */
  extra?: Record<string, number>;
}

export type ContenderResult =
  | { contender: Contender; status: 'ok'; samples: Sample[]; ordered: boolean | undefined }
  | { contender: Contender; status: 'failed' | 'skipped'; reason: string };
