import type { ResultPromise } from 'execa';
import { waitForLines } from './streams.js';

/** A run told to stop twice while its stdout's reader did not read (see stopTwiceUnread). */
export interface StoppedUnread {
  result: Awaited<ResultPromise>;
  /** Everything that got out on stdout, once prun and whatever wrote for it have gone. */
  delivered(): Promise<string>;
}

/**
 * Reads one chunk of prun's stdout, then none, so that stdout fills and stays full; then sends
 * SIGTERM, and again once prun has said it stops starting inputs. Waits for prun's end; what
 * stdout still holds is read by `delivered()`.
 */
export async function stopTwiceUnread(child: ResultPromise): Promise<StoppedUnread> {
  const stdout = child.stdout!;
  const got: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => got.push(chunk));
  await new Promise((resolve) => stdout.once('data', resolve));
  stdout.pause();
  child.kill('SIGTERM');
  await waitForLines(child.stderr!, /^prun: terminated: starting no more inputs/);
  child.kill('SIGTERM');
  const result = await child;
  return {
    result,
    async delivered() {
      if (!stdout.readableEnded) {
        const ended = new Promise((resolve) => stdout.once('end', resolve));
        stdout.resume();
        await ended;
      }
      return Buffer.concat(got).toString();
    },
  };
}
