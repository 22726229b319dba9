import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay, givesUpAt } from './backoff.js';
import type { ThrottleSignal } from './throttle-signal.js';
import { bucketRetime, type TokenBucket } from './token-bucket.js';

/**
 * What the limiter knows of one key, as plain data (numbers only, times in the caller's
 * monotonic milliseconds), so that the whole limiter serialises: the queue keeps it in Redis.
 */
export interface KeyState {
  /** Inputs of the key running now. */
  running: number;
  /**
   * The most of its inputs in flight while it starts slowly: one, and one more at each clean
   * end, until a throttle signal past its probe (see `SLOW_START_MAX`). Absent once over; back
   * when a key without keyRate has climbed back from a throttle.
   */
  window?: number;
  /** While the slow start holds: the last start or end of one of its inputs (`STALLED_WINDOW_MS`). */
  movedAt?: number;
  /** Inputs let in by a stall since the last end: each stall waits twice as long as the one before. */
  stalls?: number;
  /** Since when none has been running. */
  idleSince?: number;
  /** Spreads the key's starts: always with keyRate; without it, while a throttle holds the key's rate down. */
  bucket?: TokenBucket;
  /** Without keyRate, the key's starts in the last second or two, for its observed rate, which a throttle halves. */
  recent?: RecentStarts;
  /** Present from the key's first throttle signal until its rate has climbed back. */
  throttle?: ThrottleState;
}

/**
 * Starts counted in whole windows of OBSERVE_MS: the current one from `at`, and the one before,
 * read as a sliding window by weighing the previous count by how much of it the sliding
 * window still covers (as Cloudflare's rate limiter approximates one).
 */
export interface RecentStarts {
  at: number;
  count: number;
  previous: number;
}

export interface ThrottleState {
  /** When the latest signal came: a throttle of an input that started before it is part of its burst. */
  signalAt: number;
  /** Signals with no clean end since: n of the backoff. */
  consecutive: number;
  /** The first of those signals; absent after a clean end. */
  since?: number;
  /** No start before this: the backoff. */
  until: number;
  /** The halved rate's way back; absent when the key had no rate to halve: its probe was throttled. */
  climb?: Climb;
}

export interface Climb {
  /** The rate to climb back to, as ms between starts: keyRate's, or the observed one. */
  normalIntervalMs: number;
  /** What a clean window adds to the rate, in starts per ms. */
  stepPerMs: number;
  /** The rate's last change: a clean window counts from it. */
  changedAt: number;
}

/** Halving stops at one start a minute: the backoff's cap, so a key is tried at least as often as it backs off. */
export const SLOWEST_INTERVAL_MS = BACKOFF_CAP_MS;
/** A clean window lasts this long, or two of the key's intervals when that is longer. */
export const CLEAN_WINDOW_MS = 1000;
/** A halved rate climbs back to where it was in this many clean windows, then on at the same step. */
const CLIMB_WINDOWS = 4;
/**
 * The observed rate counts starts over the last second: what a server that limits requests a
 * second counts, and long enough that a burst at the start of a crawl (every slot filled at
 * once) reads as its number of starts, not as a rate of thousands a second.
 */
export const OBSERVE_MS = 1000;

/**
 * A key starts slowly, as TCP does: one input in flight, and one more each time one ends with
 * no throttle signal, so that what it may have in flight doubles with every round trip. The
 * first input runs alone, a probe: a crawl's first requests wait on what a worker sets up once
 * (threads, an HTTP client, connections) and would reach the server together, and a host that
 * answers slowly or not at all is found out at the cost of one request. Then the key's pace
 * finds the server's limit a round trip or two after passing it, with a few requests in flight
 * past it, where every lane let loose at once drew a 429 each (3 local hosts allowing 10
 * requests a second, --threads 2 --concurrency 20: 56 answers 429 in the first second). A
 * throttle signal past the probe ends it (the rate takes over); past this many in flight it no
 * longer holds anything back, and ends too.
 */
export const SLOW_START_MAX = 256;

/**
 * A key idle this long starts slowly again, as TCP restarts its slow start after an idle
 * spell: what the server takes now is no longer known. Until then the key keeps what its slow
 * start reached. Was: forgotten as soon as nothing ran and its bucket was idle, so that under
 * --key-rate a key whose inputs took longer than its interval ran them one at a time, each a
 * fresh probe (pages of 300 ms at --key-rate 8/s: 3.3 pages a second; of 200 ms at 100/s: 5).
 */
