// The producer's watch on Redis: a Redis that hangs (SIGSTOP) closes no connection, yet must
// count as away, so that the run ends at the outage limit instead of waiting for ever.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ProducerQueue } from '../../src/queue/bullmq.js';
import { startRedis } from '../helpers/redis.js';

/** Polls `check` until it holds, within `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await delay(50);
  }
}

test('a Redis that stops answering counts as down, since the first PING it left unanswered; up again once it answers', async () => {
  const redis = await startRedis();
  const queue = new ProducerQueue(redis.url);
  try {
    await queue.evictionPolicy(); // connected
    assert.equal(queue.health.downSince(), undefined);
    process.kill(redis.pid, 'SIGSTOP');
    const stoppedAt = Date.now();
    await until(() => queue.health.downSince() !== undefined, 20_000, 'down');
    // since about when it stopped: the outage limit counts from there
    assert.ok(queue.health.downSince()! - stoppedAt < 2000, `${queue.health.downSince()! - stoppedAt} ms`);
    assert.match(queue.health.cause(), /^no answer for \d+ s$/);
    process.kill(redis.pid, 'SIGCONT');
    await until(() => queue.health.downSince() === undefined, 20_000, 'up again');
  } finally {
    process.kill(redis.pid, 'SIGCONT');
    await queue.close();
    await redis.stop();
  }
});
