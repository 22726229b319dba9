import { Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { PrunError } from '../errors.js';
import { refusal } from './refusal.js';
import { LOCK_DURATION_MS, MAX_STALLED_COUNT, PRODUCER_SILENCE_MS, RUN_TTL_MS, SERVING_WINDOW_MS, STALLED_INTERVAL_MS } from './queue-timings.js';
import { shownUrl } from './queue-url.js';
import { type Marks, marksOf, PRUN_COMMANDS } from './redis-scripts.js';
import { type JobData, jobIdOf, keys, QUEUE_NAME, QUEUE_PREFIX, type Report, runKeysOf, type RunSpec } from './wire.js';

/**
 * The only module that knows BullMQ and ioredis, and loaded only with --queue or by
 * `prun worker` (dynamic import), so that local runs start as fast as before: the producer's
 * side of the queue and the worker's, on connections that are watched.
 */

/** How long BullMQ's Queue may take to close once its connections are dropped. */
const QUEUE_CLOSE_MS = 1000;

/** How long a first connection may take before the URL is called unreachable. */
const CONNECT_TIMEOUT_MS = 3000;

type ReportingRedis = Redis & {
  prunReport(spec: string, results: string, progress: string, report: string, batch: string, take: string, op: string, value: string): Promise<number>;
  prunControl(spec: string, control: string, ...fieldsAndValues: string[]): Promise<number>;
  prunBeat(spec: string, control: string, beat: string, lastAt: string, sinceHeardMs: number, staleMs: number): Promise<number>;
  prunWithdraw(lock: string, wait: string, active: string, job: string, id: string): Promise<number>;
  prunHeartbeat(spec: string, serving: string, worker: string): Promise<number>;
  prunServing(serving: string, windowMs: number): Promise<number>;
  prunUndoTake(lock: string, job: string, token: string): Promise<number>;
  prunAbandon(spec: string, control: string, ...rest: string[]): Promise<number>;
};

/** Who watches the connection: how long it has been down, and why. */
export interface Health {
  /** Since when (ms, Date.now()) no connection is up, or Redis has not answered; undefined while it does. */
  downSince(): number | undefined;
  cause(): string;
}

/**
 * How often the producer asks Redis to answer, and how long an answer may take before Redis
 * counts as away: a Redis that hangs (stopped, a network that drops packets) closes nothing,
 * and the run would wait on it for ever instead of ending at the outage limit.
 */
const PING_EVERY_MS = 1000;
const PING_PATIENCE_MS = 5000;

function connect(url: string, blocking: boolean): ReportingRedis {
  const redis = new Redis(url, {
    // BullMQ's workers need it; our own commands wait out an outage rather than fail
    maxRetriesPerRequest: null,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 1000),
    enableReadyCheck: !blocking,
  }) as ReportingRedis;
  for (const [name, command] of Object.entries(PRUN_COMMANDS)) redis.defineCommand(name, command);
  return redis;
}

function watch(connections: Redis[], pinged?: Redis): Health & { stop(): void } {
  let downSince: number | undefined;
  let cause = 'connection closed';
  // when the oldest PING not answered yet was sent
  let unanswered: number | undefined;
  // since when the connection has not been ready: a Redis that hangs as it is connected to
  // answers nothing, its ready check included, and no PING goes (was: a worker that connected
  // just as its Redis hung said nothing of it: a review)
  let notReady: number | undefined;
  const pings =
    pinged &&
    setInterval(() => {
      if (pinged.status !== 'ready') {
        notReady ??= Date.now();
        return;
      }
      notReady = undefined;
      if (unanswered !== undefined) return;
      unanswered = Date.now();
      const answered = (): void => void (unanswered = undefined);
      pinged.ping().then(answered, answered);
    }, PING_EVERY_MS).unref();
  /** Since when Redis has said nothing, if that is longer than the patience. */
  const silentSince = (): number | undefined => {
    const since = unanswered ?? notReady;
    return since !== undefined && Date.now() - since > PING_PATIENCE_MS ? since : undefined;
  };
  for (const redis of connections) {
    redis.on('error', (error: Error) => {
      cause = error.message || (error as { code?: string }).code || String(error);
      downSince ??= Date.now();
    });
    redis.on('close', () => {
      downSince ??= Date.now();
    });
    redis.on('ready', () => {
      if (connections.every((each) => each.status === 'ready')) downSince = undefined;
    });
  }
  return {
    downSince: () => downSince ?? silentSince(),
    cause: () => {
      const silent = downSince === undefined ? silentSince() : undefined;
      return silent === undefined ? cause : `no answer for ${Math.round((Date.now() - silent) / 1000)} s`;
    },
    stop: () => clearInterval(pings),
  };
}

