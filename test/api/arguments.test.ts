import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describe } from '../../src/api/arguments.js';
import { withArgumentBytes } from '../../src/model/byte-string.js';

test('describe() quotes a bad value as people read it: a byte of the command line that is not UTF-8 as U+FFFD (was: "x\\udce9y" for --total, -j, --concurrency...)', () => {
  const [argument] = withArgumentBytes(['x\uFFFDy'], [Buffer.from([0x78, 0xe9, 0x79])]);
  assert.equal(describe(argument), '"x\uFFFDy"');
  assert.equal(describe('plain'), '"plain"');
  assert.equal(describe(1.5), '1.5');
  assert.equal(describe(() => 1), 'a function');
});
