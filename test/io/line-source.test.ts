import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { lineSource } from '../../src/io/line-source.js';
import { NEWLINE, NUL } from '../../src/model/payload.js';

describe('lineSource read-ahead', () => {
  test('a piped input knows its total once its end is within the read-ahead, before most of it is taken', async () => {
    const pipe = new PassThrough();
    const source = lineSource(() => pipe, undefined, NEWLINE, 1 << 20);
    for (let i = 1; i <= 3000; i++) pipe.write(`${i}\n`);
    pipe.end();
    const first = await source.take(1, 1 << 16);
    assert.equal(first?.count, 1);
    // the end comes through the read-ahead, not through takes: wait for it as an event
    while (source.remaining() === undefined) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(source.remaining(), 2999);
    let taken = 1;
    for (let slice = await source.take(100, 1 << 16); slice; slice = await source.take(100, 1 << 16)) taken += slice.count;
    assert.equal(taken, 3000);
    assert.equal(source.remaining(), 0);
  });

  test('an endless stream is read ahead no further than the bound, and the total stays unknown', async () => {
    const chunk = Buffer.from(`${'x'.repeat(1023)}\n`.repeat(16));
    let produced = 0;
    const endless = Readable.from(
      (function* () {
        for (;;) {
          produced++;
          yield chunk;
        }
      })(),
    );
    const bound = 64 * chunk.length;
    const source = lineSource(() => endless, undefined, NEWLINE, bound);
    assert.ok(await source.take(1, 1 << 16));
    while (produced < 64) await new Promise((resolve) => setImmediate(resolve));
    // given many turns of the event loop, a read-ahead without a bound would read on and on
    for (let turn = 0; turn < 200; turn++) await new Promise((resolve) => setImmediate(resolve));
    // the bound, and what the stream buffers of its own (16 objects)
    assert.ok(produced <= 64 + 16 + 2, `produced ${produced} chunks`);
    assert.equal(source.remaining(), undefined);
    source.close();
  });

  test('a last input without a separator counts, for NUL-ended inputs too', async () => {
    const pipe = new PassThrough();
    const source = lineSource(() => pipe, undefined, NUL);
    pipe.end('a\0b\0c');
    const first = await source.take(1, 1 << 16);
    assert.equal(first?.count, 1);
    while (source.remaining() === undefined) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(source.remaining(), 2);
  });
});
