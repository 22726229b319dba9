import { type Report, runKeysOf } from './wire.js';

/**
 * prun's own commands on Redis: Lua scripts, each run as one step, that keep a run's keys
 * (wire.ts) right whatever machine dies between two commands. bullmq.ts gives them to ioredis.
 */

/**
 * A script that does `body` to a key of the run (KEYS[2]) only while the run exists (its
 * spec, KEYS[1]: 0 when it does not), so that a late worker never brings back a finished run's
 * keys; the key expires with the spec, which only the producer refreshes: given a TTL of its
 * own, it would outlive a killed producer's run by as much again.
 */
function whileRunExists(body: string): string {
  return `
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return 0 end
${body}
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1`;
}

/**
 * Pushes a report on the run's results (ARGV[1], unless empty), and keeps the batch's marks in
 * the run's progress hash (KEYS[3]) as one step with it: `<batch>:take` the take whose marks
 * count (the latest to start: one that stalled and wakes up again changes nothing), `<batch>:done`
 * how many of the batch's inputs have reported, `<batch>:alone` the input a take running alone
 * (one input at a time, nothing else beside it) started last. ARGV[2] the batch, ARGV[3] its
 * take, ARGV[4] what the report does to the marks: start, done, end, alone, or nothing; ARGV[5]
 * the count or input for done and alone. At the batch's end `done` says `over` until its job
 * is completed (the worker's 'completed' handler deletes it): a machine that died between the
 * two has its job taken again, and the take, finding it over, runs nothing (was: the whole
 * batch again, its starts uncounted).
 */
const REPORT_SCRIPT = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return 0 end
if ARGV[1] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
end
local op = ARGV[4]
if op == '' then return 1 end
local take, done, alone = ARGV[2] .. ':take', ARGV[2] .. ':done', ARGV[2] .. ':alone'
if op == 'start' then
  redis.call('HSET', KEYS[3], take, ARGV[3])
  redis.call('HDEL', KEYS[3], alone)
elseif redis.call('HGET', KEYS[3], take) ~= ARGV[3] then
  return 1
elseif op == 'done' then
  redis.call('HSET', KEYS[3], done, ARGV[5])
elseif op == 'alone' then
  redis.call('HSET', KEYS[3], alone, ARGV[5])
else
  redis.call('HDEL', KEYS[3], take, alone)
  redis.call('HSET', KEYS[3], done, 'over')
end
if ttl > 0 then redis.call('PEXPIRE', KEYS[3], ttl) end
return 1`;

/** What a report does to its batch's marks (REPORT_SCRIPT). */
export function marksOf(report: Report): [batch: string, take: string, op: string, value: string] {
  if (report.type === 'refused') return ['', '', '', ''];
  const { batch, delivery } = report;
  if (report.type === 'start') return [String(batch), delivery, 'start', ''];
  if (report.type === 'run' && !report.last) return [String(batch), delivery, 'done', String(report.from + report.run.count)];
  return [String(batch), delivery, 'end', ''];
}

/** A batch's marks in the run's progress hash, as REPORT_SCRIPT keeps them. */
export interface Marks {
  /** Inputs of the batch reported by its latest take, from the first on; Infinity once it is over. */
  done: number;
  /** The input its latest take, running alone, started last; undefined when it runs no input alone. */
  alone: number | undefined;
}

/**
 * Takes a job off the queue unless a live worker holds it: from wait, or from active once its
 * holder's lock has lapsed (that holder is dead or stopped; BullMQ's stalled check would
 * hand the job out again). Queue.remove() alone reports a job that is already gone (completed,
 * its reports not read yet) as removed, and would have it run twice. Returns 0 when it is not
 * taken off, else 1 + how many takes of it count (attemptsStarted, KEYS[4] its hash: a
 * hand-back of one never started takes its take back).
 */
const WITHDRAW_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('LREM', KEYS[2], 1, ARGV[1]) == 0 and redis.call('LREM', KEYS[3], 1, ARGV[1]) == 0 then return 0 end
return 1 + tonumber(redis.call('HGET', KEYS[4], 'ats') or '0')`;

