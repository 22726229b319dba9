import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Blame } from '../model/executor.js';
import { type TakenJob, WorkerQueue } from './bullmq.js';
import { HEARTBEAT_MS, PRODUCER_SILENCE_MS } from './queue-timings.js';
import { BundleCache, bundleDir, packagesDirOf } from './bundle-cache.js';
import { ProducerWatch } from './producer-watch.js';
import { sayOutages } from './outage-notice.js';
import { shownUrl } from './queue-url.js';
import { AHEAD_UNDER_MS, TakeAhead } from './take-ahead.js';
import { inline, shellLanes, workerPool } from './executors.js';
import { type LocalPoolOptions, RunPool } from './run-pool.js';
import { lostFields } from './lost-blame.js';
import { verify } from './sign.js';
import { slicePayload } from '../model/payload.js';
import { shiftRun } from '../model/run.js';
import { payloadOf, type Report, type RunSpec, WIRE } from './wire.js';
import { PrunError } from '../errors.js';

export interface ServeOptions extends LocalPoolOptions {
  url: string;
  secret: string | undefined;
}

/**
 * A script's packages resolve from where its worker keeps the scripts (bundleDir: the
 * node_modules nearest the folder it was started in), not the producer's: a package missing
 * there says where it is looked for (was: only the module's own words; then the folder it was
 * started in, which may have had no node_modules when it started, and so was not the one).
 */
