import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignalTally } from '../../src/crawl/signal-tally.js';

describe('signal tally', () => {
  test('exact counts per key while they fit, most first, ties by key', () => {
    const tally = new SignalTally(10);
    for (const key of ['b', 'a', 'c', 'a', 'b', 'a']) tally.add(key);
    assert.deepEqual(tally.top(2), [{ key: 'a', count: 3 }, { key: 'b', count: 2 }]);
    assert.deepEqual(tally.top(10).map(({ key }) => key), ['a', 'b', 'c']);
    assert.deepEqual(tally.top(0), []);
  });

  test('bounded: 100,000 keys keep at most the capacity, and a key counted often stays on top', () => {
    const tally = new SignalTally(100);
    for (let i = 0; i < 100_000; i++) {
      tally.add(`host${i}.example`);
      if (i % 10 === 0) tally.add('busy.example');
    }
    assert.equal(tally.counts.length, 100);
    const [top] = tally.top(1);
    assert.equal(top?.key, 'busy.example');
    // its count is at least the true 10,000 and at most that plus what it may have inherited
    assert.ok(top!.count >= 10_000 && top!.count <= 10_000 + 100_000 / 100, String(top!.count));
  });

  test('its counts are plain data that a new tally takes back', () => {
    const tally = new SignalTally(3);
    for (const key of ['a', 'a', 'b']) tally.add(key);
    const again = new SignalTally(3, JSON.parse(JSON.stringify(tally.counts)));
    again.add('b');
    again.add('c');
    assert.deepEqual(again.top(3), [{ key: 'a', count: 2 }, { key: 'b', count: 2 }, { key: 'c', count: 1 }]);
  });
});
