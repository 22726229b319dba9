import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { JobRecord } from '../../src/model/delivery.js';
import { PrunError } from '../../src/errors.js';
import { Joblog } from '../../src/io/joblog.js';
import { readJoblogRows } from '../../src/io/joblog-rows.js';
import { fillDisk, useSmallDisk } from '../helpers/small-disk.js';
import { scratchDir } from '../helpers/files.js';

const HEADER = 'index\tinput\tstatus\tattempts\tduration\terror\n';

const dir = scratchDir('joblog');
let files = 0;

function file(content?: string): string {
  const path = join(dir, `joblog-${++files}.tsv`);
  if (content !== undefined) writeFileSync(path, content);
  return path;
}

function record(index: number, input = String(index)): JobRecord {
  return { index, input, ok: true, status: 0, attempts: 1, durationMs: 1, endedAt: 0, error: undefined };
}

/** The joblog's rows as `text ok`, in the order written. */
function rowsOf(path: string): string[] {
  const rows: string[] = [];
  readJoblogRows(path, 'utf8', 'prun', (text, ok) => rows.push(`${text} ${ok ? 'ok' : 'failed'}`));
  return rows;
}

function isCode(code: string) {
  return (error: unknown) => error instanceof PrunError && error.code === code;
}

describe('Joblog.open', () => {
  test('a new file gets the header; rows are appended after it', () => {
    const path = file();
    const log = Joblog.open(path, () => assert.fail('no warning'));
    log.write([record(0), record(1, 'a\tb')]);
    log.close();
    assert.equal(readFileSync(path, 'utf8'), `${HEADER}0\t0\t0\t1\t0.001\t\n1\ta\\tb\t0\t1\t0.001\t\n`);
  });

  test('a torn last row is dropped with one warning, so that the next row is not glued to it (was: read back as a failure)', () => {
    const path = file(`${HEADER}0\t0\t0\t1\t0.001\t\n1\t1\t0\t1\t0.0`);
    const warnings: string[] = [];
    const log = Joblog.open(path, (line) => warnings.push(line));
    log.write([record(2)]);
    log.close();
    assert.equal(warnings.length, 1);
    assert.equal(readFileSync(path, 'utf8'), `${HEADER}0\t0\t0\t1\t0.001\t\n2\t2\t0\t1\t0.001\t\n`);
    assert.deepEqual(rowsOf(path), ['0 ok', '2 ok']);
  });

  test('a torn last row longer than the chunk read back at a time', () => {
    const path = file(`${HEADER}0\t0\t0\t1\t0.001\t\n1\t${'x'.repeat(200_000)}`);
    let warned = 0;
    Joblog.open(path, () => warned++).close();
    assert.equal(warned, 1);
    assert.equal(readFileSync(path, 'utf8'), `${HEADER}0\t0\t0\t1\t0.001\t\n`);
  });

  test('a torn header is written again', () => {
    const path = file(HEADER.slice(0, 10));
    let warned = 0;
    Joblog.open(path, () => warned++).close();
    assert.equal(warned, 1);
    assert.equal(readFileSync(path, 'utf8'), HEADER);
  });

  test('/dev/zero is refused (ERR_USAGE): it would be read forever', () => {
    assert.throws(() => Joblog.open('/dev/zero', () => {}), isCode('ERR_USAGE'));
  });

  test('a directory cannot be opened (ERR_INPUT)', () => {
    const path = join(dir, `a-directory-${++files}`);
    mkdirSync(path);
    assert.throws(() => Joblog.open(path, () => {}), isCode('ERR_INPUT'));
  });

  test('a file that is not a prun joblog is refused and left as it was', () => {
    const path = file('some notes\nof mine');
    assert.throws(() => Joblog.open(path, () => {}), isCode('ERR_USAGE'));
    assert.equal(readFileSync(path, 'utf8'), 'some notes\nof mine');
  });
});

describe('Joblog.write on a full disk', () => {
  const smallDisk = useSmallDisk(join(dir, 'small-disk'));

  test('a write that does not fit is taken back whole: ERR_OUTPUT, and the file ends with its last whole row', (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    const path = join(mount, 'joblog.tsv');
    const log = Joblog.open(path, () => {});
    // fill the disk but for the joblog's first page
    fillDisk(mount);
    let index = 0;
    let size = statSync(path).size;
    // rows of a kilobyte: the write that crosses the page's end is partly written, then fails
    assert.throws(() => {
      for (;;) {
        log.write([record(index++, 'x'.repeat(1000))]);
        size = statSync(path).size;
      }
    }, (error: unknown) => isCode('ERR_OUTPUT')(error) && /no space left on device/.test((error as Error).message));
    log.close();
    const content = readFileSync(path, 'utf8');
    assert.equal(content.length, size);
    assert.ok(content.endsWith('\n'));
    assert.equal(rowsOf(path).length, index - 1);
  });
});

test("GNU parallel's joblog (prun exec's): Seq from 1, Exitval and Signal in columns 7 and 8, the input in Command; --resume reads it", () => {
  const path = file('');
  const log = Joblog.open(path, () => {}, 'gnu');
  log.write([
    { index: 0, input: 'a', ok: true, status: 0, attempts: 1, durationMs: 5, endedAt: 1_700_000_000_005, error: undefined },
    { index: 1, input: 'b', ok: false, status: 3, attempts: 1, durationMs: 5, endedAt: 0, error: 'exit 3' },
    { index: 2, input: 'c', ok: false, status: 1, attempts: 1, durationMs: 5, endedAt: 0, error: 'killed by SIGTERM', code: 'ERR_EXIT_STATUS', signal: 'SIGTERM' },
    // GNU parallel's for a job it ended for --timeout (was: Exitval 1, Signal 0)
    { index: 3, input: 'd', ok: false, status: 1, attempts: 1, durationMs: 1000, endedAt: 0, error: 'timed out after 1s', code: 'ERR_TIMEOUT' },
  ]);
  log.close();
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  assert.equal(header, 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand');
  assert.deepEqual(rows.map((row) => row.split('\t').filter((_, i) => [0, 1, 6, 7, 8].includes(i))), [['1', ':', '0', '0', 'a'], ['2', ':', '3', '0', 'b'], ['3', ':', '0', '15', 'c'], ['4', ':', '-1', '15', 'd']]);
  assert.deepEqual(rowsOf(path), ['a ok', 'b failed', 'c failed', 'd failed']);
  // when it started, not when its row was written (was: the time of writing less the duration)
  assert.equal(rows[0]!.split('\t')[2], '1700000000.000');
});

test("a joblog GNU parallel started with --joblog +FILE, without a header, is appended to as it is; prun's own refuses it (was: refused for exec too)", () => {
  const row = '1\t:\t1.000\t     0.010\t0\t2\t0\t0\techo a\n';
  const path = file(row);
  const log = Joblog.open(path, () => {}, 'gnu');
  log.write([{ index: 1, input: 'b', ok: true, status: 0, attempts: 1, durationMs: 5, endedAt: 1_700_000_000_005, error: undefined }]);
  log.close();
  const rows = readFileSync(path, 'utf8').split('\n');
  assert.equal(rows[0], row.trimEnd());
  assert.equal(rows[1]!.split('\t')[8], 'b');
  assert.throws(() => Joblog.open(file(row), () => {}, 'prun'), (error: unknown) => error instanceof PrunError && error.code === 'ERR_USAGE');
});
