import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RunSpec } from './wire.js';

/** The secret that runs are signed with, shared by producers and workers through the environment. */
export function queueSecret(): string | undefined {
  const secret = process.env.PRUN_QUEUE_SECRET;
  return secret === undefined || secret === '' ? undefined : secret;
}

/**
 * HMAC-SHA256 over everything a worker acts on: the bundle's hash (which names the code
 * it runs) or the command template, and the options. Anyone who can write to the Redis
 * could otherwise run code on every worker.
 */
export function signatureOf(spec: RunSpec, secret: string): string {
  const { signature: _, ...signed } = spec;
  return createHmac('sha256', secret).update(canonical(signed)).digest('hex');
}

/**
 * JSON with every object's keys sorted, at every depth. Was: JSON.stringify's key list, which
 * applies to nested objects too, so that exec's `template` (its -q, --plus, --rpl) was
 * signed as `{}` and could be changed in Redis unnoticed.
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((each) => canonical(each ?? null)).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value as Record<string, unknown>).filter(([, each]) => each !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, each]) => `${JSON.stringify(key)}:${canonical(each)}`).join(',')}}`;
}

export function sign(spec: RunSpec, secret: string | undefined): RunSpec {
  return secret === undefined ? spec : { ...spec, signature: signatureOf(spec, secret) };
}

/** Whether a worker with `secret` (or none) may run the spec: without a secret it runs anything. */
export function verify(spec: RunSpec, secret: string | undefined): boolean {
  if (secret === undefined) return true;
  if (spec.signature === undefined) return false;
  const expected = Buffer.from(signatureOf(spec, secret), 'hex');
  const given = Buffer.from(spec.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
