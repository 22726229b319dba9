import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GrowingBuffer } from '../../src/io/growing-buffer.js';

test('bytes come out as they went in, across growth and the reuse of what was taken', () => {
  const buffer = new GrowingBuffer();
  let expected = '';
  let taken = '';
  for (let i = 0; i < 2000; i++) {
    const chunk = `${i},`.repeat(1 + (i % 97));
    buffer.append(Buffer.from(chunk));
    expected += chunk;
    assert.equal(buffer.view().toString(), expected.slice(taken.length));
    if (i % 3 === 0) taken += buffer.takeView(Math.floor(buffer.length / 2)).toString();
  }
  taken += buffer.takeView(buffer.length).toString();
  assert.equal(taken, expected);
  assert.equal(buffer.length, 0);
});

test('takeView: views valid until the next append, and with room for a block and a read the buffer is never outgrown, however many blocks pass (was: doubled to twice a block under --pipe --block)', () => {
  // past Buffer's pool (4 KiB): a buffer grown would be an ArrayBuffer of its own
  const block = 50_000;
  const read = 8192;
  const buffer = new GrowingBuffer(block + read);
  const memory = buffer.view().buffer;
  let expected = '';
  let taken = '';
  for (let i = 0; i < 3000; i++) {
    const chunk = String(i % 10).repeat(1 + ((i * 7919) % read));
    buffer.append(Buffer.from(chunk));
    expected += chunk;
    while (buffer.length >= block) {
      const view = buffer.takeView(block);
      taken += view.toString();
      assert.equal(view.buffer, memory, `outgrown after ${taken.length} bytes`);
    }
  }
  taken += buffer.takeView(buffer.length).toString();
  assert.equal(taken, expected);
});
