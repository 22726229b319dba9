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
    if (i % 3 === 0) taken += buffer.take(Math.floor(buffer.length / 2)).toString();
  }
  taken += buffer.take(buffer.length).toString();
  assert.equal(taken, expected);
  assert.equal(buffer.length, 0);
});

test('what take() gives is a copy: later appends do not change it', () => {
  const buffer = new GrowingBuffer();
  buffer.append(Buffer.from('abc'));
  const first = buffer.take(3);
  buffer.append(Buffer.from('xyz'));
  assert.equal(first.toString(), 'abc');
  assert.equal(buffer.view().toString(), 'xyz');
});
