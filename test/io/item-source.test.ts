import assert from 'node:assert/strict';
import { test } from 'node:test';
import { itemSource } from '../../src/io/item-source.js';

test('an async source: a take hands out what is ready, and never waits for inputs not given yet (was: held until the batch filled; a source waiting on results deadlocked)', { timeout: 60_000 }, async () => {
  let release!: () => void;
  const results = new Promise<void>((resolve) => (release = resolve));
  async function* source() {
    yield 1;
    yield 2;
    yield 3;
    // a crawler's frontier: more only once the results of these are back
    await results;
    yield 4;
  }
  const items = itemSource(source());
  const first = await items.take(100, 1 << 20);
  assert.deepEqual(first?.payload, [1, 2, 3]);
  release();
  assert.deepEqual((await items.take(100, 1 << 20))?.payload, [4]);
  assert.equal(await items.take(100, 1 << 20), null);
});

test('an async source that throws: the inputs before it are handed out first, then its error', async () => {
  async function* source() {
    yield 'a';
    yield 'b';
    throw new Error('the source failed');
  }
  const items = itemSource(source());
  assert.deepEqual((await items.take(100, 1 << 20))?.payload, ['a', 'b']);
  await assert.rejects(items.take(100, 1 << 20), /the source failed/);
});

test('an async source whose next input comes later: the step left pending is the next take\'s first, none lost', { timeout: 60_000 }, async () => {
  let give!: () => void;
  async function* source() {
    yield 'now';
    await new Promise<void>((resolve) => (give = resolve));
    yield 'later';
  }
  const items = itemSource(source());
  assert.deepEqual((await items.take(100, 1 << 20))?.payload, ['now']);
  const next = items.take(100, 1 << 20);
  give();
  assert.deepEqual((await next)?.payload, ['later']);
  assert.equal(await items.take(100, 1 << 20), null);
});

test('a value check that throws ends the inputs there: the values taken before it are handed out first, then its error', async () => {
  const refusal = new Error('cannot take it');
  const items = itemSource(['a', 'b', 'bad', 'c'], undefined, (value) => {
    if (value === 'bad') throw refusal;
  });
  assert.deepEqual((await items.take(100, 1 << 20))?.payload, ['a', 'b']);
  await assert.rejects(items.take(100, 1 << 20), refusal);
});

test('an iterator whose next() gives no object is refused with ERR_USAGE (was: an endless run of undefined inputs)', async () => {
  const items = itemSource({ [Symbol.iterator]: () => ({ next: () => 5 }) } as unknown as Iterable<unknown>);
  await assert.rejects(items.take(100, 1 << 20), (error: Error & { code?: string }) => error.code === 'ERR_USAGE');
});

test('an async iterator whose next() settles to undefined is refused too, after the values before it (was: taken as the end of the inputs, exit 0)', async () => {
  let n = 0;
  const items = itemSource({ [Symbol.asyncIterator]: () => ({ next: async () => (++n <= 2 ? { value: n, done: false } : undefined) }) } as unknown as AsyncIterable<unknown>);
  const taken: unknown[] = [];
  await assert.rejects(async () => {
    for (;;) {
      const slice = await items.take(100, 1 << 20);
      if (!slice) break;
      taken.push(...(slice.payload as unknown[]));
    }
  }, (error: Error & { code?: string }) => error.code === 'ERR_USAGE');
  assert.deepEqual(taken, [1, 2]);
});

test("closing a source whose iterator's return() throws does not throw: the stop goes on to the workers (was: thrown out of the stop, which then killed none)", () => {
  function* source() {
    try {
      yield 1;
      yield 2;
    } finally {
      throw new Error('cleanup failed');
    }
  }
  const iterator = source();
  iterator.next();
  const items = itemSource({ [Symbol.iterator]: () => iterator });
  assert.doesNotThrow(() => items.close());
});