export const RESTART_IDLE_MS = 2 * OBSERVE_MS;

/**
 * A full window none of whose inputs has started or ended for this long lets one more in, as
 * TCP sends again after its first retransmission timeout of a second (RFC 6298): an input that
 * never answers must not hold its key. Was: a probe that hung held every other input of its host
 * back, for good and in silence (without --timeout). As TCP's timeout, each stall in a row (no
 * end between) waits twice as long as the one before, up to 64 s: a host that answers
 * nothing gains a place at 1, 3, 7, 15, 31 s..., not one a second until it holds every worker's.
 */
export const STALLED_WINDOW_MS = 1000;
/** The longest a stall waits: 2^6 x STALLED_WINDOW_MS. */
const MAX_STALL_DOUBLINGS = 6;

/** Whether the key's slow start is where a fresh key's is: forgetting it loses nothing. */
export function slowStartIsFresh(state: KeyState): boolean {
  return state.window === 1;
}

/** A fresh key: one input in flight until one has ended. */
export function newKeyState(): KeyState {
  return { running: 0, window: 1 };
}

/** When the key's full window opens by a stall (`STALLED_WINDOW_MS`); undefined while it has room. */
export function windowStall(state: KeyState): number | undefined {
  if (state.window === undefined || state.running < state.window) return undefined;
  const doublings = Math.min(state.stalls ?? 0, MAX_STALL_DOUBLINGS);
  return (state.movedAt ?? Number.NEGATIVE_INFINITY) + STALLED_WINDOW_MS * 2 ** doublings;
}

/** An input of the key starts at `now`: past a full window only when it stalled (`windowStall`), which then grows by one. */
export function windowStart(state: KeyState, now: number): void {
  if (state.window === undefined) return;
  if (state.running >= state.window) {
    state.stalls = (state.stalls ?? 0) + 1;
    growWindow(state);
  }
  if (state.window !== undefined) state.movedAt = now;
}

/** One of the key's inputs ended at `now`, with no throttle signal: the window grows by one. */
function windowEnd(state: KeyState, now: number): void {
  if (state.window === undefined) return;
  delete state.stalls;
  state.movedAt = now;
  growWindow(state);
}

function growWindow(state: KeyState): void {
  state.window!++;
  if (state.window! > SLOW_START_MAX) endWindow(state);
}

/** The slow start is over: nothing of it is kept. */
function endWindow(state: KeyState): void {
  delete state.window;
  delete state.movedAt;
  delete state.stalls;
}

export interface SignalContext {
  /** keyRate's interval, when there is one. */
  keyIntervalMs: number | undefined;
  maxRetryAfterMs: number;
  random: () => number;
}

/** `count` starts of the key at `now` (one, but a run without keys starts a batch), for its observed rate. */
export function observeStart(state: KeyState, now: number, count = 1): void {
  const recent = (state.recent ??= { at: now, count: 0, previous: 0 });
  rollWindows(recent, now);
  recent.count += count;
}

function rollWindows(recent: RecentStarts, now: number): void {
  const windows = Math.floor((now - recent.at) / OBSERVE_MS);
  if (windows <= 0) return;
  recent.previous = windows === 1 ? recent.count : 0;
  recent.count = 0;
  recent.at += windows * OBSERVE_MS;
}

/** Starts in the sliding second before `now`, as the two windows tell it. */
export function recentStarts(state: KeyState, now: number): number {
  if (!state.recent) return 0;
  const recent = { ...state.recent };
  rollWindows(recent, now);
  return recent.count + recent.previous * (1 - (now - recent.at) / OBSERVE_MS);
}

/**
 * An input that started at `startedAt` was throttled. Returns false when it belongs to the
 * burst of an earlier signal: it started before that signal, so it says nothing of the rate
 * since; a longer Retry-After it asks for is still honoured, but the key neither backs off
 * again nor halves its rate again.
 */