/** Says that a worker serves a run (queue-timings.ts: HEARTBEAT_MS), only while the run exists. */
const HEARTBEAT_SCRIPT = whileRunExists(`
local now = redis.call('TIME')
redis.call('ZADD', KEYS[2], now[1] * 1000 + math.floor(now[2] / 1000), ARGV[1])`);
/** How many workers were heard of within the window (ARGV[1] ms); the others are forgotten. */
const SERVING_SCRIPT = `
local now = redis.call('TIME')
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now[1] * 1000 + math.floor(now[2] / 1000) - ARGV[1])
return redis.call('ZCARD', KEYS[1])`;

/** Sets fields of the run's control hash. */
const CONTROL_SCRIPT = whileRunExists(`redis.call('HSET', KEYS[2], unpack(ARGV))`);

/**
 * The producer's beat (ARGV[1]) in the run's control hash, and when it came by Redis's clock
 * (`beatAt`, ms): workers start nothing while it is old (serve.ts, PRODUCER_SILENCE_MS).
 * ARGV[2] is when the producer's beat before it came (empty for its first), ARGV[3] how long
 * the producer had heard of that one when it sent this one (ms, its own clock): a beat that
 * comes more than ARGV[4] ms later than that says lay unread on the way, and changes nothing.
 * A Redis that hangs (SIGSTOP) still takes what producers write into the socket, and runs it
 * once it wakes: the beats of a producer that has since given up on the run, and left, came
 * then as new (was: its workers ran on, for seconds, inputs it had reported as never run). A
 * producer that was itself stopped, or slow, sends its beat late, and it counts. Returns the
 * time it came, or 0 when the run is gone.
 */
const BEAT_SCRIPT = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return 0 end
local time = redis.call('TIME')
local now = time[1] * 1000 + math.floor(time[2] / 1000)
if ARGV[2] == '' or now - tonumber(ARGV[2]) - tonumber(ARGV[3]) <= tonumber(ARGV[4]) then
  redis.call('HSET', KEYS[2], 'beat', ARGV[1], 'beatAt', now)
  if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
end
return now`;

/**
 * Ends a run whose producer is gone: deletes its keys (KEYS), unless its beat (a field of its
 * control hash, KEYS[2]) has moved on from ARGV[1] since the worker took it for dead.
 */
const ABANDON_SCRIPT = `
if (redis.call('HGET', KEYS[2], 'beat') or '') ~= ARGV[1] then return 0 end
redis.call('DEL', unpack(KEYS))
return 1`;

/**
 * Takes back the count of a take that started nothing: a job taken by a worker that is
 * handing its jobs back, which puts it back at once. Only while that worker holds its lock:
 * then nobody else can take it, and count, in between.
 */
const UNDO_TAKE_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HINCRBY', KEYS[2], 'ats', -1)
return 1`;

/** The scripts by the names bullmq.ts defines them under, with how many of their arguments are keys. */
export const PRUN_COMMANDS = {
  prunReport: { numberOfKeys: 3, lua: REPORT_SCRIPT },
  prunControl: { numberOfKeys: 2, lua: CONTROL_SCRIPT },
  prunBeat: { numberOfKeys: 2, lua: BEAT_SCRIPT },
  prunWithdraw: { numberOfKeys: 4, lua: WITHDRAW_SCRIPT },
  prunHeartbeat: { numberOfKeys: 2, lua: HEARTBEAT_SCRIPT },
  prunServing: { numberOfKeys: 1, lua: SERVING_SCRIPT },
  prunUndoTake: { numberOfKeys: 2, lua: UNDO_TAKE_SCRIPT },
  prunAbandon: { numberOfKeys: runKeysOf('').length, lua: ABANDON_SCRIPT },
} as const;