async function marks(redis: Redis, run: string, batch: number): Promise<Marks> {
  const [done, alone] = await redis.hmget(keys.progress(run), `${batch}:done`, `${batch}:alone`);
  return { done: done === 'over' ? Number.POSITIVE_INFINITY : Number(done ?? 0), alone: alone === null ? undefined : Number(alone) };
}

/** `worker` serves `run` now. */
async function heartbeat(redis: ReportingRedis, run: string, worker: string): Promise<void> {
  await redis.prunHeartbeat(keys.spec(run), keys.serving(run), worker);
}

/**
 * How long the first answer may take. A Redis that accepts the connection and never answers
 * (stopped with SIGSTOP: the kernel still accepts; a port that is not Redis) made prun wait
 * for ever before any input ran, where a run already going ends after the outage limit.
 */
export const PROBE_TIMEOUT_MS = 10_000;

/**
 * One PING with no retries: nothing listening is a clear error within seconds, not a wait.
 * The URL's database is selected as the connection opens, and ioredis only emits an error
 * when it does not exist (`/99`: 'ERR DB index is out of range'), then goes on in database 0:
 * that error counts too.
 */
export async function probe(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 0, connectTimeout: CONNECT_TIMEOUT_MS, retryStrategy: () => null, lazyConnect: true });
  let refused: Error | undefined;
  redis.on('error', (error: Error) => void (refused ??= error));
  try {
    // the connection's ready check (INFO) waits as a PING does: the deadline covers both
    const answered = (async () => {
      await redis.connect();
      await redis.ping();
    })();
    await answerWithin(answered, timeoutMs, (said) => new Error(said));
    if (refused) throw refused;
  } catch (error) {
    // the first error says why (WRONGPASS, NOAUTH); what the failed command says after it
    // is only that the connection closed
    throw new PrunError('ERR_QUEUE', `cannot reach the queue at ${shownUrl(url)}: ${probeCause(refused ?? (error as Error), url)}`);
  } finally {
    redis.disconnect();
  }
}

