import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { lineSource } from '../../src/io/line-source.js';
import { PrunError } from '../../src/errors.js';
import { NEWLINE, NUL } from '../../src/model/payload.js';

/** An endless stream of 16 KB chunks of 1 KB lines, and how many chunks it has produced. */
function endlessStream() {
  const chunk = Buffer.from(`${'x'.repeat(1023)}\n`.repeat(16));
  const counter = { produced: 0, chunkBytes: chunk.length };
  const stream = Readable.from(
    (function* () {
      for (;;) {
        counter.produced++;
        yield chunk;
      }
    })(),
  );
  return { stream, counter };
}

/** Many turns of the event loop: a read-ahead without a bound would read on and on meanwhile. */
async function turns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe('lineSource read-ahead', () => {
  test('a piped input knows its total once its end is within the read-ahead, before most of it is taken', async () => {
    const pipe = new PassThrough();
    const source = lineSource(() => pipe, undefined, NEWLINE, 1 << 20);
    for (let i = 1; i <= 3000; i++) pipe.write(`${i}\n`);
    pipe.end();
    const first = await source.take(1, 1 << 16);
    assert.equal(first?.count, 1);
    // the end comes through the read-ahead, not through takes: wait for it as an event
    while (source.remaining() === undefined) await turns(1);
    assert.equal(source.remaining(), 2999);
    let taken = 1;
    for (let slice = await source.take(100, 1 << 16); slice; slice = await source.take(100, 1 << 16)) taken += slice.count;
    assert.equal(taken, 3000);
    assert.equal(source.remaining(), 0);
  });

  test('heldInputs: the whole lines read ahead of a pipe still open, not yet taken; a line not ended yet is not one', async () => {
    const pipe = new PassThrough();
    const source = lineSource(() => pipe, undefined, NEWLINE, 1 << 20);
    pipe.write('a\nb\nc\nd'); // and stays open
    assert.equal((await source.take(1, 1 << 16))?.count, 1);
    assert.equal(source.remaining(), undefined);
    assert.equal(source.heldInputs?.(), 2);
    pipe.write('\ne\n');
    for (let i = 0; i < 1000 && source.heldInputs?.() !== 4; i++) await turns(1);
    assert.equal(source.heldInputs?.(), 4);
    source.close();
  });

  test('prefetch reads before the first take: a short input says how many inputs it has, and hands them all out', async () => {
    const pipe = new PassThrough();
    let opened = 0;
    const source = lineSource(
      () => {
        opened++;
        return pipe;
      },
      undefined,
      NEWLINE,
      1 << 20,
    );
    await turns(10);
    assert.equal(opened, 0, 'opened before it was asked to read');
    pipe.end('a\nb\nc');
    source.prefetch?.();
    // bounded: without a prefetch the end is never read
    for (let turn = 0; turn < 1000 && source.remaining() === undefined; turn++) await turns(1);
    assert.equal(source.remaining(), 3);
    assert.equal(opened, 1);
    const taken: number[] = [];
    for (let slice = await source.take(2, 1 << 16); slice; slice = await source.take(2, 1 << 16)) taken.push(slice.count);
    assert.deepEqual(taken, [2, 1]);
  });

  test('endSeen settles once the end is read ahead, with remaining() known then', async () => {
    const pipe = new PassThrough();
    const source = lineSource(() => pipe, undefined, NEWLINE, 1 << 20);
    let seen = false;
    void source.endSeen?.().then(() => (seen = true));
    source.prefetch?.();
    pipe.write('a\nb\n');
    await turns(20);
    assert.equal(seen, false, 'settled before the end');
    pipe.end('c\n');
    await source.endSeen?.();
    assert.equal(source.remaining(), 3);
  });

  test('prefetch of an endless stream reads no further than the few reads ahead a take would', async () => {
    const { stream, counter } = endlessStream();
    const source = lineSource(() => stream, undefined, NEWLINE, 256 * counter.chunkBytes);
    source.prefetch?.();
    for (let turn = 0; turn < 1000 && counter.produced < 64; turn++) await turns(1);
    await turns(400);
    assert.ok(counter.produced >= 64, `produced ${counter.produced} chunks: the prefetch read nothing`);
    assert.ok(counter.produced <= 64 + 16 + 2, `produced ${counter.produced} chunks`);
    assert.equal(source.remaining(), undefined);
    assert.equal((await source.take(1, 1 << 16))?.count, 1);
    source.close();
  });

  test('an endless stream is read ahead no further than the bound, and the total stays unknown', async () => {
    const { stream, counter } = endlessStream();
    const source = lineSource(() => stream, undefined, NEWLINE, 64 * counter.chunkBytes);
    assert.ok(await source.take(1, 1 << 16));
    while (counter.produced < 64) await turns(1);
    await turns(200);
    // the bound, and what the stream buffers of its own (16 objects)
    assert.ok(counter.produced <= 64 + 16 + 2, `produced ${counter.produced} chunks`);
    assert.equal(source.remaining(), undefined);
    source.close();
  });

  test('regression: memory grew with the input as a piped input was read 64 MB ahead though nobody wanted its total', async () => {
    const { stream, counter } = endlessStream();
    const source = lineSource(() => stream, undefined, NEWLINE, 256 * counter.chunkBytes); // 4 MB
    assert.ok(await source.take(1, 1 << 16));
    await turns(400);
    // a few reads ahead (1 MB: 64 chunks), and what the stream buffers of its own (16 objects)
    assert.ok(counter.produced <= 64 + 16 + 2, `produced ${counter.produced} chunks before the end was sought`);
    source.seekEnd?.();
    while (counter.produced < 256) await turns(1);
    await turns(400);
    assert.ok(counter.produced <= 256 + 16 + 2, `produced ${counter.produced} chunks once the end was sought`);
    assert.equal(source.remaining(), undefined);
    source.close();
  });

  test('seekEnd finds the end of a piped input longer than the few reads read ahead without it', async () => {
    const pipe = new PassThrough();
    const source = lineSource(() => pipe, undefined, NEWLINE, 8 << 20);
    const line = `${'y'.repeat(999)}\n`;
    const lines = 3 * 1024; // 3 MB
    const writing = (async () => {
      for (let i = 0; i < lines; i++) if (!pipe.write(line)) await new Promise((resolve) => pipe.once('drain', resolve));
      pipe.end();
    })();
    assert.equal((await source.take(1, 1 << 16))?.count, 1);
    source.seekEnd?.();
    while (source.remaining() === undefined) await turns(1);
    assert.equal(source.remaining(), lines - 1);
    await writing;
    source.close();
  });

  test('a last input without a separator counts, for NUL-ended inputs too', async () => {
    const pipe = new PassThrough();
    const source = lineSource(() => pipe, undefined, NUL);
    pipe.end('a\0b\0c');
    const first = await source.take(1, 1 << 16);
    assert.equal(first?.count, 1);
    while (source.remaining() === undefined) await turns(1);
    assert.equal(source.remaining(), 2);
  });
});

