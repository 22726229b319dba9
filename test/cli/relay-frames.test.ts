// The frames prun hands its writes to the relay of stdout in: read back whole, however the pipe
// cuts them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameReader, frameHeader } from '../../src/cli/relay-frames.js';

const framed = (...writes: string[]): Buffer => Buffer.concat(writes.flatMap((text) => [frameHeader(Buffer.byteLength(text)), Buffer.from(text)]));

test('writes come back whole and in order, however the stream is cut: at every byte, and one chunk for all', () => {
  const writes = ['0 first\n', '', 'a longer write\nof two lines\n', 'é\n'];
  const stream = framed(...writes);
  for (let cut = 0; cut <= stream.length; cut++) {
    const reader = new FrameReader();
    const got = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))].map(String);
    assert.deepEqual(got, writes, `cut at ${cut}`);
  }
  const byByte = new FrameReader();
  const got: string[] = [];
  for (const byte of stream) got.push(...byByte.push(Buffer.from([byte])).map(String));
  assert.deepEqual(got, writes);
});

test('a write whose bytes have not all come is held, not given in part', () => {
  const reader = new FrameReader();
  const stream = framed('0123456789');
  assert.deepEqual(reader.push(stream.subarray(0, 9)), []);
  assert.deepEqual(reader.push(stream.subarray(9)).map(String), ['0123456789']);
});
