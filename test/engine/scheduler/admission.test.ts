import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Batch, inputsOf } from '../../../src/model/batch.js';
import { Admission } from '../../../src/engine/scheduler/admission.js';
import { NEWLINE } from '../../../src/model/payload.js';

const batchOf = (inputs: string[], first = 0): Batch => ({
  id: 1, first, count: inputs.length, payload: new TextEncoder().encode(inputs.map((i) => `${i}\n`).join('')), separator: NEWLINE,
  attempt: 1, retried: 0, isolated: false, fresh: false, origin: { file: 'in.txt', line: first + 1 },
});
const shape = (parts: Batch[]) => parts.map((b) => [b.first, inputsOf(b, 0, b.count, 'text').join(','), b.key, b.origin?.line]);

test('without --resume or --key a batch passes as it is, its inputs never split', () => {
  const batch = batchOf(['a', 'b']);
  assert.deepEqual(new Admission({ skip: undefined, keyOf: undefined, naming: 'text' }, () => assert.fail()).admit(batch), [batch]);
});

test('--resume: inputs left out in runs, kept ones in runs, indexes and lines kept', () => {
  const resumed: [number, number][] = [];
  const admission = new Admission({ skip: (input) => input.startsWith('done'), keyOf: undefined, naming: 'text' }, (first, count) => resumed.push([first, count]));
  const parts = admission.admit(batchOf(['done1', 'done2', 'a', 'b', 'done3', 'c'], 10));
  assert.deepEqual(resumed, [[10, 2], [14, 1]]);
  assert.deepEqual(shape(parts), [[12, 'a,b', undefined, 13], [15, 'c', undefined, 16]]);
});

test('--key: each input alone with its key; left-out ones still counted', () => {
  const resumed: [number, number][] = [];
  const admission = new Admission({ skip: (input) => input === 'h1/x', keyOf: (input) => input.split('/')[0]!, naming: 'text' }, (first, count) => resumed.push([first, count]));
  const parts = admission.admit(batchOf(['h1/a', 'h1/x', 'h2/b']));
  assert.deepEqual(shape(parts), [[0, 'h1/a', 'h1', 1], [2, 'h2/b', 'h2', 3]]);
  assert.deepEqual(resumed, [[1, 1]]);
});

test('--key of a job\'s arguments (prun exec: --colsep\'s columns, a value of each source): its tab-separated fields (was: joined by spaces, field:1 was the whole job)', () => {
  const args = ['x\u00001', 'x\u00002', 'y\u00003'];
  const batch: Batch = { ...batchOf([]), count: args.length, payload: args };
  const admission = new Admission({ skip: undefined, keyOf: (input) => input.split('\t')[0]!, naming: 'bytes' }, () => assert.fail());
  assert.deepEqual(admission.admit(batch).map((part) => part.key), ['x', 'x', 'y']);
});
