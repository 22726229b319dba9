import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { concatSources } from '../../src/io/input-source.js';
import { fileLineSource, lineSource } from '../../src/io/line-source.js';
import { scratchDir } from '../helpers/files.js';

const dir = scratchDir('input-source');

/** A pipe's source: its lines, then its end, with nothing to count it ahead. */
function pipeOf(text: string) {
  const stream = new PassThrough();
  stream.end(text);
  return lineSource(() => stream, undefined);
}

test("a pipe, then a regular file: the total is known once the pipe's end is, the file counted ahead (was: only in the file's turn)", { timeout: 60_000 }, async () => {
  const file = join(dir, 'five.txt');
  writeFileSync(file, 'a\nb\nc\nd\ne\n');
  const source = concatSources([pipeOf('1\n2\n3\n'), fileLineSource(file)]);
  source.seekEnd?.();
  source.prefetch?.();
  await source.endSeen!();
  assert.equal(source.remaining(), 8);
  const first = await source.take(2, 1 << 20);
  assert.equal(first?.count, 2);
  assert.equal(source.remaining(), 6);
  source.close();
});

test('a pipe, then another pipe: nothing counts the second ahead, and the total waits for its end', { timeout: 60_000 }, async () => {
  const source = concatSources([pipeOf('1\n'), pipeOf('2\n3\n')]);
  source.seekEnd?.();
  source.prefetch?.();
  assert.equal(source.remaining(), undefined);
  let taken = 0;
  for (let slice = await source.take(10, 1 << 20); slice; slice = await source.take(10, 1 << 20)) taken += slice.count;
  assert.equal(taken, 3);
  assert.equal(source.remaining(), 0);
  source.close();
});
