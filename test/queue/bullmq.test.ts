// The producer's watch on Redis: a Redis that hangs (SIGSTOP) closes no connection, yet must
// count as away, so that the run ends at the outage limit instead of waiting for ever. And
// what BullMQ and ioredis print of their own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ProducerQueue, WorkerQueue } from '../../src/queue/bullmq.js';
import { jobIdOf, QUEUE_NAME, QUEUE_PREFIX } from '../../src/queue/wire.js';
import { NEWLINE } from '../../src/model/payload.js';
import { isEvictionWarning, ownLibraryWarnings } from '../../src/queue/library-warnings.js';
import { checkQueueUrl, shownUrl } from '../../src/queue/queue-url.js';
import type { PrunError } from '../../src/errors.js';
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

test('a job that stalled too often, failed by the worker that takes it after its run is over, leaves no key behind (was: its id in the failed set for ever: a review)', async () => {
  const redis = await startRedis();
  const producer = new ProducerQueue(redis.url);
  const worker = new WorkerQueue(redis.url);
  try {
    const run = 'stalledafter';
    await producer.add({ run, batch: 1, first: 0, count: 1, attempt: 1, isolated: false, fresh: true, separator: NEWLINE, items: ['a'] });
    const id = jobIdOf(run, 1);
    // as BullMQ marks a job whose lock lapsed more than maxStalledCount times: the next take fails it
    await redis.command('HSET', `${QUEUE_PREFIX}:${QUEUE_NAME}:${id}`, 'defa', 'job stalled more than allowable limit');
    // no spec: the run is over (its producer ended it as a worker held the job)
    let ran = false;
    worker.start({ concurrency: 1, process: async () => void (ran = true) });
    const deadline = Date.now() + 15_000;
    let left = '';
    do {
      await delay(100);
      left = (await redis.command('--scan', '--pattern', `${QUEUE_PREFIX}:${QUEUE_NAME}:${run}-*`)) + (await redis.command('ZRANGE', `${QUEUE_PREFIX}:${QUEUE_NAME}:failed`, '0', '-1'));
    } while (left !== '' && Date.now() < deadline);
    assert.equal(left, '', 'keys of the job left after its failure');
    assert.equal(ran, false, 'a job failed as stalled is not run');
  } finally {
    await worker.close();
    await producer.close();
    await redis.stop();
  }
});

test("BullMQ's and ioredis's warnings: each said once, prefixed as prun's; those prun says itself dropped (was: unprefixed, ioredis's three times)", () => {
  const warn = console.warn;
  const write = process.stderr.write;
  const said: string[] = [];
  process.stderr.write = ((text: string) => said.push(text) > 0) as typeof process.stderr.write;
  try {
    ownLibraryWarnings('prun: warning: ', isEvictionWarning);
    for (let i = 0; i < 3; i++) console.warn("[WARN] This Redis server's `default` user does not require a password, but a password was supplied");
    console.warn('IMPORTANT! Eviction policy is allkeys-lru. It should be "noeviction"');
    console.warn('It is highly recommended to use a minimum Redis version of 6.2.0\n             Current: 6.0.0');
  } finally {
    console.warn = warn;
    process.stderr.write = write;
  }
  assert.deepEqual(said, [
    "prun: warning: This Redis server's `default` user does not require a password, but a password was supplied\n",
    'prun: warning: It is highly recommended to use a minimum Redis version of 6.2.0 Current: 6.0.0\n',
  ]);
});

test('a queue URL is shown as typed, without its password, also when it does not parse or names no host (was: `redis:/`, and the password of a URL that did not parse)', () => {
  assert.equal(shownUrl('redis://:secret@127.0.0.1:6379/2'), 'redis://127.0.0.1:6379/2');
  assert.equal(shownUrl('redis://'), 'redis://');
  assert.equal(shownUrl('redis://:secret@'), 'redis://…');
  assert.equal(shownUrl('redis://user:secret@/3'), 'redis://…');
  // an @ in the query of a URL that names no host (was: `redis://s3cretpw`)
  assert.equal(shownUrl('redis://?password=abc@s3cretpw'), 'redis://…');
});

test("a password given in the query, which ioredis takes too, is not shown; the query's other words are (was: shown whole)", () => {
  const shown = [
    ['redis://127.0.0.1:6379/?password=se%2Fcr%40t', 'redis://127.0.0.1:6379'],
    ['redis://127.0.0.1:6379?password=pw', 'redis://127.0.0.1:6379'],
    ['redis://127.0.0.1:6379/2?family=4&password=pw&db=2', 'redis://127.0.0.1:6379/2?family=4&db=2'],
    ['redis://127.0.0.1:6379/2?family=4&Password=pw', 'redis://127.0.0.1:6379/2?family=4'],
    ['redis://?password=pw', 'redis://'],
    // several (ioredis takes the last), a key percent-encoded, a # in the password (was: shown)
    ['redis://127.0.0.1:6379/?password=nope&password=s3cretpw', 'redis://127.0.0.1:6379'],
    ['redis://127.0.0.1:6379/?password=a&db=1&password=b&password=c', 'redis://127.0.0.1:6379/?db=1'],
    ['redis://127.0.0.1:6379?%70assword=s3cretpw', 'redis://127.0.0.1:6379'],
    ['redis://127.0.0.1:6379?password=s3c#retpw', 'redis://127.0.0.1:6379'],
  ];
  for (const [url, as] of shown) assert.equal(shownUrl(url!), as, url);
  // spaces or control characters around or in it: refused, nothing of the password shown
  for (const url of ['\tredis://:s3cretpw@127.0.0.1:6379', ' redis://:s3cretpw@127.0.0.1:6379', 'redis:\t//:s3cretpw@127.0.0.1', 'redis://127.0.0.1:6379/?password=s3cretpw\n']) {
    assert.throws(() => checkQueueUrl(url), (error: PrunError) => error.code === 'ERR_USAGE' && !/s3cretpw/.test(error.message) && /space or a control character/.test(error.message), JSON.stringify(url));
  }
  // a URL that does not parse, with an @ in it, is shown by its scheme alone
  assert.ok(!/s3cretpw/.test(shownUrl('redis://:a/b@127.0.0.1:6379?password=s3cretpw')));
});

test('a password with / or @ in it, which breaks the URL, is not shown, nor any part of it (was: `redis://:topsecret/x@…` shown whole)', () => {
  for (const url of ['redis://:topsecret/x@127.0.0.1:16393', 'redis://:p@ss:w/rd@127.0.0.1:16393', 'redis://:s3cr#t@127.0.0.1:16391']) {
    const shown = shownUrl(url);
    assert.ok(!/topsecret|ss:w|rd@|s3cr/.test(shown), shown);
    assert.throws(() => checkQueueUrl(url), (error: PrunError) => error.code === 'ERR_USAGE' && !/topsecret|ss:w|s3cr/.test(error.message) && /percent-encoded/.test(error.message));
  }
  // a scheme with one slash or none, a bare % (was: shown whole; a URIError's stack trace)
  for (const url of ['redis:/:hunter2@127.0.0.1:6379', 'redis::hunter2@127.0.0.1', 'redis://:50%off@127.0.0.1:6379']) {
    assert.ok(!/hunter2|50%off/.test(shownUrl(url)), shownUrl(url));
    assert.throws(() => checkQueueUrl(url), (error: PrunError) => error.code === 'ERR_USAGE' && !/hunter2|50%off/.test(error.message));
  }
});
