import type { Batch } from '../model/batch.js';
import type { TemplateOptions } from '../commands/template.js';
import type { ExecutorRun } from '../model/executor.js';
import type { Failure } from '../model/failure.js';
import type { ResultFormat } from '../runtime/protocol.js';
import type { Payload, Separator } from '../model/payload.js';

/**
 * What travels through Redis between a producer (`--queue`) and `prun worker`s: plain JSON,
 * so that either side can be another version of prun and still fail cleanly.
 */
export const WIRE = 'prun-queue/10';

/** What every batch of a run is run with; stored once per run, signed when there is a secret. */
export interface RunSpec {
  wire: typeof WIRE;
  /** A script's default export on each input, or a shell command per input (exec). */
  kind: 'map' | 'exec';
  /** map: sha256 of the compiled bundle, which workers check and cache it by; exec: ''. */
  bundle: string;
  /**
   * map: the script as the producer was given it, which a worker's load errors name (was: the
   * path of the worker's cached copy, `imported from /tmp/prun-queue-0/<hash>.mjs`).
   */
  scriptName?: string;
  /** exec: the command template, its --tag/--tagstring template and its retries. */
  command?: string;
  tag?: string;
  retries?: number;
  /**
   * exec: how the command reads (--plus, --rpl, -X/-N context, -q, --header's names), the
   * command as the user wrote it (shown by -v), and its run options that mean the same on any
   * machine (was: left out, so a worker ran `-X`, `-q` and `--wd` commands as plain ones and
   * refused `--plus`'s strings by dying).
   */
  template?: TemplateOptions;
  shownCommand?: string;
  showCommands?: boolean;
  workdir?: string;
  delayMs?: number;
  format: ResultFormat;
  timeoutMs: number | undefined;
  timings: boolean;
  /**
   * The run has a --halt condition: each of a worker's slots starts its next batch only once
   * the producer has heard how its last one ended (and has stopped the run, if that ended it),
   * as a local pool gives a slot its next input only once it has seen the last one end.
   */
  halting?: boolean;
  /** HMAC-SHA256 of the rest, hex; absent without PRUN_QUEUE_SECRET. */
  signature?: string;
}

/** A job's data: one batch of one run. */
export interface JobData {
  run: string;
  batch: number; // the producer's batch id
  first: number;
  count: number;
  attempt: number;
  isolated: boolean;
  fresh: boolean;
  separator: Separator;
  /** base64 of the bytes, or the inputs themselves. */
  bytes?: string;
  /** Inputs that are values (an iterable's, `:::`'s), carried as JSON. */
  items?: unknown[];
  /**
   * The first inputs of the batch whose results a worker handing the batch back had sent:
   * the next take runs the batch from there (the producer has them already).
   */
  skip?: number;
}

/** What a worker sends back on the run's result list. */
export type Report =
  /**
   * A worker took the batch; `delivery` tells this take from another of the same job, and
   * `attempt` is what its inputs start as: a job taken again (its machine died, it was handed
   * back) counts each take, as every start is counted. `from`: where in the batch this take
   * starts (a take of a batch handed back after some of it had reported; absent: 0).
   * `alone`: a take after the job's machine died (or froze), which runs the batch one input
   * at a time: if its machine dies too, the input it was running is the one to blame.
   */
  | { type: 'start'; batch: number; delivery: string; attempt: number; worker: string; from?: number; alone?: true }
  /**
   * Results of the batch's inputs from `from` on. `first`: the batch's first input, so that a
   * report the producer no longer waits for (a take that was not the latest) still names its
   * inputs; absent from a worker of before.
   */
  | { type: 'run'; batch: number; delivery: string; from: number; last: boolean; elapsedMs: number; run: ExecutorRun; worker: string; first?: number }
  | LostReport
  /** The run cannot run on this worker at all: a bad signature, a script that does not load. */
  | { type: 'refused'; code: string; message: string; worker: string };

/**
 * The worker running the batch died: `finished` inputs from `from` on had finished, their
 * results lost with it; past them, `culprit` the next input is to blame, `none` the rest never
 * ran, `unbegun` the worker died of that before it began the batch, `suspect` the next input
 * may have done it and the rest never began; else any may be.
 * `durationMs`: how long the culprit ran, when its worker knew (not when: clocks differ).
 */
export interface LostReport {
  type: 'lost';
  batch: number;
  delivery: string;
  from: number;
  finished?: number;
  culprit?: Failure;
  durationMs?: number;
  none?: true;
  suspect?: true;
  unbegun?: Failure;
  worker: string;
}

export function jobDataOf(run: string, batch: Batch): JobData {
  const { id, first, count, attempt, isolated, fresh, separator, payload } = batch;
  const data: JobData = { run, batch: id, first, count, attempt, isolated, fresh, separator };
  if (payload instanceof Uint8Array) data.bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64');
  else data.items = payload;
  return data;
}

export function payloadOf(data: JobData): Payload {
  return data.items ?? new Uint8Array(Buffer.from(data.bytes ?? '', 'base64'));
}

/** Job ids may not hold ':' nor be all digits (BullMQ). */
export function jobIdOf(run: string, batch: number): string {
  return `${run}-${batch}`;
}

/** The keys of a run, beside BullMQ's own. */
export const keys = {
  spec: (run: string) => `prun:run:${run}`,
  results: (run: string) => `prun:results:${run}`,
  /**
   * The run's own copy of its script, even when another run has the same one: a key shared by
   * runs of one script was deleted by the first of them to end, under the others' feet.
   */
  bundle: (run: string) => `prun:bundle:${run}`,
  /** Who serves the run: a sorted set of workers by their last heartbeat (Redis's clock, ms). */
  serving: (run: string) => `prun:serving:${run}`,
  /**
   * What the producer tells the run's workers, a hash: `stopping` once the run stops (a --halt,
   * Ctrl-C), after which no batch of it starts; and for a halting run, under `heard:<worker>`,
   * the delivery of the last batch of that worker whose end the producer has taken in.
   */
  control: (run: string) => `prun:control:${run}`,
  /**
   * Each batch's marks, a hash kept by its takes' reports (bullmq.ts, REPORT_SCRIPT):
   * `<batch>:take`, `<batch>:done` (how many of its inputs reported, or `over`) and
   * `<batch>:alone`. A take after a machine died starts where `done` says, rather than running
   * again what was reported.
   */
  progress: (run: string) => `prun:progress:${run}`,
};

/**
 * Every key of a run beside its jobs: what its end deletes, its producer keeps alive, and a
 * worker that finds its producer gone deletes. Its spec first, its control hash second.
 */
export function runKeysOf(run: string): [spec: string, control: string, ...rest: string[]] {
  return [keys.spec(run), keys.control(run), keys.results(run), keys.bundle(run), keys.serving(run), keys.progress(run)];
}

/** The queue every run's batches go to: workers serve any run. */
export const QUEUE_NAME = 'batches';
export const QUEUE_PREFIX = 'prun';
