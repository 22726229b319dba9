import { KeyLimiter } from '../crawl/key-limiter.js';
import { keyOf } from '../crawl/key-rule.js';
import { throttleSignal } from '../crawl/throttle-signal.js';
import type { KeyedRun, Throttling } from '../engine/pipeline.js';
import type { ProgressTracker } from '../progress/tracker.js';
import type { Limits, ThrottleBounds } from './limit-options.js';

/** How many keys the progress bar and the summary name, with their throttle signals. */
const KEYS_SHOWN = 3;

/** The engine's view of --key and its limits, with this machine's limiter; undefined: no limits, the hot path. */
export function keyedRun(limits: Limits | undefined, tracker: ProgressTracker): KeyedRun | undefined {
  if (!limits) return undefined;
  const { rule, keyConcurrency, keyRate, rate, maxRetryAfterMs, maxThrottleMs } = limits;
  const limiter = new KeyLimiter({ keyConcurrency, keyRate, rate, maxRetryAfterMs, maxThrottleMs });
  tracker.throttleSignals = () => ({ total: limiter.signalCount, top: limiter.signals(KEYS_SHOWN) });
  return {
    keyOf: rule ? (input) => keyOf(rule, input) : () => '',
    limits: limiter,
  };
}

/** Throttle signals, with or without keys: a 429 or 503, and the Retry-After it came with. */
export function throttling(limits: ThrottleBounds): Throttling {
  const { maxRetryAfterMs, maxThrottleMs } = limits;
  // an HTTP date in Retry-After is wall-clock time
  return { signalOf: (failure) => throttleSignal(failure, Date.now()), maxRetryAfterMs, maxThrottleMs };
}
