import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ORPHAN_POLLS, POLL_PATIENCE_MS, ProducerWatch } from '../../src/queue/producer-watch.js';

/** How many answers of `beat`, each quick, until the watch takes the producer for dead (Infinity: never, in 100). */
function answersUntilDead(watch: ProducerWatch, beat: string | undefined, tookMs = 1): number {
  for (let answer = 1; answer <= 100; answer++) if (watch.heard(beat, tookMs)) return answer;
  return Infinity;
}

describe('ProducerWatch', () => {
  test('the same beat, answered at once, ORPHAN_POLLS times after the first: the producer is taken for dead', () => {
    assert.equal(answersUntilDead(new ProducerWatch(), '7'), ORPHAN_POLLS + 1);
  });

  test('a producer that never beat (its run older than the watch) is taken for dead the same way', () => {
    assert.equal(answersUntilDead(new ProducerWatch(), undefined), ORPHAN_POLLS + 1);
  });

  test('a beat that moves on starts the count again', () => {
    const watch = new ProducerWatch();
    for (let answer = 0; answer < ORPHAN_POLLS; answer++) assert.equal(watch.heard('1', 1), false);
    assert.equal(watch.heard('2', 1), false);
    assert.equal(answersUntilDead(watch, '2'), ORPHAN_POLLS);
  });

  test('slow answers (Redis busy or away for everyone) count for nothing', () => {
    const watch = new ProducerWatch();
    watch.heard('1', 1);
    for (let answer = 0; answer < 50; answer++) assert.equal(watch.heard('1', POLL_PATIENCE_MS + 1), false);
    assert.equal(answersUntilDead(watch, '1'), ORPHAN_POLLS);
  });
});
