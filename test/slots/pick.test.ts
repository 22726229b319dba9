// The least-loaded pick with the isolation rule, in-process, on slots of the shared accounting.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Batch, newBatchId } from '../../src/model/batch.js';
import { NEWLINE } from '../../src/model/payload.js';
import { type Held, Ledger } from '../../src/slots/ledger.js';
import { Lifecycle } from '../../src/slots/lifecycle.js';
import { leastLoaded } from '../../src/slots/pick.js';

class TestSlot extends Lifecycle {
  readonly ledger = new Ledger<Held>();
  constructor(readonly name: string, batches: number, options: { isolated?: boolean; ready?: boolean } = {}) {
    super();
    if (options.ready !== false) this.moveTo('ready');
    for (let i = 0; i < batches; i++) this.ledger.accept({ batch: batchOf(options.isolated === true && i === 0), done: 0 });
  }
}

const batchOf = (isolated: boolean): Batch => ({
  id: newBatchId(), first: 0, count: 1, payload: ['x'], separator: NEWLINE, attempt: 1, retried: 0, isolated, fresh: false, origin: undefined,
});

const nameOf = (slot: TestSlot | undefined) => slot?.name;

describe('leastLoaded', () => {
  test('the ready slot with the fewest batches under the limit; ties go to the first', () => {
    const slots = [new TestSlot('a', 2), new TestSlot('b', 1), new TestSlot('c', 1), new TestSlot('d', 0, { ready: false })];
    assert.equal(nameOf(leastLoaded(slots, false, 4)), 'b');
    assert.equal(nameOf(leastLoaded(slots, false, 1)), undefined, 'every ready slot is at the limit');
  });

  test('a batch that runs alone takes only an empty slot', () => {
    const slots = [new TestSlot('a', 1), new TestSlot('b', 0), new TestSlot('c', 0)];
    assert.equal(nameOf(leastLoaded(slots, true, 4)), 'b');
    assert.equal(nameOf(leastLoaded(slots.slice(0, 1), true, 4)), undefined);
  });

  test('a slot holding a batch that runs alone takes nothing more', () => {
    const slots = [new TestSlot('a', 1, { isolated: true }), new TestSlot('b', 3)];
    assert.equal(nameOf(leastLoaded(slots, false, 4)), 'b');
    assert.equal(nameOf(leastLoaded(slots, false, 3)), undefined);
  });

  test('only slots that are `open` count, and a starting, ending or dead one never does', () => {
    const ending = new TestSlot('ending', 0);
    ending.moveTo('ending');
    const dead = new TestSlot('dead', 0);
    dead.die();
    const slots = [ending, dead, new TestSlot('full', 0), new TestSlot('open', 1)];
    assert.equal(nameOf(leastLoaded(slots, false, 2, (slot) => slot.name !== 'full')), 'open');
    assert.equal(nameOf(leastLoaded(slots, false, 2)), 'full');
  });
});