describe('lineSource: a line too long to be an input', () => {
  test('is refused with ERR_INPUT naming its file and line, once it passes the limit: an endless line is not read on (was: gathered whole, then a worker died decoding it, for ever)', async () => {
    const chunk = Buffer.alloc(1 << 14, 'x');
    let produced = 0;
    const stream = Readable.from(
      (function* () {
        yield Buffer.from('a\nbb\n');
        for (;;) {
          produced++;
          yield chunk;
        }
      })(),
    );
    const source = lineSource(() => stream, 'in.txt', NEWLINE, 1 << 20, 1 << 16);
    assert.equal((await source.take(10, 1 << 16))?.count, 2);
    await assert.rejects(source.take(10, 1 << 16), (error: Error & { code?: string }) => error.code === 'ERR_INPUT' && error.message.startsWith('in.txt:3: '));
    // the limit and what was read ahead, not more
    assert.ok(produced * chunk.length < (1 << 16) + (1 << 20) + 2 * chunk.length, `${produced} chunks read`);
    source.close();
  });

  test('a line of the limit, read in parts, is an input; one byte more is refused', async () => {
    const parts = (...texts: string[]) => Readable.from(texts.map((text) => Buffer.from(text)));
    const fits = lineSource(() => parts('x'.repeat(60), 'x'.repeat(40), '\nshort\n'), undefined, NEWLINE, 1 << 20, 100);
    const slice = await fits.take(10, 1 << 16);
    assert.equal(slice?.count, 2);
    assert.equal(slice?.payload.length, 107);
    const over = lineSource(() => parts('x'.repeat(60), 'x'.repeat(41), '\nshort\n'), undefined, NEWLINE, 1 << 20, 100);
    await assert.rejects(over.take(10, 1 << 16), (error: Error & { code?: string }) => error.code === 'ERR_INPUT' && error.message.startsWith('stdin, line 1: '));
  });
});

test('a read that fails is one line naming the file read (ERR_INPUT), not the system\'s words alone (was: "EIO: i/o error, read")', async () => {
  const failing = new Readable({
    read() {
      this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', errno: -5, syscall: 'read' }));
    },
  });
  const source = lineSource(() => failing, 'data/in.txt');
  await assert.rejects(source.take(1, 1 << 16), (error: unknown) => error instanceof PrunError && error.code === 'ERR_INPUT' && error.message === 'cannot read INPUT data/in.txt: i/o error');
});
