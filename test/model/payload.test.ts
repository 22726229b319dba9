import assert from 'node:assert/strict';
import { test } from 'node:test';
import { payloadSize } from '../../src/model/payload.js';

test("a payload's size: its bytes, or its strings' lengths, other values counting nothing", () => {
  assert.equal(payloadSize(new TextEncoder().encode('ab\ncd\n')), 6);
  assert.equal(payloadSize(new Uint8Array(new ArrayBuffer(100), 10, 5)), 5);
  assert.equal(payloadSize(['ab', 'cde', 7, { x: 1 }]), 5);
});