function withFolderHint(message: string, scriptsDir: string): string {
  if (!/Cannot find (package|module) '[^./]/.test(message)) return message;
  const modules = packagesDirOf(scriptsDir);
  const where = modules ? `resolves packages from ${modules}` : `found no node_modules in ${process.cwd()} or above when it started: install the packages there and start it again`;
  return `${message} (this worker ${where})`;
}

/** How long a leaving worker waits for Redis to hear that it serves no run any more. */
const LEAVE_MS = 500;

/** How long a run's pool may sit idle before the worker asks whether the run is still on. */
const IDLE_CHECK_MS = 2000;

/** How often, at most, a slot of a halting run asks whether the producer has heard its last batch end. */
const HEARD_POLL_MAX_MS = 50;

/** How often a batch waiting on a silent producer asks whether it beat again. */
const SILENCE_POLL_MS = HEARTBEAT_MS / 4;

/** A run this worker serves. */
interface Served {
  pool: Promise<RunPool | Report>;
  /** It has a --halt condition: a batch starts only once the producer has heard the last one here end. */
  halting: boolean;
  /** The delivery of the last batch of it whose end this worker reported. */
  lastEnded: string | undefined;
  /** Whether its producer is still there. */
  producer: ProducerWatch;
  /** A question to Redis about it is on its way: the next waits. */
  asking: boolean;
}

/** `prun worker` at work: serves the batches of any run on the queue until handed back or killed. */
export interface Serving {
  /** Takes no more batches, puts the ones it holds back on the queue, ends the pools. */
  handBack(): Promise<void>;
  /** Ends everything at once. */
  kill(): Promise<void>;
}

/**
 * Serves the queue: each job is a batch of some run; the run's spec and script are fetched
 * once, checked (signature, hash), and the batch runs in that run's local pool. Results go
 * back to the producer as they come; the job completes once they are all sent.
 */
export function serve(options: ServeOptions): Serving {
  const queue = new WorkerQueue(options.url);
  const scriptsDir = bundleDir();
  const bundles = new BundleCache(scriptsDir);
  const runs = new Map<string, Served>();
  const me = `${hostname()}:${process.pid}`;
  let leaving = false;
  const sayNoMoreOutages = sayOutages(queue.health, shownUrl(options.url), 'prun worker', 'waiting for it', options.notice ?? (() => {}));

  /** Reports on their way to Redis: a worker handing its batches back lets them land first. */
  const sending = new Set<Promise<boolean>>();
  const send = (run: string, report: Report): Promise<boolean> => {
    const sent = queue.report(run, report).catch(() => false);
    sending.add(sent);
    void sent.then(() => sending.delete(sent));
    return sent;
  };
  const refused = (code: string, message: string): Report => ({ type: 'refused', code, message: `${me}: ${withFolderHint(message, scriptsDir)}`, worker: me });
  // a lane per worker and task slot; one batch more per worker while batches are quick
  const takeAhead = new TakeAhead(options.workers * options.concurrency, options.workers, (jobs) => queue.setConcurrency(jobs));

  /** Says that this worker serves the run, once it has accepted it. */
  const beat = (run: string, pending: Promise<RunPool | Report>): void => {
    void pending.then((pool) => {
      if (pool instanceof RunPool) void queue.heartbeat(run, me).catch(() => {});
    });
  };

  const serving = (run: string, spec: RunSpec): Served => {
    let each = runs.get(run);
    if (!each) {
      const pool = (async () => {
        if (spec.wire !== WIRE) return refused('ERR_QUEUE', `speaks ${WIRE}, the run ${String(spec.wire)}`);
        if (!verify(spec, options.secret)) {
          const why = spec.signature === undefined ? 'this worker has PRUN_QUEUE_SECRET set and the producer has none' : "PRUN_QUEUE_SECRET differs from the producer's, or the run was changed in Redis";
          return refused('ERR_QUEUE', `bad signature: ${why}`);
        }
        // no batch ahead of a running one: each asks whether the run is still on right before
        // it starts (mayStart), which one given ahead to a busy slot could not; a stop the
        // producer makes (Ctrl-C, --halt) reaches every batch held here
        const ahead = { ahead: false };
        if (spec.kind === 'exec') {
          // a command this worker cannot read is refused, as a script it cannot load (was: the
          // worker died of it, with a stack trace, and every run it served with it)
          try {
            return new RunPool(await shellLanes(spec, options), ahead);
          } catch (error) {
            if (!(error instanceof PrunError)) throw error;
            return refused(error.code, error.message);
          }
        }
        const path = await bundles.path(spec.bundle, () => queue.bundle(run));
        if (path === undefined) return refused('ERR_SCRIPT', 'the script is not on the queue or does not match its hash');
        return new RunPool(workerPool(spec, options, path), ahead);
      })();
      // the run's progress bar counts this worker from its first batch on
      beat(run, pool);
      each = { pool, halting: spec.halting === true, lastEnded: undefined, producer: new ProducerWatch(), asking: false };
      runs.set(run, each);
    }
    return each;
  };

  /**
   * Whether a batch of the run may start now, asked right before it would: not once the run
   * stops or is over (a worker holds batches ahead, which must not start once nobody waits
   * for them). A halting run's batch waits first until the producer has heard the end of the
   * last batch this worker ran of it: that end may be what halts the run. Any batch waits
   * while the producer is silent (PRODUCER_SILENCE_MS): it may have given up on the run.
   */
  const mayStart = async (run: string, pool: RunPool, served: Served): Promise<boolean> => {
    for (let waitMs = 1; ; waitMs = Math.min(2 * waitMs, HEARD_POLL_MAX_MS)) {
      if (leaving) return false;
      const { state, abortRunning, heard, silentMs, answered } = await queue.runState(run, me);
      // running inputs finish (or are asked to stop: Ctrl-C), none starts; those held here are reported never run
      if (state === 'stopping') pool.stop(abortRunning);
      if (state !== 'on') return false;
      if (!answered || silentMs > PRODUCER_SILENCE_MS) {
        // until it beats again, or the run is ended for its silence (watchProducer)
        await new Promise((resolve) => setTimeout(resolve, SILENCE_POLL_MS));
        continue;
      }
      // read afresh: another slot may have ended a batch meanwhile, whose end is to be heard too
      if (!served.halting || served.lastEnded === undefined || heard === served.lastEnded) return true;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  };

  const runJob = async ({ data, takes, stalls, sent, started }: TakenJob): Promise<void> => {
    // a run's spec is read once, with its first batch here
    let served = runs.get(data.run);
    if (!served) {
      const spec = await queue.spec(data.run);
      if (!spec) return; // the run is over, its producer gone: nothing to run it for
      served = serving(data.run, spec);
    }
    const pool = await served.pool;
    const delivery = randomBytes(6).toString('hex');
    const batch = data.batch;
    // a take after another runs from where that one's reports end (a hand-back, a machine that
    // died): positions stay the batch's
    let skip = data.skip ?? 0;
    if (takes > 1) skip = Math.max(skip, (await queue.marks(data.run, batch).catch(() => ({ done: 0 }))).done);
    if (skip >= data.count) return; // every input reported: a take of a batch that is over
    sent(skip);
    // its machine died (or froze) as it ran it, or the producer has it run alone to find a
    // culprit: it runs one input at a time with nothing beside it, so that the next death names one
    const alone = stalls > 0 || data.isolated;
    const attempt = data.attempt + takes - 1;
    const start: Report = { type: 'start', batch, delivery, attempt, worker: me, ...(skip > 0 ? { from: skip } : {}), ...(alone ? { alone: true as const } : {}) };
    if (!(pool instanceof RunPool)) {
      // refused, and the batch taken never ran here: said after the refusal, which stops the
      // run, so that the producer, which lets the inputs running elsewhere end, does not wait
      // for it for ever (was: the job completed unreported, while the producer ended at once)
      await Promise.all([pool, start, { type: 'lost', batch, delivery, from: skip, none: true, worker: me } as const].map((report) => send(data.run, report)));
      return;
    }
    // not waited for: it goes on the same connection as the batch's reports, so Redis has it first
    const reports: Promise<boolean>[] = [send(data.run, start)];
    // the batch's last report: a halting run's producer says when it has heard it (QueueExecutor)
    const ended = (report: Report): void => {
      served.lastEnded = delivery;
      reports.push(send(data.run, report));
    };

    /** Runs the inputs [from, to) of the batch; resolves with how they ended, once they have. */
    const runPart = async (from: number, to: number): Promise<Error | 'stopped' | 'ran' | 'lost' | 'dropped'> => {
      let settle!: (how: 'ran' | 'lost' | 'dropped') => void;
      const over = new Promise<'ran' | 'lost' | 'dropped'>((resolve) => (settle = resolve));
      const failure = await pool.submit(
        {
          first: data.first + from,
          count: to - from,
          payload: from > 0 || to < data.count ? slicePayload(payloadOf(data), from, to, data.separator) : payloadOf(data),
          separator: data.separator,
          attempt,
          retried: 0, // the producer keeps count of retries
          isolated: alone,
          fresh: data.fresh,
          origin: undefined,
        },
        {
          run(offset, run, last, elapsedMs) {
            if (leaving) return;
            // the pool ran the part [from, to) as a batch of its own: its failures are named by their place in that part
            const report: Report = { type: 'run', batch, delivery, from: from + offset, last: last && to === data.count, elapsedMs, run: inline(shiftRun(run, from)), worker: me, first: data.first };
            sent(from + offset + run.count);
            if (report.last) {
              takeAhead.ended(elapsedMs);
              ended(report);
            } else reports.push(send(data.run, report));
            if (last) settle('ran');
          },
          lost(offset, blame: Blame) {
            if (leaving) return;
            ended({ type: 'lost', batch, delivery, from: from + offset, ...lostFields(blame), worker: me });
            settle('lost');
          },
          // its job completes, and BullMQ removes it
          dropped: () => settle('dropped'),
        },
        () => mayStart(data.run, pool, served),
        alone,
      );
      if (failure) return failure;
      started();
      return await over;
    };

    /** Where the batch's inputs stopped being started: the first of them that never ran. */
    let next = skip;
    const runAlone = async (): Promise<Error | 'stopped' | 'ran' | 'lost' | 'dropped'> => {
      for (; ; next++) {
        // said before it starts, so that if this machine dies now this input is known to have done it
        if (!(await queue.startsAlone(data.run, batch, delivery, next).catch(() => true))) return 'dropped';
        const how = await runPart(next, next + 1);
        if (how !== 'ran' || next + 1 === data.count) return how;
      }
    };

    const how = alone ? await pool.alone(runAlone) : await runPart(skip, data.count);
    // the run stopped, or is over, before the batch (or the rest of it) could start: it never ran, as the producer hears
    if (how === 'stopped') {
      // leaving: the job goes back to the queue; ended here first, BullMQ would complete and
      // remove it, and its batch, reported by nobody, would be lost
      if (leaving) await new Promise(() => {});
      ended({ type: 'lost', batch, delivery, from: next, none: true, worker: me });
    } else if (how instanceof Error) {
      // the batch never ran here, as a refused run's (see above)
      reports.push(send(data.run, refused((how as { code?: string }).code ?? 'ERR_QUEUE', how.message)));
      ended({ type: 'lost', batch, delivery, from: next, none: true, worker: me });
    }
    await Promise.all(reports);
  };

  // a worker with nothing to run for a while forgets how quick batches were (take-ahead.ts)
  let active = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const runCounted = async (job: TakenJob): Promise<void> => {
    active++;
    clearTimeout(idleTimer);
    try {
      await runJob(job);
    } finally {
      if (--active === 0) {
        idleTimer = setTimeout(() => takeAhead.idle(), AHEAD_UNDER_MS);
        idleTimer.unref();
      }
    }
  };
  queue.start({ concurrency: takeAhead.initial, process: runCounted });

  // a run's pool is ended once the run is over (its spec is gone from Redis): closed when idle,
  // killed when busy, so that what still runs of an interrupted or orphaned run stops too
  const sweeper = setInterval(() => {
    for (const [run, { pool: pending }] of runs) {
      void pending.then(async (pool) => {
        const busy = pool instanceof RunPool && !pool.idle;
        if (pool instanceof RunPool && !busy && Date.now() - pool.lastUsed < IDLE_CHECK_MS) return;
        if (pool instanceof RunPool && (await queue.runState(run, me)).state !== 'over') return;
        if (runs.get(run)?.pool !== pending) return;
        runs.delete(run);
        if (!(pool instanceof RunPool)) return;
        await (busy ? pool.drop() : pool.close());
      });
    }
  }, IDLE_CHECK_MS);

  // while it keeps a run's pool, the worker serves that run, and sees that its producer is still there
  const heartbeats = setInterval(() => {
    for (const [run, served] of runs) {
      beat(run, served.pool);
      void watchProducer(run, served);
    }
  }, HEARTBEAT_MS);

  /** A run whose producer has gone silent is ended: the sweeper then ends what runs of it here, as any worker's does. */
  const watchProducer = async (run: string, served: Served): Promise<void> => {
    if (served.asking) return;
    served.asking = true;
    const asked = Date.now();
    const { state, abortRunning, beat, answered } = await queue.runState(run, me);
    served.asking = false;
    // the producer stopped: heard within a beat even while no batch of it is about to start, so
    // that its Ctrl-C reaches the inputs running here as soon as a local run's would
    if (state === 'stopping') void served.pool.then((pool) => pool instanceof RunPool && pool.stop(abortRunning));
    if (!answered || state === 'over' || !served.producer.heard(beat, Date.now() - asked)) return;
    await queue.abandon(run, beat).catch(() => false);
  };

  const endPools = async (how: 'kill' | 'close') => {
    clearInterval(sweeper);
    clearInterval(heartbeats);
    const ids = [...runs.keys()];
    const all = await Promise.all([...runs.values()].map((each) => each.pool));
    runs.clear();
    // said at once so that progress bars stop counting it; with Redis away, the count lapses by itself
    const left = Promise.all(ids.map((run) => queue.leave(run, me).catch(() => {})));
    await Promise.all([
      ...all.map((pool) => (pool instanceof RunPool ? pool[how]() : undefined)),
      Promise.race([left, new Promise((resolve) => setTimeout(resolve, LEAVE_MS).unref())]),
    ]);
  };

  return {
    async handBack() {
      leaving = true;
      // leaving, it waits for Redis no longer: no word that it does
      sayNoMoreOutages();
      // no input starts here any more, of a batch running either (was: the next inputs of a
      // running batch started while the batches were handed back, to run again elsewhere)
      for (const { pool } of runs.values()) void pool.then((each) => each instanceof RunPool && each.stop());
      // the next taker starts where these reports end: the producer must have them by then
      await Promise.all(sending);
      await queue.handBack();
      await endPools('kill');
      await queue.close();
    },
    async kill() {
      leaving = true;
      sayNoMoreOutages();
      await endPools('kill');
      await queue.close();
    },
  };
}
