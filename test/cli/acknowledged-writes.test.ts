// The stream into the relay of stdout that confirms its writes (--threads --joblog, stdout a
// file): a write is called back when the relay's count covers it, never when it is only in
// the pipe, in process against in-memory pipes.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { AcknowledgedWrites } from '../../src/cli/acknowledged-writes.js';

function relay() {
  const toRelay = new PassThrough();
  const acks = new PassThrough();
  const stream = new AcknowledgedWrites(toRelay, acks);
  const called: string[] = [];
  const write = (text: string, encoding: BufferEncoding = 'utf8') =>
    stream.write(text, encoding, (error) => called.push(error ? `${text}: ${(error as NodeJS.ErrnoException).code}` : text));
  /** Lets the streams' queued events run. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { toRelay, acks, stream, called, write, settle };
}

describe('AcknowledgedWrites', () => {
  test('a write is called back once the relay has written all its bytes, in order', async () => {
    const { toRelay, acks, called, write, settle } = relay();
    write('abc\n');
    write('de\n');
    await settle();
    assert.equal(String(toRelay.read()), 'abc\nde\n');
    assert.deepEqual(called, []);
    acks.write('3\n');
    await settle();
    assert.deepEqual(called, []);
    acks.write('4\n');
    await settle();
    assert.deepEqual(called, ['abc\n']);
    // a count may arrive in pieces; only a whole line counts
    acks.write('6');
    await settle();
    assert.deepEqual(called, ['abc\n']);
    acks.write('\n7\n');
    await settle();
    assert.deepEqual(called, ['abc\n', 'de\n']);
  });

  test('bytes are counted in the encoding written: é is two in UTF-8, one in latin1', async () => {
    const { acks, called, write, settle } = relay();
    write('é');
    write('é', 'latin1');
    acks.write('1\n');
    await settle();
    assert.deepEqual(called, []);
    acks.write('2\n');
    await settle();
    assert.deepEqual(called, ['é']);
    acks.write('3\n');
    await settle();
    assert.deepEqual(called, ['é', 'é']);
  });

  test('the relay ends before confirming: the writes it did not confirm fail as into a closed pipe', async () => {
    const { acks, stream, called, write, settle } = relay();
    write('ab');
    write('cd');
    acks.write('2\n');
    await settle();
    const closed = new Promise((resolve) => stream.once('close', resolve));
    acks.end();
    await closed;
    assert.deepEqual(called, ['ab', 'cd: EPIPE']);
  });

  test('the relay confirms a write still held by a full pipe, then goes: the write is called back, not failed (was: it failed, and the results the reader got had no row: a flaky CI run)', async () => {
    // a pipe of 4 bytes that never drains: the relay read them and went before its 'drain'
    const toRelay = new PassThrough({ highWaterMark: 4 });
    const acks = new PassThrough();
    const stream = new AcknowledgedWrites(toRelay, acks);
    const called: string[] = [];
    const write = (text: string) => stream.write(text, (error) => called.push(error ? `${text}: ${(error as NodeJS.ErrnoException).code}` : text));
    write('ab');
    write('cdef'); // overfills the pipe: the pipe calls it back only at a 'drain' that never comes
    write('gh'); // never reaches the pipe
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(toRelay.readableLength, 6);
    const closed = new Promise((resolve) => stream.once('close', resolve));
    acks.end('6\n');
    await closed;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(called, ['ab', 'cdef', 'gh: EPIPE']);
  });

  test('the relay ends while nothing waits: the stream closes, so the writer stops', async () => {
    const { acks, stream } = relay();
    const closed = new Promise((resolve) => stream.once('close', resolve));
    acks.end();
    acks.resume();
    await closed;
    assert.equal(stream.destroyed, true);
  });

  test('ending the stream ends the pipe to the relay; its confirmation then closes nothing early', async () => {
    const { toRelay, acks, stream, called, write, settle } = relay();
    write('xy');
    stream.end();
    toRelay.resume();
    await once(toRelay, 'end');
    acks.end('2\n');
    await settle();
    assert.deepEqual(called, ['xy']);
    assert.equal(stream.destroyed, false);
  });
});
