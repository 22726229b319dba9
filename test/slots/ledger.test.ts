// The per-slot ledger of accepted batches, in-process: what makes "each accepted input ends
// exactly once" true for the pool, shell lanes and the queue.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Batch, newBatchId } from '../../src/model/batch.js';
import { NEWLINE } from '../../src/model/payload.js';
import { type Held, Ledger } from '../../src/slots/ledger.js';

const batchOf = (count: number, isolated = false): Batch => ({
  id: newBatchId(), first: 0, count, payload: Array.from({ length: count }, (_, i) => `in${i}`), separator: NEWLINE, attempt: 1, retried: 0, isolated, fresh: false, origin: undefined,
});
const held = (count: number, isolated = false): Held => ({ batch: batchOf(count, isolated), done: 0 });

describe('Ledger', () => {
  test('reports in parts return where each part starts; the last releases the batch', () => {
    const ledger = new Ledger();
    const entry = held(5);
    ledger.accept(entry);
    assert.equal(ledger.load, 1);
    assert.equal(ledger.report(entry, 2, false), 0);
    assert.equal(ledger.report(entry, 0, false), 2);
    assert.equal(ledger.report(entry, 3, true), 2);
    assert.equal(entry.done, 5);
    assert.equal(ledger.load, 0);
    assert.equal(ledger.holds(entry), false);
    assert.equal(ledger.get(entry.batch.id), undefined);
  });

  test('a report of positions already reported (a batch delivered twice) is not the next one', () => {
    const ledger = new Ledger();
    const entry = held(4);
    ledger.accept(entry);
    assert.equal(ledger.isNext(entry, 0), true);
    assert.equal(ledger.report(entry, 2, false), 0);
    // the copy of that report, and one of the whole batch from its start
    assert.equal(ledger.isNext(entry, 0), false);
    assert.equal(entry.done, 2);
    assert.ok(ledger.holds(entry));
    assert.equal(ledger.isNext(entry, 2), true);
    assert.equal(ledger.report(entry, 2, true), 2);
    assert.equal(ledger.load, 0);
  });

  test('lose hands back every batch held, in the order accepted, each with how far it got, and empties it', () => {
    const ledger = new Ledger();
    const [a, b, c] = [held(3), held(2, true), held(4)];
    for (const entry of [a, b, c]) ledger.accept(entry);
    ledger.report(a, 1, false);
    ledger.report(c, 4, true);
    const lost = ledger.lose();
    assert.deepEqual(lost.map((entry) => [entry.batch.id, entry.done]), [[a.batch.id, 1], [b.batch.id, 0]]);
    assert.equal(ledger.load, 0);
    assert.equal(ledger.holdsIsolated, false);
    assert.deepEqual(ledger.lose(), []);
  });

  test('holds an isolated batch until it is over, released or lost', () => {
    const ledger = new Ledger();
    const suspects = held(1, true);
    const other = held(2);
    ledger.accept(other);
    assert.equal(ledger.holdsIsolated, false);
    ledger.accept(suspects);
    assert.equal(ledger.holdsIsolated, true);
    ledger.report(other, 2, true);
    assert.equal(ledger.holdsIsolated, true, 'another batch ending leaves the suspects held');
    ledger.report(suspects, 1, true);
    assert.equal(ledger.holdsIsolated, false);
    const again = held(1, true);
    ledger.accept(again);
    assert.equal(ledger.release(again), true);
    assert.equal(ledger.holdsIsolated, false);
  });

  test('release is once: a batch released or over is not released again, nor is another of the same id', () => {
    const ledger = new Ledger();
    const entry = held(2, true);
    ledger.accept(entry);
    assert.equal(ledger.release(entry), true);
    assert.equal(ledger.release(entry), false);
    const sameId: Held = { batch: entry.batch, done: 0 };
    ledger.accept(sameId);
    assert.equal(ledger.holds(entry), false);
    assert.equal(ledger.release(entry), false, 'a stale entry does not release the one held now');
    assert.equal(ledger.holds(sameId), true);
    assert.equal(ledger.holdsIsolated, true);
  });

  test('a report after the slot was lost advances the batch without holding it again', () => {
    // shell lanes report what a dead lane had finished before they report the rest lost
    const ledger = new Ledger();
    const entry = held(3);
    ledger.accept(entry);
    const [lost] = ledger.lose();
    assert.equal(ledger.report(lost!, 1, false), 0);
    assert.equal(lost!.done, 1);
    assert.equal(ledger.load, 0);
  });

  test('entries may be released while they are walked, as shell lanes report batches that are over', () => {
    const ledger = new Ledger();
    const entries = [held(1), held(1), held(1)];
    for (const entry of entries) ledger.accept(entry);
    const seen: number[] = [];
    for (const entry of ledger.entries()) {
      seen.push(entry.batch.id);
      ledger.report(entry, 1, true);
    }
    assert.deepEqual(seen, entries.map((entry) => entry.batch.id));
    assert.equal(ledger.load, 0);
  });
});
