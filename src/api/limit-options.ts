import { type KeyRule, parseKeyRule } from '../crawl/key-rule.js';
import { parseRate, type Rate } from '../crawl/rate.js';
import type { RetryDelay } from '../engine/scheduler/retry-policy.js';
import type { MachineLimits } from '../engine/scheduler/resource-gate.js';
import { isZeroDuration } from './duration.js';
import { type MachineLimitOptions, normalizeMachineLimits } from './machine-limits.js';
import { milliseconds, text, wholeNumber } from './option-values.js';

/** Options that limit when inputs start: politeness for crawls, retries that wait, a machine's room. */
export interface LimitOptions extends MachineLimitOptions {
  /**
   * What limits an input's start is its key: 'host' (of the URL it holds), 'domain'
   * (registrable), 'field:N' (tab-separated, from 1) or 'regex:PATTERN' (the first group).
   */
  key?: string;
  /** At most this many inputs of one key run at once. Implies key 'host' without `key`. */
  keyConcurrency?: number;
  /** At most this many starts of one key, spread evenly: '2/s', '30/m', '1000/h'. Implies key 'host'. */
  keyRate?: string;
  /** At most this many starts in all: '20/s'. */
  rate?: string;
  /** The longest Retry-After honoured (default 5m). */
  maxRetryAfter?: number | string;
  /** A key throttled for longer than this fails its waiting inputs with ERR_THROTTLED (default 15m). */
  maxThrottle?: number | string;
  /** A retry (--retries) waits with exponential backoff and full jitter from this base; at once by default. */
  retryDelay?: number | string;
  /** The cap of that backoff (default 60s). */
  retryDelayMax?: number | string;
}

/** Just the limit options of a bigger options object. */
export function limitOptionsOf(options: LimitOptions): LimitOptions {
  const { key, keyConcurrency, keyRate, rate, maxRetryAfter, maxThrottle, retryDelay, retryDelayMax, memFree, load } = options;
  return { key, keyConcurrency, keyRate, rate, maxRetryAfter, maxThrottle, retryDelay, retryDelayMax, memFree, load };
}

export interface Limits extends ThrottleBounds {
  rule: KeyRule | undefined;
  keyConcurrency: number | undefined;
  keyRate: Rate | undefined;
  rate: Rate | undefined;
}

/** How long a server that says to slow down (429/503) is waited on: with keys or without. */
export interface ThrottleBounds {
  maxRetryAfterMs: number;
  maxThrottleMs: number;
}

export interface NormalizedLimits {
  /** Undefined when no option limits starts: the run takes the hot path, with no key computed. */
  limits: Limits | undefined;
  throttle: ThrottleBounds;
  retryDelay: RetryDelay | undefined;
  /** What the machine must have for an input to start (memFree, load); undefined: no look at it. */
  machine: MachineLimits | undefined;
}

const DEFAULT_MAX_RETRY_AFTER_MS = 5 * 60_000;
const DEFAULT_MAX_THROTTLE_MS = 15 * 60_000;
const DEFAULT_RETRY_DELAY_MAX_MS = 60_000;

export function normalizeLimits(options: LimitOptions): NormalizedLimits {
  const keyConcurrency = options.keyConcurrency === undefined ? undefined : wholeNumber('keyConcurrency', options.keyConcurrency, 1);
  const keyRate = options.keyRate === undefined ? undefined : parseRate('keyRate', text('keyRate', options.keyRate));
  const rate = options.rate === undefined ? undefined : parseRate('rate', text('rate', options.rate));
  // a per-key limit needs keys: the host of a URL is what people limit
  const keyText = options.key ?? (keyConcurrency !== undefined || keyRate !== undefined ? 'host' : undefined);
  const rule = keyText === undefined ? undefined : parseKeyRule('key', text('key', keyText));
  const retryDelayMs = duration('retryDelay', options.retryDelay, true);
  const retryDelayMax = duration('retryDelayMax', options.retryDelayMax);
  const limited = rule !== undefined || rate !== undefined;
  const throttle: ThrottleBounds = {
    maxRetryAfterMs: duration('maxRetryAfter', options.maxRetryAfter) ?? DEFAULT_MAX_RETRY_AFTER_MS,
    maxThrottleMs: duration('maxThrottle', options.maxThrottle) ?? DEFAULT_MAX_THROTTLE_MS,
  };
  return {
    limits: limited ? { rule, keyConcurrency, keyRate, rate, ...throttle } : undefined,
    throttle,
    // none, or a base of 0: at once. A cap given is the cap, even below the base (the waits
    // are then all below it); the default one never cuts a longer base short
    retryDelay: !retryDelayMs ? undefined : { baseMs: retryDelayMs, capMs: retryDelayMax ?? Math.max(retryDelayMs, DEFAULT_RETRY_DELAY_MAX_MS) },
    machine: normalizeMachineLimits(options),
  };
}

/**
 * As the CLI reads the same option: a zero is refused, but where it means "at once" (retryDelay),
 * written as a number or as text alike (was: `maxThrottle: 0` taken, `retryDelay: "0"` refused).
 */
function duration(name: string, value: number | string | undefined, zero = false): number | undefined {
  if (value === undefined) return undefined;
  if (zero && (value === 0 || (typeof value === 'string' && isZeroDuration(value)))) return 0;
  return milliseconds(name, value);
}
