import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFinal, formatProgress } from '../../src/cli/progress-line.js';
import { describeThrottles } from '../../src/cli/report.js';
import type { ProgressSnapshot } from '../../src/progress/tracker.js';

const snapshot = (more: Partial<ProgressSnapshot>): ProgressSnapshot => ({
  succeeded: 40,
  failed: 0,
  retried: 0,
  notRun: 0,
  resumed: 0,
  total: 100,
  elapsedMs: 5000,
  rate: 8,
  etaMs: 7500,
  throttled: 0,
  signals: { total: 0, top: [] },
  ...more,
});

test('the progress line names the keys with the most throttle signals, and what waits on them (issue 11, item 7)', () => {
  const throttled = snapshot({
    throttled: 12,
    signals: { total: 6, top: [{ key: '127.0.0.2', count: 3 }, { key: '127.0.0.3', count: 2 }, { key: '', count: 1 }] },
  });
  const line = formatProgress(throttled, { bar: false, width: 200 });
  assert.match(line, / \| 12 waiting on throttled keys \| 6 throttle signals \(127\.0\.0\.2 3, 127\.0\.0\.3 2, \(no key\) 1\)$/);
  assert.match(formatFinal(throttled), /, 0 failed \| 12 waiting on throttled keys \| 6 throttle signals \(127\.0\.0\.2 3, 127\.0\.0\.3 2, \(no key\) 1\)$/);
  const one = snapshot({ signals: { total: 1, top: [{ key: '127.0.0.2', count: 1 }] } });
  assert.match(formatProgress(one, { bar: false, width: 200 }), / \| 1 throttle signal \(127\.0\.0\.2 1\)$/);
});

test('on an 80-column terminal the line keeps what waits and the keys with the most signals: the time, the ETA and the long words give way (was: cut before the keys)', () => {
  const throttled = snapshot({ succeeded: 26, total: 120, throttled: 24, signals: { total: 14, top: [{ key: '127.0.0.1', count: 9 }, { key: '127.0.0.2', count: 5 }] } });
  for (const bar of [false, true]) {
    const line = formatProgress(throttled, { bar, width: 79 });
    assert.ok(line.length <= 79, line);
    assert.match(line, /26\/120 21% \| 8\.0\/s \| 0 failed \| 24 waiting \| 14 signals \(127\.0\.0\.1 9, /);
  }
  // with room, the whole line as before
  assert.match(formatProgress(throttled, { bar: false, width: 200 }), /ETA .* \| 24 waiting on throttled keys \| 14 throttle signals/);
});

test('the summary names the keys with the most throttle signals; without keys, it counts them all the same', () => {
  const keyed = snapshot({ signals: { total: 5, top: [{ key: 'a.example', count: 4 }, { key: 'b.example', count: 1 }] } });
  assert.equal(describeThrottles(keyed), 'prun: 5 throttle signals (429/503); most from: a.example 4, b.example 1');
  assert.equal(describeThrottles(snapshot({ signals: { total: 1, top: [] } })), 'prun: 1 throttle signal (429/503)');
  assert.equal(describeThrottles(snapshot({})), undefined);
  // a run stopped while inputs waited on throttled keys: those of its never-ran
  assert.equal(describeThrottles(snapshot({ signals: { total: 2, top: [] }, throttledAtStop: 1 })), 'prun: 2 throttle signals (429/503); 1 input waiting on throttled keys never ran');
});

test('without throttle signals the progress line says nothing of keys', () => {
  assert.doesNotMatch(formatProgress(snapshot({}), { bar: false, width: 200 }), /throttl/);
});

test('the progress line fits its width, the throttle part giving way first', () => {
  const line = formatProgress(snapshot({ signals: { total: 6, top: [{ key: 'a-very-long-host-name.example', count: 6 }] } }), { bar: false, width: 60 });
  assert.equal(line.length, 60);
  assert.ok(line.startsWith('40/100 40% |'), line);
});

test('a run stopped early is not shown complete: inputs that never ran are not done', () => {
  const stopped = snapshot({ succeeded: 4, notRun: 16, total: 20 });
  assert.match(formatFinal(stopped), /^4\/20 20% in /);
  assert.match(formatProgress(stopped, { bar: false, width: 200 }), /^4\/20 20% \| /);
  assert.match(formatFinal(snapshot({ succeeded: 4, notRun: 16, total: undefined })), /^4 done in /);
});

test('under --memfree or --load, while the machine holds every start back, the progress line says why nothing starts', () => {
  assert.match(formatProgress(snapshot({ machineShort: 'memory' }), { bar: false, width: 200 }), / \| 0 failed \| waiting for free memory \(--memfree\)$/);
  assert.match(formatProgress(snapshot({ machineShort: 'load', total: undefined }), { bar: false, width: 200 }), / \| 0 failed \| waiting for the load to drop \(--load\)$/);
  assert.match(formatProgress(snapshot({}), { bar: false, width: 200 }), / \| 0 failed$/);
  // the summary at the end says nothing of it: the run is over
  assert.doesNotMatch(formatFinal(snapshot({ machineShort: 'memory' })), /waiting/);
});
