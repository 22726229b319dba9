import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { retryAfterMs, throttleSignal } from '../../src/crawl/throttle-signal.js';
import { taskFailed, timedOut, type Failure } from '../../src/model/failure.js';

const NOW = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

function thrown(fields: Record<string, unknown>): Failure {
  return taskFailed(Object.assign(new Error('x'), fields));
}

describe('throttle signals', () => {
  test('a status or statusCode of 429 or 503 is a throttle signal; other failures are not', () => {
    assert.deepEqual(throttleSignal(thrown({ status: 429 }), NOW), { retryAfterMs: undefined });
    assert.deepEqual(throttleSignal(thrown({ status: 503 }), NOW), { retryAfterMs: undefined });
    assert.deepEqual(throttleSignal(thrown({ statusCode: 429 }), NOW), { retryAfterMs: undefined });
    assert.deepEqual(throttleSignal({ code: 'ERR_TASK_FAILED', name: 'Error', message: 'x', fields: { statusCode: 503 } }, NOW), { retryAfterMs: undefined });
    // a status some client gives as text is one (was: '429' no signal, the input failed at once)
    assert.deepEqual(throttleSignal(thrown({ status: '429' }), NOW), { retryAfterMs: undefined });
    for (const status of [200, 404, 500, 502, '429 Too Many Requests']) assert.equal(throttleSignal(thrown({ status }), NOW), undefined, String(status));
    assert.equal(throttleSignal(thrown({}), NOW), undefined);
    assert.equal(throttleSignal(timedOut(1000), NOW), undefined);
  });

  test("a throttle signal carries the error's retryAfter, in milliseconds", () => {
    assert.deepEqual(throttleSignal(thrown({ status: 429, retryAfter: 30 }), NOW), { retryAfterMs: 30_000 });
    assert.deepEqual(throttleSignal(thrown({ status: 503, retryAfter: '120' }), NOW), { retryAfterMs: 120_000 });
    assert.deepEqual(throttleSignal(thrown({ status: 429, retryAfter: 'Wed, 21 Oct 2015 07:28:05 GMT' }), NOW), { retryAfterMs: 5000 });
    assert.deepEqual(throttleSignal(thrown({ status: 429, retryAfter: 'whenever' }), NOW), { retryAfterMs: undefined });
  });

  test('Retry-After: seconds as a number or as the header says them, or an HTTP date', () => {
    assert.equal(retryAfterMs(0, NOW), 0);
    assert.equal(retryAfterMs(1.5, NOW), 1500);
    assert.equal(retryAfterMs(' 7 ', NOW), 7000);
    assert.equal(retryAfterMs('Wed, 21 Oct 2015 07:29:00 GMT', NOW), 60_000);
    // the other two date formats RFC 9110 says a recipient must read
    assert.equal(retryAfterMs('Wednesday, 21-Oct-15 07:29:00 GMT', NOW), 60_000);
    assert.equal(retryAfterMs('Wed Oct 21 07:29:00 2015', NOW), 60_000);
  });

  test("an asctime date names no zone, and is in GMT all the same, whatever the machine's zone (was: read in the machine's, 5 hours off in New York: a review)", () => {
    const zone = process.env.TZ;
    try {
      for (const tz of ['America/New_York', 'Asia/Tokyo']) {
        process.env.TZ = tz;
        assert.equal(retryAfterMs('Wed Oct 21 07:29:00 2015', NOW), 60_000, tz);
        assert.equal(retryAfterMs('Wed, 21 Oct 2015 07:29:00 GMT', NOW), 60_000, tz);
        assert.equal(retryAfterMs('Wed Oct  1 07:29:00 2015', NOW - 20 * 86_400_000), 60_000, tz);
        // dates that name their zone are read as they say, outside the HTTP grammar too
        for (const date of ['Wed, 21 Oct 2015 09:29:00 +02:00', 'Wed, 21 Oct 2015 03:29:00 EDT', '2015-10-21T07:29:00Z', '2015-10-21T07:29:00+00:00']) {
          assert.equal(retryAfterMs(date, NOW), 60_000, `${date} in ${tz}`);
        }
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  test('a date already past is no wait; what is neither seconds nor a date is none', () => {
    assert.equal(retryAfterMs('Wed, 21 Oct 2015 07:00:00 GMT', NOW), 0);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '', '-5', 'soon', '1e3', '2015-13-45', 'Oct 2015', 'Wed, 21 Oct 2015', '21 October']) {
      assert.equal(retryAfterMs(bad, NOW), undefined, String(bad));
    }
  });
});