export function onThrottle(state: KeyState, startedAt: number, now: number, signal: ThrottleSignal, context: SignalContext): boolean {
  const previous = state.throttle;
  const asked = signal.retryAfterMs === undefined ? undefined : Math.min(signal.retryAfterMs, context.maxRetryAfterMs);
  if (previous && startedAt <= previous.signalAt) {
    if (asked !== undefined) previous.until = Math.max(previous.until, now + asked);
    return false;
  }
  const consecutive = (previous?.consecutive ?? 0) + 1;
  // a Retry-After of 0 (or a date already past) is no wait at all: honoured as such, a server
  // that keeps answering 429 with it was asked again at once, about 27 times a second a key
  const wait = asked !== undefined && asked > 0 ? asked : backoffDelay(consecutive, { baseMs: BACKOFF_BASE_MS, capMs: BACKOFF_CAP_MS }, context.random);
  state.throttle = { signalAt: now, consecutive, since: previous?.since ?? now, until: now + wait };
  // the probe of a slow start (its first input, alone) has no rate to halve: one start in a
  // second is no measure of what the server takes (a crawl resumed while the server still
  // counts the last one's requests). The key backs off, then starts slowly again. Was: held
  // to half a start a second, climbing back for 15 s (3 hosts x 100 pages, 10 a second
  // allowed, the first request of each 429: 27 s where 14.5 s without that 429, simulated)
  if (state.window === 1 && !state.bucket) return true;
  endWindow(state);
  const current = state.bucket?.intervalMs ?? observedInterval(state, now);
  // never slower than one start a minute, unless keyRate itself is slower
  const halved = Math.max(current, Math.min(2 * current, SLOWEST_INTERVAL_MS));
  state.throttle.climb = {
    normalIntervalMs: previous?.climb?.normalIntervalMs ?? context.keyIntervalMs ?? current,
    stepPerMs: 1 / halved / CLIMB_WINDOWS,
    changedAt: now,
  };
  if (state.bucket) bucketRetime(state.bucket, halved);
  else state.bucket = { intervalMs: halved };
  return true;
}

/**
 * Without keyRate, the rate a throttle halves is the key's observed one: its starts in the
 * last second, at least the one that was throttled.
 */
function observedInterval(state: KeyState, now: number): number {
  return OBSERVE_MS / Math.max(1, recentStarts(state, now));
}

/**
 * An input that started at `startedAt` ended without a throttle. One that started after the
 * latest signal shows the server takes the key again: the key is no longer throttled, and
 * after each clean window its rate climbs back by one step, additively, until it is back to
 * normal (keyRate's rate; without keyRate, the observed rate, after which the key has no rate
 * again and starts slowly, as a fresh key does).
 */
export function onCleanEnd(state: KeyState, startedAt: number, now: number, keyIntervalMs: number | undefined): void {
  windowEnd(state, now);
  const throttle = state.throttle;
  if (!throttle || startedAt <= throttle.signalAt) return;
  throttle.consecutive = 0;
  delete throttle.since;
  const { climb } = throttle;
  // its probe went through: the slow start goes on
  if (!climb) return void delete state.throttle;
  const bucket = state.bucket!;
  // a clean window: the whole of it at the present rate, no signal, no backoff
  if (startedAt < climb.changedAt || now < throttle.until) return;
  if (now - climb.changedAt < Math.max(CLEAN_WINDOW_MS, 2 * bucket.intervalMs)) return;
  const climbed = 1 / (1 / bucket.intervalMs + climb.stepPerMs);
  if (climbed > climb.normalIntervalMs) {
    bucketRetime(bucket, climbed);
    climb.changedAt = now;
    return;
  }
  delete state.throttle;
  if (keyIntervalMs !== undefined) return bucketRetime(bucket, keyIntervalMs);
  // no rate any more: from the inputs in flight, one more at each clean end. Was: every lane let
  // loose at once, 22 requests in the same instant and 12 answered 429 (3 hosts x 100 pages,
  // 10 a second allowed: 108 answers 429 in all without Retry-After, 27 now, simulated)
  delete state.bucket;
  state.window = Math.max(1, state.running);
  state.movedAt = now;
}

/**
 * When a throttled key's backoff lets it start again: at its end, or just after the key gives
 * up if that comes first, so that its inputs fail then rather than after a Retry-After longer
 * than --max-throttle leaves (was: failed only once the wait was over).
 */
export function backoffEnd(throttle: ThrottleState, maxThrottleMs: number): number {
  if (throttle.since === undefined) return throttle.until;
  return Math.min(throttle.until, givesUpAt(throttle.since, maxThrottleMs));
}

/** Throttled, with no clean end, for longer than `maxThrottleMs`: the key (or run) gives up. */
export function hasGivenUp(state: KeyState, now: number, maxThrottleMs: number): boolean {
  const since = state.throttle?.since;
  return since !== undefined && now - since > maxThrottleMs;
}

/** Backing off now, or throttled with no clean end since. */
export function isThrottled(state: KeyState, now: number): boolean {
  const { throttle } = state;
  return throttle !== undefined && (throttle.since !== undefined || throttle.until > now);
}
