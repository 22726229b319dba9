import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import type { Delivery, JobRecord } from '../../src/model/delivery.js';
import { rowlessResults } from '../../src/io/joblog.js';
import { PrunError } from '../../src/errors.js';
import { OutputAbandoned, writeResults } from '../../src/io/write-results.js';

function record(index: number, ok = true): JobRecord {
  return { index, input: String(index), ok, status: ok ? 0 : 1, attempts: 1, durationMs: undefined, endedAt: 0, error: ok ? undefined : 'boom' };
}

async function* from(deliveries: Delivery[]): AsyncGenerator<Delivery> {
  yield* deliveries;
}

/** A stream whose writes are taken only when the test says so: `take()` calls back the oldest. */
function heldStream() {
  const callbacks: (() => void)[] = [];
  let taken = 0;
  const out = new Writable({
    highWaterMark: 1 << 20,
    write(_chunk, _encoding, callback) {
      callbacks.push(callback);
    },
  });
  const take = () => {
    taken++;
    callbacks.shift()!();
  };
  return { out, callbacks, take, taken: () => taken };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('writeResults', () => {
  test('a record is told only once the write of the output before it has called back', async () => {
    const { out, callbacks, take, taken } = heldStream();
    const told: string[] = [];
    const done = writeResults(
      from([
        { type: 'text', first: 0, count: 2, text: '0\n1\n' },
        { type: 'records', first: 0, count: 0, records: [record(0), record(1)] },
        { type: 'text', first: 2, count: 1, text: '2\n' },
        { type: 'records', first: 2, count: 0, records: [record(2)] },
      ]),
      out,
      { json: false, encoding: 'utf8', onFailure() {}, onRecords: (records) => told.push(...records.map((r) => `${r.index} after ${taken()} taken`)) },
    );
    // nothing is taken until the test says so: no record may be told meanwhile
    while (callbacks.length === 0) await turn();
    assert.deepEqual(told, []);
    take();
    while (callbacks.length === 0) await turn();
    assert.deepEqual(told, ['0 after 1 taken', '1 after 1 taken']);
    take();
    await done;
    assert.deepEqual(told, ['0 after 1 taken', '1 after 1 taken', '2 after 2 taken']);
  });

  test("an input's stderr is told once the output before it has been taken, so that 2>&1 keeps them in order", async () => {
    const { out, callbacks, take } = heldStream();
    const told: string[] = [];
    const done = writeResults(
      from([
        { type: 'text', first: 0, count: 1, text: 'out\n' },
        { type: 'stderr', first: 0, count: 0, text: 'err\n' },
      ]),
      out,
      { json: false, encoding: 'utf8', onFailure() {}, onStderr: (text) => told.push(text) },
    );
    while (callbacks.length === 0) await turn();
    for (let i = 0; i < 5; i++) await turn();
    assert.deepEqual(told, []);
    take();
    await done;
    assert.deepEqual(told, ['err\n']);
  });

  test('a stream destroyed under its writes ends the writing as a broken pipe, its records never told (was: waited for ever, exit 13)', async () => {
    // what Node does to a child's stdin when the child exits: the pipe to a relay of stdout that hit a full disk
    const { out, callbacks } = heldStream();
    const told: number[] = [];
    const done = writeResults(
      from([
        { type: 'text', first: 0, count: 1, text: '0\n' },
        { type: 'text', first: 1, count: 1, text: '1\n' },
        { type: 'records', first: 1, count: 0, records: [record(0), record(1)] },
      ]),
      out,
      { json: false, encoding: 'utf8', onFailure() {}, onRecords: (records) => told.push(...records.map((r) => r.index)) },
    );
    while (callbacks.length === 0) await turn();
    out.destroy();
    await assert.rejects(done, { name: 'BrokenPipe' });
    assert.deepEqual(told, []);
  });

  for (const code of ['EPIPE', 'ECONNRESET']) {
    test(`a write failing with ${code} is the reader gone: a broken pipe, exit 141 (was: ECONNRESET, from a socket its reader closed with data unread, was exit 74)`, async () => {
      const out = new Writable({
        write(_chunk, _encoding, callback) {
          callback(Object.assign(new Error(`write ${code}`), { code }));
        },
      });
      const done = writeResults(from([{ type: 'text', first: 0, count: 1, text: '0\n' }]), out, { json: false, encoding: 'utf8', onFailure() {} });
      await assert.rejects(done, { name: 'BrokenPipe' });
    });
  }

  test("a failure's record comes after its stderr line", async () => {
    const events: string[] = [];
    const failure = { index: 0, input: 'x', origin: undefined, attempts: 1, error: { code: 'ERR_TASK_FAILED' as const, name: 'Error', message: 'boom' } };
    await writeResults(
      from([
        { type: 'failure', first: 0, count: 1, failure },
        { type: 'records', first: 0, count: 0, records: [record(0, false)] },
      ]),
      new Writable({ write: (_chunk, _encoding, callback) => callback() }),
      {
        json: false,
        encoding: 'utf8',
        onFailure: () => events.push('stderr line'),
        onRecords: () => events.push('row'),
      },
    );
    assert.deepEqual(events, ['stderr line', 'row']);
  });

  test("a failure's record waits until its stderr line is out of the process (was: told at once, while a pipe nobody read held the line back: a crash then left rows of failures never said)", async () => {
    const events: string[] = [];
    const failure = { index: 0, input: 'x', origin: undefined, attempts: 1, error: { code: 'ERR_TASK_FAILED' as const, name: 'Error', message: 'boom' } };
    let lineOut!: () => void;
    let wroteNext!: () => void;
    const nextWritten = new Promise<void>((resolve) => (wroteNext = resolve));
    const writing = writeResults(
      from([
        { type: 'failure', first: 0, count: 1, failure },
        { type: 'records', first: 0, count: 0, records: [record(0, false)] },
        { type: 'text', first: 1, count: 1, text: '1\n' },
      ]),
      new Writable({
        write: (chunk: Buffer, _encoding, callback) => {
          callback();
          if (chunk.toString() === '1\n') wroteNext();
        },
      }),
      {
        json: false,
        encoding: 'utf8',
        onFailure: () => {},
        failuresOut: () => new Promise<void>((resolve) => (lineOut = resolve)),
        onRecords: () => events.push('row'),
      },
    );
    // the writing goes on meanwhile; the row waits
    await nextWritten;
    assert.equal(events.length, 0);
    events.push('line out');
    lineOut();
    await writing;
    assert.deepEqual(events, ['line out', 'row']);
  });

  test('a stderr whose reader does not read holds the writing back: no delivery is taken past a failure line it cannot take in (was: every line held in memory, 1e6 of them 250-600 MB)', async () => {
    const failure = (index: number): Delivery => ({ type: 'failure', first: index, count: 1, failure: { index, input: String(index), origin: undefined, attempts: 1, error: { code: 'ERR_TASK_FAILED' as const, name: 'Error', message: 'boom' } } });
    const stderr = heldStream();
    const smallStderr = new Writable({ highWaterMark: 8, write: (chunk, encoding, callback) => stderr.out.write(chunk, encoding, () => callback()) });
    let pulled = 0;
    async function* deliveries(): AsyncGenerator<Delivery> {
      for (let i = 0; i < 5; i++) {
        pulled++;
        yield failure(i);
      }
    }
    const done = writeResults(deliveries(), new Writable({ write: (_chunk, _encoding, callback) => callback() }), {
      json: false,
      encoding: 'utf8',
      onFailure: (said) => smallStderr.write(`prun: input ${said.index} failed: boom\n`),
      stderr: smallStderr,
    });
    while (stderr.callbacks.length === 0) await turn();
    for (let i = 0; i < 3; i++) await turn();
    assert.equal(pulled, 1, 'the second failure waits until the first line is taken');
    while (pulled < 5 || stderr.callbacks.length > 0) {
      if (stderr.callbacks.length > 0) stderr.take();
      await turn();
    }
    await done;
    assert.equal(stderr.taken(), 5);
  });

  test('a stream that fails with ENOSPC ends the writing with ERR_OUTPUT, and its records are never told', async () => {
    const full = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' }));
      },
    });
    const told: JobRecord[] = [];
    const writing = writeResults(
      from([
        { type: 'text', first: 0, count: 1, text: '0\n' },
        { type: 'records', first: 0, count: 0, records: [record(0)] },
      ]),
      full,
      { json: false, encoding: 'utf8', onFailure() {}, onRecords: (records) => told.push(...records) },
    );
    // with records waiting on the writes, the message says that some results have no row
    await assert.rejects(writing, (error: unknown) => error instanceof PrunError && error.code === 'ERR_OUTPUT' && error.message === `cannot write results: no space left on device${rowlessResults("the joblog's")}`);
    assert.deepEqual(told, []);
  });

  test('a record that cannot be written ends the writing with its error', async () => {
    const writing = writeResults(
      from([
        { type: 'text', first: 0, count: 1, text: '0\n' },
        { type: 'records', first: 0, count: 0, records: [record(0)] },
        { type: 'text', first: 1, count: 1, text: '1\n' },
      ]),
      new Writable({ write: (_chunk, _encoding, callback) => callback() }),
      {
        json: false,
        encoding: 'utf8',
        onFailure() {},
        onRecords() {
          throw new PrunError('ERR_OUTPUT', 'cannot write --joblog j: no space left on device');
        },
      },
    );
    await assert.rejects(writing, (error: unknown) => error instanceof PrunError && error.code === 'ERR_OUTPUT');
  });

  test('told to give up, a reader that takes what comes gets all of it and its records (was: given up at once, the results the stop let out never written)', async () => {
    const { out, callbacks, take } = heldStream();
    const told: number[] = [];
    const giveUp = new AbortController();
    giveUp.abort();
    const done = writeResults(
      from([
        { type: 'text', first: 0, count: 1, text: '0\n' },
        { type: 'records', first: 0, count: 0, records: [record(0)] },
      ]),
      out,
      { json: false, encoding: 'utf8', onFailure() {}, onRecords: (records) => told.push(...records.map((r) => r.index)), giveUp: giveUp.signal },
    );
    let over = false;
    void done.then(
      () => (over = true),
      () => (over = true),
    );
    while (callbacks.length === 0 && !over) await turn();
    if (callbacks.length > 0) take();
    await done;
    assert.deepEqual(told, [0]);
  });

  test('told to give up, a reader that takes nothing for a while ends the writing with OutputAbandoned, and what it did take is counted out', async () => {
    const { out, callbacks, take } = heldStream();
    const told: number[] = [];
    const giveUp = new AbortController();
    const writing = writeResults(
      from([
        { type: 'text', first: 0, count: 1, text: '0\n' },
        { type: 'records', first: 0, count: 0, records: [record(0)] },
        { type: 'text', first: 1, count: 1, text: '1\n' },
        { type: 'records', first: 1, count: 0, records: [record(1)] },
      ]),
      out,
      { json: false, encoding: 'utf8', onFailure() {}, onRecords: (records) => told.push(...records.map((r) => r.index)), giveUp: giveUp.signal, stalledReaderMs: 20 },
    );
    while (callbacks.length === 0) await turn();
    take();
    // the second write waits for the reader, which takes nothing more
    while (callbacks.length === 0) await turn();
    giveUp.abort();
    await assert.rejects(writing, (error: unknown) => error instanceof OutputAbandoned && error.out.succeeded === 1);
    assert.deepEqual(told, [0]);
  });

  // what libuv says a pipe's handle still holds of the writes it took; what the relay of stdout
  // has not said it wrote (was: not read, so a slow reader through the relay was given up on at once)
  for (const [how, holding] of [
    ['a pipe', (out: object, bytes: { left: number }) => Object.assign(out, { _handle: { get writeQueueSize() { return bytes.left; } } })],
    ['the relay of stdout', (out: object, bytes: { left: number }) => Object.defineProperty(out, 'unconfirmedBytes', { get: () => bytes.left })],
  ] as const) test(`told to give up, a reader that takes part of a large write within each patience is not given up on; one that stops is (was: given up on as it read): ${how}`, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { out, callbacks } = heldStream();
    const handle = { left: 100 };
    holding(out, handle);
    const giveUp = new AbortController();
    giveUp.abort();
    const writing = writeResults(from([{ type: 'text', first: 0, count: 1, text: 'x'.repeat(100) }]), out, {
      json: false,
      encoding: 'utf8',
      onFailure() {},
      giveUp: giveUp.signal,
      stalledReaderMs: 1000,
    });
    let over = false;
    void writing.then(
      () => (over = true),
      () => (over = true),
    );
    while (callbacks.length === 0) await turn();
    for (const left of [80, 60, 40]) {
      handle.left = left;
      t.mock.timers.tick(1000);
      await turn();
      assert.equal(over, false, `given up on with ${left} bytes left, taking`);
    }
    t.mock.timers.tick(1000);
    await assert.rejects(writing, (error: unknown) => error instanceof OutputAbandoned);
  });
});
