import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { JobRecord } from '../../src/model/delivery.js';
import { PrunError } from '../../src/errors.js';
import { FinishedInputs, finishedInJoblog } from '../../src/io/finished-inputs.js';
import { Joblog, type JoblogFormat } from '../../src/io/joblog.js';
import { scratchDir } from '../helpers/files.js';

const HEADER = 'index\tinput\tstatus\tattempts\tduration\terror\n';
const GNU_HEADER = 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n';

const dir = scratchDir('finished');
let files = 0;

function file(content: string): string {
  const path = join(dir, `joblog-${++files}.tsv`);
  writeFileSync(path, content);
  return path;
}

/** A joblog written by prun itself, of these inputs and whether each succeeded. */
function joblogOf(rows: [string, boolean][], format: JoblogFormat = 'prun'): string {
  const path = join(dir, `joblog-${++files}.tsv`);
  const log = Joblog.open(path, () => assert.fail('no warning'), format);
  log.write(rows.map(([input, ok], index): JobRecord => ({ index, input, ok, status: ok ? 0 : 1, attempts: 1, durationMs: 1, endedAt: 0, error: ok ? undefined : 'boom' })));
  log.close();
  return path;
}

/** Which of `inputs`, asked about in this order, the finished inputs leave out. */
function leftOut(finished: FinishedInputs, inputs: string[]): string[] {
  return inputs.filter((input) => finished.take(input));
}

describe('FinishedInputs', () => {
  test('the k-th occurrence of a text is finished while the joblog has k rows of it', () => {
    const finished = new FinishedInputs();
    for (const text of ['a', 'b', 'a']) finished.add(text);
    assert.deepEqual(leftOut(finished, ['a', 'c', 'a', 'b', 'a', 'b']), ['a', 'a', 'b']);
  });

  test('an entry goes once its rows are used up: memory shrinks as the run meets its inputs', () => {
    const finished = new FinishedInputs();
    for (const text of ['a', 'a', 'b']) finished.add(text);
    assert.equal(finished.size, 2);
    finished.take('a');
    assert.equal(finished.size, 2);
    finished.take('a');
    assert.equal(finished.size, 1);
    finished.take('b');
    assert.equal(finished.size, 0);
    assert.equal(finished.take('a'), false);
  });
});

describe('finishedInJoblog', () => {
  test('--resume after a shuffled, extended list: only the new inputs are left to run', () => {
    const path = joblogOf([['a', true], ['b', false], ['c', true]]);
    const list = ['d', 'c', 'b', 'e', 'a'];
    const finished = finishedInJoblog(path, false, (text) => text, 'utf8', 'prun');
    assert.deepEqual(list.filter((input) => !finished.take(input)), ['d', 'e']);
  });

  test('--resume-failed: the failed and the never logged run, the succeeded do not', () => {
    const path = joblogOf([['a', true], ['b', false], ['c', true]]);
    const finished = finishedInJoblog(path, true, (text) => text, 'utf8', 'prun');
    assert.deepEqual(['c', 'b', 'd', 'a'].filter((input) => !finished.take(input)), ['b', 'd']);
  });

  test('duplicates: as many occurrences of a text are finished as it has rows', () => {
    const path = joblogOf([['x', true], ['y', true], ['x', true]]);
    const finished = finishedInJoblog(path, false, (text) => text, 'utf8', 'prun');
    assert.deepEqual(['x', 'x', 'x', 'y', 'y'].filter((input) => !finished.take(input)), ['x', 'y']);
  });

  test('--resume-failed after a rerun that succeeded: both occurrences of a text are done, though one row of it failed', () => {
    // x failed, then a --resume-failed run ran it again and it succeeded
    const path = joblogOf([['x', false], ['x', true], ['x', true]]);
    const finished = finishedInJoblog(path, true, (text) => text, 'utf8', 'prun');
    assert.deepEqual(['x', 'x'].filter((input) => !finished.take(input)), []);
  });

  test('texts with tabs, newlines, NULs and backslashes match the inputs they were written from', () => {
    const inputs = ['a\tb', 'line\nbreak', 'one\0two', 'back\\slash', '\\t not a tab', 'cr\r'];
    for (const format of ['prun', 'gnu'] as const) {
      const path = joblogOf(inputs.map((input) => [input, true]), format);
      const finished = finishedInJoblog(path, false, (text) => text, 'utf8', format);
      assert.deepEqual(inputs.filter((input) => !finished.take(input)), [], format);
      assert.equal(finished.size, 0);
    }
  });

  test("a joblog GNU parallel wrote: its Command column, tabs and all, succeeded when Exitval and Signal are 0", () => {
    const path = file(`${GNU_HEADER}1\t:\t1.000\t     0.010\t0\t2\t0\t0\techo a\n2\t:\t1.000\t     0.010\t0\t2\t3\t0\tprintf '%s\\t' b\n3\t:\t1.000\t     0.010\t0\t2\t0\t15\techo c\n`);
    const finished = finishedInJoblog(path, true, (text) => text, 'utf8', 'gnu');
    assert.deepEqual(leftOut(finished, ['echo a', "printf '%s\t' b", 'echo c']), ['echo a']);
    assert.equal(finishedInJoblog(path, false, (text) => text, 'utf8', 'gnu').size, 3);
  });

  test("a joblog GNU parallel started with --joblog +FILE has no header: its rows are read as GNU parallel's (was: refused)", () => {
    const path = file(`1\t:\t1.000\t     0.010\t0\t2\t0\t0\techo a\n2\t:\t1.000\t     0.010\t0\t2\t3\t0\techo b\n`);
    assert.deepEqual(leftOut(finishedInJoblog(path, true, (text) => text, 'utf8', 'gnu'), ['echo a', 'echo b']), ['echo a']);
  });

  test('a key names inputs and rows alike', () => {
    const path = joblogOf([['/tmp/run-1/block-0', true], ['/tmp/run-1/block-1', true]]);
    const finished = finishedInJoblog(path, false, (text) => text.replace(/.*\//, ''), 'utf8', 'prun');
    assert.deepEqual(leftOut(finished, ['block-1', 'block-2']), ['block-1']);
  });

  test('a missing joblog has no rows', () => {
    assert.equal(finishedInJoblog(join(dir, 'none.tsv'), false, (text) => text, 'utf8', 'prun').size, 0);
  });

  test('a row that is not a joblog row is an error naming the file and line (ERR_INPUT)', () => {
    const path = file(`${HEADER}0\ta\t0\t1\t0.001\t\nnot a row\n`);
    assert.throws(
      () => finishedInJoblog(path, false, (text) => text, 'utf8', 'prun'),
      (error: unknown) => error instanceof PrunError && error.code === 'ERR_INPUT' && error.message.startsWith(`${path}:3:`),
    );
  });

  test('a joblog longer than the chunk read at a time, with a character of several bytes across chunks', () => {
    const inputs = Array.from({ length: 3000 }, (_, i) => `é${i}`.padEnd(40, 'ü'));
    const path = joblogOf(inputs.map((input) => [input, true]));
    assert.ok(readFileSync(path).length > 1 << 17);
    const finished = finishedInJoblog(path, false, (text) => text, 'utf8', 'prun');
    assert.deepEqual(inputs.filter((input) => !finished.take(input)), []);
  });
});
