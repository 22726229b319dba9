import type { KeyLimiter } from '../../src/crawl/key-limiter.js';

/** A server that takes `limit` requests per key in any sliding `windowMs`, and answers 429 past it. */
export interface SimServer {
  limit: number;
  windowMs: number;
  /** Sent with each 429; none when undefined. */
  retryAfterS: number | undefined;
  latencyMs: number;
  /** Before this time every request is answered 429, as by a server still counting an earlier crawl's. */
  busyUntil?: number;
}

export interface SimOutcome {
  /** Start times of the requests the server took, per key. */
  accepted: Map<string, number[]>;
  /** 429s the server answered. */
  throttled: number;
  /** Inputs failed because their key gave up. */
  gaveUp: number;
  endedAt: number;
}

/**
 * A crawl in simulated time: `slots` requests in flight at most, inputs waiting in order, a key
 * that must wait never holding a slot nor blocking other keys, a throttled input tried again.
 * What the owner's scheduler will do with a real clock, reduced to what tests the limiter's
 * policy against a server that counts.
 */
export function simulateCrawl(limiter: KeyLimiter, keys: string[], slots: number, server: SimServer): SimOutcome {
  const waiting = [...keys];
  const running: { key: string; startedAt: number; endsAt: number; ok: boolean }[] = [];
  const accepted = new Map<string, number[]>();
  let throttled = 0;
  let gaveUp = 0;
  let now = 0;
  for (let steps = 0; waiting.length > 0 || running.length > 0; steps++) {
    if (steps > 1_000_000) throw new Error('the simulated crawl does not end');
    // ends due now
    for (const request of running.filter((r) => r.endsAt <= now)) {
      running.splice(running.indexOf(request), 1);
      if (request.ok) {
        limiter.ended(request.key, request.startedAt, now);
      } else {
        limiter.ended(request.key, request.startedAt, now, { retryAfterMs: server.retryAfterS === undefined ? undefined : server.retryAfterS * 1000 });
        waiting.push(request.key);
      }
    }
    // starts due now
    let soonest = Infinity;
    for (let i = 0; i < waiting.length && running.length < slots; ) {
      const key = waiting[i]!;
      if (limiter.givenUp(key, now)) {
        waiting.splice(i, 1);
        gaveUp++;
        continue;
      }
      const wait = limiter.wait(key, now);
      if (wait > 0) {
        soonest = Math.min(soonest, now + wait);
        i++;
        continue;
      }
      waiting.splice(i, 1);
      const startedAt = limiter.started(key, now);
      const times = accepted.get(key) ?? [];
      accepted.set(key, times);
      const recent = times.filter((t) => t > now - server.windowMs).length;
      const ok = recent < server.limit && now >= (server.busyUntil ?? 0);
      if (ok) times.push(now);
      else throttled++;
      running.push({ key, startedAt, endsAt: now + server.latencyMs, ok });
    }
    const nextEnd = Math.min(...running.map((r) => r.endsAt));
    const next = Math.min(nextEnd, soonest);
    if (next === Infinity) break;
    now = Math.max(now, next);
  }
  return { accepted, throttled, gaveUp, endedAt: now };
}

/** The most starts in any window [t, t + windowMs]. */
export function mostInWindow(starts: readonly number[], windowMs: number): number {
  let most = 0;
  for (let first = 0, last = 0; last < starts.length; last++) {
    while (starts[last]! - starts[first]! > windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