/** What Redis's `work` answers, or `late('no answer in N s')` once `ms` have passed without it. */
async function answerWithin<T>(work: Promise<T>, ms: number, late: (said: string) => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(late(`no answer in ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([work, silent]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Why the probe failed, in the user's terms. ioredis's own words fit a Redis that refuses;
 * not a port where something else answers ('Protocol error, got "H" as reply type byte.
 * Please report this.', from its parser), nor TLS to a plain Redis, which never answers the
 * handshake (connect ETIMEDOUT).
 */
function probeCause(error: Error, url: string): string {
  const said = error.message || String(error);
  if (error.name === 'ParserError' || said.startsWith('Protocol error')) return 'what answers there does not speak Redis\'s protocol (is the port a Redis server?)';
  if (url.startsWith('rediss:') && /ETIMEDOUT/.test(said)) return `${said} (no answer to the TLS handshake: a Redis without TLS is redis://)`;
  // a Redis that wants TLS resets a connection that starts in plain text
  if (url.startsWith('redis:') && /ECONNRESET/.test(said)) return `${said} (a Redis that wants TLS is rediss://)`;
  return said;
}

/** A job this worker holds: its lock's token, how many of its inputs had their results sent, whether any started. */
interface Held {
  token: string;
  sent: number;
  started: boolean;
}

/**
 * A job back on the queue, to run from its first input whose result was not sent. `undo`:
 * this take started none of it, and is not counted (its inputs' next start is the attempt
 * this one would have been).
 */
async function putBack(redis: ReportingRedis, job: Job<JobData>, { token, sent }: Held, undo: boolean): Promise<void> {
  if (undo) await redis.prunUndoTake(`${job.queueQualifiedName}:${job.id}:lock`, `${job.queueQualifiedName}:${job.id}`, token);
  if (sent > (job.data.skip ?? 0)) await job.updateData({ ...job.data, skip: sent });
  await job.moveToWait(token);
}

/** The producer's side of the queue. */
export class ProducerQueue {
  readonly health: Health & { stop(): void };
  private readonly redis: ReportingRedis;
  private readonly blocking: ReportingRedis;
  private readonly queue: Queue;
  /**
   * When each run's last beat came, by Redis's clock, and when its answer was heard here
   * (performance.now()): the next beat is stale if it comes much later than it was sent.
   */
  private readonly beatsAt = new Map<string, { at: number; heard: number }>();

  /** The URL as messages show it, without a password. */
  readonly url: string;
  /** Closed by the run, with why Redis was away then: a command that fails now failed of that. */
  private closedAway: string | undefined;

  constructor(url: string) {
    this.url = shownUrl(url);
    this.redis = connect(url, false);
    this.blocking = connect(url, true);
    this.health = watch([this.redis, this.blocking], this.redis);
    this.queue = new Queue(QUEUE_NAME, { connection: this.redis, prefix: QUEUE_PREFIX });
    this.queue.on('error', () => {}); // the connection's own watcher reports it
  }

  /**
   * 'noeviction' or what Redis has instead: another policy may evict jobs (bullmq#1046). Asked
   * before the run starts, so within the probe's deadline: a Redis that hung just after the
   * probe held the producer for ever, silent (a review).
   */
  async evictionPolicy(): Promise<string> {
    const asked = this.redis.config('GET', 'maxmemory-policy').catch(() => []) as Promise<string[]>;
    const reply = await answerWithin(asked, PROBE_TIMEOUT_MS, (said) => new PrunError('ERR_QUEUE', `cannot reach the queue at ${this.url}: ${said}`));
    return reply[1] ?? 'noeviction';
  }

  async publish(run: string, spec: RunSpec, bundle: string | undefined): Promise<void> {
    const multi = this.redis.multi() as ReturnType<Redis['multi']> & Pick<ReportingRedis, 'prunBeat'>;
    if (bundle !== undefined) multi.set(keys.bundle(run), bundle, 'PX', RUN_TTL_MS);
    multi.set(keys.spec(run), JSON.stringify(spec), 'PX', RUN_TTL_MS);
    // its first beat, with it: a producer's silence counts from here (was: from nothing, so a
    // producer that lost Redis before its first beat had its workers start on at once)
    multi.prunBeat(keys.spec(run), keys.control(run), '0', '', 0, PRODUCER_SILENCE_MS);
    // a Redis that refuses it (out of memory under noeviction): one line, nothing ran (was: a
    // stack trace). One that hung until the run gave up on it and closed the connection: lost
    const replies = await multi.exec().catch((error: unknown) => {
      if (this.closedAway !== undefined) throw new PrunError('ERR_QUEUE_LOST', `lost the queue at ${this.url}: ${this.closedAway}`);
      throw new PrunError('ERR_QUEUE', `the queue at ${this.url} refused the run: ${refusal(error)}`);
    });
    this.beatCame(run, replies?.at(-1)?.[1]);
  }

  /**
   * The run stops (a --halt, Ctrl-C): its workers start none of its batches any more, and
   * report those they hold as never run, as a local pool does with what it holds at a stop;
   * with `abortRunning` (Ctrl-C) they ask their running inputs to stop too.
   */
  async stopRun(run: string, abortRunning: boolean): Promise<void> {
    await this.redis.prunControl(keys.spec(run), keys.control(run), 'stopping', abortRunning ? ABORT_RUNNING : '1');
  }

  /**
   * Tells a halting run's workers that the producer has taken in the end of these batches
   * (worker -> delivery): a slot of theirs waits for it before it starts another. Sent on
   * the connection a stop is sent on, after it: a worker that reads this reads the stop too.
   */
  async heard(run: string, ends: Map<string, string>): Promise<void> {
    if (ends.size === 0) return;
    await this.redis.prunControl(keys.spec(run), keys.control(run), ...[...ends].flatMap(([worker, delivery]) => [`heard:${worker}`, delivery]));
  }

  /**
   * Says that the producer is alive: its run's workers start nothing while it has not said
   * so for a while, and end a run whose producer stays silent (ProducerWatch). A beat that
   * comes long after the one before it was answered changes nothing (redis-scripts.ts).
   */
  async beat(run: string, count: number): Promise<void> {
    const last = this.beatsAt.get(run);
    const sinceHeard = last === undefined ? 0 : Math.round(performance.now() - last.heard);
    this.beatCame(run, await this.redis.prunBeat(keys.spec(run), keys.control(run), String(count), String(last?.at ?? ''), sinceHeard, PRODUCER_SILENCE_MS));
  }

  /** A beat of the run came at `at` (Redis's ms), as its script says; 0 (the run is gone) or no answer changes nothing. */
  private beatCame(run: string, at: unknown): void {
    if (typeof at === 'number' && at > 0) this.beatsAt.set(run, { at, heard: performance.now() });
  }

  /**
   * Keeps the run's keys from expiring, and the jobs of its batches still out; false when its
   * spec is gone (Redis lost or evicted it).
   */
  async refresh(run: string, batches: Iterable<number>): Promise<boolean> {
    const multi = this.redis.multi();
    for (const key of runKeysOf(run)) multi.pexpire(key, RUN_TTL_MS);
    for (const batch of batches) multi.pexpire(this.queue.toKey(jobIdOf(run, batch)), RUN_TTL_MS);
    const replies = await multi.exec();
    // the spec's reply comes first
    return replies?.[0]?.[1] !== 0;
  }

  /** The producer's own workers serve the run (--procs N with --queue). */
  heartbeat(run: string, worker: string): Promise<void> {
    return heartbeat(this.redis, run, worker);
  }

  /** How many workers serve the run now: those heard of lately. */
  async serving(run: string): Promise<number> {
    return this.redis.prunServing(keys.serving(run), SERVING_WINDOW_MS);
  }

  /**
   * A job's data expires with its run's keys unless the producer refreshes it: a killed
   * producer's jobs that no worker takes are gone after RUN_TTL_MS (was: kept for ever). A
   * worker that takes one of those later finds no run in it, and drops it (WorkerQueue).
   */
  async add(data: JobData): Promise<void> {
    const id = jobIdOf(data.run, data.batch);
    const job = new Job<JobData>(this.queue, 'batch', data, { jobId: id, removeOnComplete: true, removeOnFail: { age: RUN_TTL_MS / 1000 } }, id);
    // the add and its TTL in one pipeline, as BullMQ's own addBulk queues its adds: written
    // together, a producer killed between them cannot leave a job that never expires
    // BullMQ's client is ioredis's, as the connection it was given (this.redis)
    const pipeline = ((await this.queue.backend.client) as unknown as Redis).pipeline();
    void job.addJob(pipeline as unknown as Parameters<Job['addJob']>[0]).catch(() => {});
    pipeline.pexpire(this.queue.toKey(id), RUN_TTL_MS);
    const replies = (await pipeline.exec()) ?? [];
    const [error, added] = replies[0] ?? [new Error('no reply to the add')];
    if (error) throw error;
    if (typeof added === 'number' && added < 0) throw new Error(`BullMQ refused the add of job ${id} (${added})`);
  }

  /** Reports of the run, waiting up to a second for the first; [] when none came. */
  async reports(run: string): Promise<Report[]> {
    const first = await this.blocking.blpop(keys.results(run), 1);
    if (!first) return [];
    const rest = (await this.blocking.lpop(keys.results(run), 1000)) ?? [];
    return [first[1], ...rest].map((text) => JSON.parse(text) as Report);
  }

  /** Of these batches, those whose job has failed (stalled too often), removed from the queue. */
  async failed(run: string, batches: number[]): Promise<number[]> {
    const states = await Promise.all(batches.map((batch) => this.queue.getJobState(jobIdOf(run, batch))));
    const failed = batches.filter((_, i) => states[i] === 'failed');
    await Promise.all(failed.map((batch) => this.queue.remove(jobIdOf(run, batch))));
    return failed;
  }

  /** How far the batch's latest take got, as its worker said. */
  marks(run: string, batch: number): Promise<Marks> {
    return marks(this.redis, run, batch);
  }

  /**
   * Takes a batch off the queue if no live worker holds it: then it is the producer's to run or
   * drop. Says how many takes of it count (a worker's that started it and died), undefined when
   * it was not taken off.
   */
  async withdraw(run: string, batch: number): Promise<number | undefined> {
    const id = jobIdOf(run, batch);
    const key = this.queue.toKey(id);
    const taken = await this.redis.prunWithdraw(`${key}:lock`, this.queue.keys.wait!, this.queue.keys.active!, key, id).catch(() => 0);
    if (taken === 0) return undefined;
    // in no list now, no worker can take it: its data goes
    await this.queue.remove(id).catch(() => 0);
    return taken - 1;
  }

  /**
   * Deletes every key of the run: its spec, its results, its bundle, and its jobs, those still
   * outstanding and those a stall delivered again after their results were in (a worker that
   * holds one now finds the run gone, drops it, and BullMQ removes it as it completes).
   */
  async end(run: string, batches: number[]): Promise<void> {
    const ids = new Set(batches.map((batch) => jobIdOf(run, batch)));
    const prefix = `${QUEUE_PREFIX}:${QUEUE_NAME}:`;
    for await (const found of this.redis.scanStream({ match: `${prefix}${run}-*`, count: 1000 })) {
      for (const key of found as string[]) ids.add(key.slice(prefix.length).split(':')[0]!);
    }
    this.beatsAt.delete(run);
    const all = [...ids];
    const removed = await Promise.all(all.map((id) => this.queue.remove(id).catch(() => 0)));
    await this.redis.del(...runKeysOf(run));
    // a job a worker held locked was not removed. The worker that fails it (a take of a job that
    // stalled too often, failed by BullMQ before it runs) once the spec is gone removes it itself
    // (WorkerQueue); one failed between the removes and the spec's end is removed now (was: left
    // in the queue's failed set for ever: a review)
    const held = all.filter((_, i) => removed[i] !== 1);
    await Promise.all(held.map((id) => this.queue.remove(id).catch(() => 0)));
  }

  /** Drops the connections at once: commands waiting out an outage fail, nothing hangs. */
  async close(): Promise<void> {
    this.closedAway = this.health.cause();
    this.health.stop();
    this.blocking.disconnect();
    this.redis.disconnect();
    // with Redis gone, BullMQ's close() may wait on a promise that nothing settles any more
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, QUEUE_CLOSE_MS);
      void this.queue.close().catch(() => {}).finally(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

export type RunState = 'on' | 'stopping' | 'over';
/**
 * The run's `stopping` field when its producer was stopped by Ctrl-C (or SIGTERM): the workers'
 * running inputs are asked to stop too (their ctx.signal aborts, a command gets SIGTERM), as a
 * local run's are (was: they ran on to their end, the producer waiting for them up to its grace).
 * Any other value stops the run as a halt does. A worker of before reads either as stopping.
 */
const ABORT_RUNNING = 'abort';

/** A job as the worker's processor sees it. */
export interface TakenJob {
  data: JobData;
  /** How many times the job has been taken, this take included (BullMQ's attemptsStarted). */
  takes: number;
  /** How many times a take of it lost its lock: its machine died, or froze (BullMQ's stalledCounter). */
  stalls: number;
  /**
   * The first `count` inputs of the batch have their results sent: handed back, the job is
   * run from there by the next worker (JobData.skip).
   */
  sent(count: number): void;
  /** Some of it was given to the pool to run: handed back, this take counts as a start. */
  started(): void;
}

export interface WorkerSideOptions {
  concurrency: number;
  process(job: TakenJob): Promise<void>;
}

/** The worker's side of the queue: takes jobs, reads specs and bundles, sends reports. */
export class WorkerQueue {
  readonly health: Health & { stop(): void };
  private readonly redis: ReportingRedis;
  private readonly workerConnection: Redis;
  private worker: Worker | undefined;
  /** The jobs being processed here: the lock's token, and how many of the batch's inputs were sent. */
  private readonly active = new Map<Job, Held>();
  /** Handing its jobs back: a job taken from now on goes back at once, its take not counted. */
  private leaving = false;
  /** Those put back, on their way: the connections stay open until they have landed. */
  private readonly lateTakes = new Set<Promise<void>>();

  constructor(readonly url: string) {
    this.redis = connect(url, false);
    this.workerConnection = connect(url, false);
    // pinged, as the producer's: a Redis that hangs (stopped, a network that drops packets)
    // closes nothing, and the worker said nothing of it (a review)
    this.health = watch([this.redis, this.workerConnection], this.redis);
  }

  start(options: WorkerSideOptions): void {
    this.worker = new Worker<JobData>(
      QUEUE_NAME,
      async (job, token) => {
        // a job whose data expired with its run (queue.add): nothing to run, and removed once completed
        if (job.data?.run === undefined) return;
        const held: Held = { token: token ?? '', sent: job.data.skip ?? 0, started: false };
        if (this.leaving) {
          const late = putBack(this.redis, job, held, true).catch(() => {});
          this.lateTakes.add(late);
          // never settled: completed, BullMQ would remove the job just put back; the worker is closed with force
          await new Promise(() => {});
        }
        this.active.set(job, held);
        try {
          await options.process({
            data: job.data,
            takes: Math.max(1, job.attemptsStarted),
            stalls: job.stalledCounter,
            sent: (count) => void (held.sent = count),
            started: () => void (held.started = true),
          });
        } finally {
          this.active.delete(job);
        }
      },
      {
        connection: this.workerConnection,
        prefix: QUEUE_PREFIX,
        concurrency: options.concurrency,
        lockDuration: LOCK_DURATION_MS,
        stalledInterval: STALLED_INTERVAL_MS,
        maxStalledCount: MAX_STALLED_COUNT,
      },
    );
    this.worker.on('error', () => {}); // the connection's own watcher reports it
    // a job that stalled too often is failed by the next worker to take it, without running it:
    // while its run is on, its producer finds it failed and removes it; once the run is over,
    // nobody would (was: its id kept in the queue's failed set for ever, past the run: a review)
    this.worker.on('failed', (job: Job<JobData> | undefined) => {
      if (!job) return;
      void this.runIsOver(job.data?.run)
        .then((over) => (over ? job.remove() : undefined))
        .catch(() => {});
    });
    // the job is over: no take of it comes any more, and its batch's `over` mark can go
    this.worker.on('completed', (job: Job<JobData>) => {
      // a job whose data expired (its producer was killed long ago): BullMQ took its id off the
      // queue and wrote a bare job in its place, without the options that remove it
      if (job.data?.run === undefined) void job.remove().catch(() => {});
      else void this.redis.hdel(keys.progress(job.data.run), `${job.data.batch}:done`).catch(() => 0);
    });
  }

  /** How many jobs this worker holds at once, from now on. */
  setConcurrency(jobs: number): void {
    if (this.worker) this.worker.concurrency = jobs;
  }

  async spec(run: string): Promise<RunSpec | undefined> {
    const text = await this.redis.get(keys.spec(run));
    return text === null ? undefined : (JSON.parse(text) as RunSpec);
  }

  /**
   * Whether the run is on (its spec is there), stopping (its producer starts no more inputs)
   * or over (its spec is gone: ended by its producer, or lapsed with it), and the delivery of
   * `worker`'s last batch whose end the producer has heard; with Redis away it may be on.
   * `silentMs`: how long since the producer's last beat, by Redis's clock (0 before its first).
   */
  async runState(run: string, worker: string): Promise<{ state: RunState; abortRunning: boolean; heard: string | undefined; beat: string | undefined; silentMs: number; answered: boolean }> {
    const replies = await this.redis
      .pipeline()
      .exists(keys.spec(run))
      .hmget(keys.control(run), 'stopping', `heard:${worker}`, 'beat', 'beatAt')
      .time()
      .exec()
      .catch(() => null);
    const [spec, control, time] = (replies ?? []).map(([error, reply]) => (error ? undefined : reply)) as [number | undefined, (string | null)[] | undefined, [string, string] | undefined];
    const state = spec === 0 ? 'over' : control?.[0] ? 'stopping' : 'on';
    const beatAt = control?.[3];
    const silentMs = beatAt && time ? Math.max(0, Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000) - Number(beatAt)) : 0;
    return { state, abortRunning: control?.[0] === ABORT_RUNNING, heard: control?.[1] ?? undefined, beat: control?.[2] ?? undefined, silentMs, answered: spec !== undefined && control !== undefined };
  }

  /** Ends the run, its producer gone since its beat was `beat`; false when it beat again meanwhile. */
  async abandon(run: string, beat: string | undefined): Promise<boolean> {
    return (await this.redis.prunAbandon(...runKeysOf(run), beat ?? '')) === 1;
  }

  /** The run's script, as its producer compiled it. */
  async bundle(run: string): Promise<string | undefined> {
    return (await this.redis.get(keys.bundle(run))) ?? undefined;
  }

  /** This worker serves `run` now. */
  heartbeat(run: string, worker: string): Promise<void> {
    return heartbeat(this.redis, run, worker);
  }

  /** This worker serves `run` no more (it is leaving): it stops counting at once. */
  async leave(run: string, worker: string): Promise<void> {
    await this.redis.zrem(keys.serving(run), worker);
  }

  /** False when the run is over (its producer ended or is gone): the report is dropped. */
  async report(run: string, report: Report): Promise<boolean> {
    return (await this.redis.prunReport(keys.spec(run), keys.results(run), keys.progress(run), JSON.stringify(report), ...marksOf(report))) === 1;
  }

  /** The take `delivery` of the batch, running alone, starts its input `at`; false when the run is over. */
  async startsAlone(run: string, batch: number, delivery: string, at: number): Promise<boolean> {
    return (await this.redis.prunReport(keys.spec(run), keys.results(run), keys.progress(run), '', String(batch), delivery, 'alone', String(at))) === 1;
  }

  /** How far the batch's latest take got, as its worker said. */
  marks(run: string, batch: number): Promise<Marks> {
    return marks(this.redis, run, batch);
  }

  /**
   * Takes no more jobs and puts the ones it holds back on the queue at once, each to be run
   * from its first input whose result was not sent (was: run whole again, the inputs already
   * reported started once more and the rest run a third time, as a batch of their own).
   */
  async handBack(): Promise<void> {
    if (!this.worker) return;
    this.leaving = true;
    await this.worker.pause(true);
    // a paused worker still takes the job its blocking wait was woken for (as bull#447): woken by
    // the jobs put back here, it took one of them again and held it until its lock lapsed, a
    // count of the take and one of a stall each time (two hand-backs failed the job as stalled
    // too often, and its inputs' next attempt was 3). Its wait ends first; a job taken anyway goes back too
    await this.worker.backend.disconnectBlocking(true).catch(() => {});
    // one held that never started is not counted as taken (was: its inputs' first start said
    // attempt 2). One of a run that is over (its producer ended and deleted its keys) goes, as
    // a job is when it completes: put back, it would wait with no producer for ever (was: left
    // in Redis, a review: a producer that ended after its grace, with an input here that
    // ignored its signal, then this worker stopped)
    await Promise.all([...this.active].map(async ([job, held]) => {
      const over = await this.runIsOver(job.data.run);
      await (over ? job.moveToCompleted(undefined, held.token, false) : putBack(this.redis, job, held, !held.started)).catch(() => 0);
    }));
    this.active.clear();
  }

  /** Whether the run is over: its spec gone (or a job with no run). Not while Redis cannot say. */
  private async runIsOver(run: string | undefined): Promise<boolean> {
    if (run === undefined) return true;
    return (await this.redis.exists(keys.spec(run)).catch(() => 1)) === 0;
  }

  async close(): Promise<void> {
    this.health.stop();
    await Promise.all(this.lateTakes);
    // force: a job still running here has been handed back or is abandoned with its worker
    await this.worker?.close(true).catch(() => {});
    this.workerConnection.disconnect();
    this.redis.disconnect();
  }
}
