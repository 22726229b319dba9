import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Timeline } from '../../../src/engine/scheduler/timeline.js';

describe('Timeline', () => {
  it('gives items soonest first, and those of one time in the order they came', () => {
    const timeline = new Timeline<string>();
    timeline.add('late', 30);
    timeline.add('first at 10', 10);
    timeline.add('second at 10', 10);
    timeline.add('at 20', 20);
    assert.equal(timeline.nextAt, 10);
    assert.deepEqual(timeline.drain(), ['first at 10', 'second at 10', 'at 20', 'late']);
    assert.equal(timeline.nextAt, undefined);
  });

  it('takes only what is due, and an empty-string item too', () => {
    const timeline = new Timeline<string>();
    timeline.add('', 5);
    timeline.add('later', 50);
    assert.equal(timeline.takeDue(4), undefined);
    assert.equal(timeline.takeDue(5), '');
    assert.equal(timeline.takeDue(49), undefined);
    assert.equal(timeline.nextAt, 50);
    assert.equal(timeline.takeDue(60), 'later');
    assert.equal(timeline.takeDue(60), undefined);
  });

  it('puts the item taken last back in its place, ahead of a tie that came after it', () => {
    const timeline = new Timeline<string>();
    timeline.add('a', 0);
    timeline.add('b', 0);
    assert.equal(timeline.takeDue(0), 'a');
    timeline.putBack();
    timeline.add('c', 0);
    assert.deepEqual(timeline.drain(), ['a', 'b', 'c']);
  });
});
