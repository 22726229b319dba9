import { firstLine } from '../model/first-line.js';

/**
 * What Redis said of a write it refused (out of memory under noeviction), in one line: a
 * transaction's first error rather than its EXECABORT. Apart from bullmq.ts, so that what
 * quotes it does not load BullMQ.
 */
export function refusal(error: unknown): string {
  const first = (error as { previousErrors?: Error[] }).previousErrors?.[0] ?? error;
  // a Lua script's error ends with where in the script: nothing to the user
  return firstLine((first as Error).message ?? String(first)).replace(/\s*script: [0-9a-f]+, on @user_script:\d+\.?$/, '');
}
