// The states of a worker or shell lane, and the moves between them, in-process.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canMove, Lifecycle, type SlotState } from '../../src/slots/lifecycle.js';

const STATES: SlotState[] = ['starting', 'ready', 'retiring', 'ending', 'dead'];

describe('Lifecycle', () => {
  test('a slot starts, becomes ready, retires, ends and dies, in that order only', () => {
    const slot = new Lifecycle();
    assert.equal(slot.state, 'starting');
    assert.equal(slot.moveTo('retiring'), false, 'a worker that never ran cannot have run its share');
    assert.equal(slot.moveTo('ready'), true);
    assert.equal(slot.moveTo('starting'), false);
    assert.equal(slot.moveTo('retiring'), true);
    assert.equal(slot.moveTo('ready'), false, 'a retiring worker takes nothing more');
    assert.equal(slot.moveTo('ending'), true);
    assert.equal(slot.die(), 'ending');
    assert.equal(slot.state, 'dead');
  });

  test('a ready word after the slot was told to end changes nothing', () => {
    const slot = new Lifecycle();
    assert.equal(slot.moveTo('ending'), true);
    assert.equal(slot.moveTo('ready'), false);
    assert.equal(slot.moveTo('ending'), false, 'told to end twice: still ending');
    assert.equal(slot.state, 'ending');
  });

  test('death comes from any state, and says which; only a dead slot starts again', () => {
    for (const state of STATES) {
      const slot = new Lifecycle();
      if (state !== 'starting') for (const step of STATES.slice(1, STATES.indexOf(state) + 1)) slot.moveTo(step);
      assert.equal(slot.state, state);
      assert.equal(slot.die(), state);
      assert.equal(slot.moveTo('starting'), true, 'a shell lane reuses its slot number');
    }
  });

  test('no state moves to itself, and nothing leaves death but a new start', () => {
    for (const state of STATES) assert.equal(canMove(state, state), false, state);
    assert.deepEqual(STATES.filter((to) => canMove('dead', to)), ['starting']);
    assert.deepEqual(STATES.filter((to) => canMove('ending', to)), ['dead']);
  });
});
