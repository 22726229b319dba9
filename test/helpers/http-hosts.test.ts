// The crawl tests count limits at these servers, so the servers' own counting must be right. A
// fake clock makes the sliding window deterministic: no test here depends on how fast it runs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maxInWindow, pageBody, startHosts } from './http-hosts.js';

async function get(url: string): Promise<{ status: number; retryAfter: string | null; body: string }> {
  const res = await fetch(url);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
}

describe('maxInWindow', () => {
  test('counts the most times in any window (t - 1000, t], the window the server limits', () => {
    // (−1, 999] holds 0, 500, 999; (0, 1000] drops 0: the edge is open on the left
    assert.equal(maxInWindow([0, 500, 999, 1000, 1999]), 3);
    assert.equal(maxInWindow([0, 1000, 2000]), 1);
    assert.equal(maxInWindow([1000, 0, 500, 999]), 3, 'order does not matter');
    assert.equal(maxInWindow([]), 0);
    assert.equal(maxInWindow([0, 10, 20, 30], 15), 2);
  });
});

describe('startHosts', () => {
  test('past limitPerSecond a host answers 429 with Retry-After; other hosts and the next second are not affected', async () => {
    let now = 0;
    const hosts = await startHosts({ count: 2, limitPerSecond: 3, latencyMs: 0, clock: () => now });
    try {
      const [a, b] = hosts.origins as [string, string];
      for (let i = 1; i <= 3; i++) assert.equal((await get(`${a}/page/${i}`)).status, 200);
      now = 999;
      const refused = await get(`${a}/page/4`);
      assert.equal(refused.status, 429);
      assert.equal(refused.retryAfter, '1');
      assert.equal((await get(`${b}/page/1`)).status, 200, 'each host has its own limit');
      now = 1000; // the three 200s at 0 have left the window (1000 - 1000, 1000]
      assert.equal((await get(`${a}/page/4`)).status, 200);
      const host = hosts.addresses[0]!;
      assert.equal(hosts.count429(), 1);
      assert.equal(hosts.count429(host), 1);
      assert.equal(hosts.count200(host), 4);
      assert.equal(hosts.maxInWindow(host), 3);
      assert.equal(hosts.peakPerSecond(host), 3, 'the running count agrees with the one from the log');
      assert.equal(hosts.maxInWindow(), 4, "all hosts together: (−1, 999] holds a's three and b's one");
      assert.deepEqual(
        hosts.requests.map((r) => [r.time, r.host, r.path, r.status]),
        [
          [0, host, '/page/1', 200],
          [0, host, '/page/2', 200],
          [0, host, '/page/3', 200],
          [999, host, '/page/4', 429],
          [999, hosts.addresses[1], '/page/1', 200],
          [1000, host, '/page/4', 200],
        ],
      );
    } finally {
      await hosts.close();
    }
  });

  test('a 429 (throttled) answer does not count against the limit; Retry-After is configurable or absent', async () => {
    const now = 0;
    const hosts = await startHosts({ count: 1, limitPerSecond: 1, latencyMs: 0, retryAfter: 7, clock: () => now });
    const silent = await startHosts({ count: 1, limitPerSecond: 1, latencyMs: 0, retryAfter: null, firstAddress: 3, clock: () => now });
    try {
      const a = hosts.origins[0]!;
      assert.deepEqual([(await get(a)).status, (await get(a)).status, (await get(a)).status], [200, 429, 429]);
      assert.equal((await get(a)).retryAfter, '7');
      assert.equal(hosts.maxInWindow(hosts.addresses[0]), 1);
      assert.equal(hosts.count429(), 3);
      await get(silent.origins[0]!);
      const refused = await get(silent.origins[0]!);
      assert.equal(refused.status, 429);
      assert.equal(refused.retryAfter, null);
    } finally {
      await hosts.close();
      await silent.close();
    }
  });

  test('urls() interleaves the hosts page by page; each page names its path and host', async () => {
    const hosts = await startHosts({ count: 2, latencyMs: 0 });
    try {
      const [a, b] = hosts.origins as [string, string];
      assert.match(a, /^http:\/\/127\.0\.0\.2:\d+$/);
      assert.match(b, /^http:\/\/127\.0\.0\.3:\d+$/);
      assert.deepEqual(hosts.urls(2), [`${a}/page/1`, `${b}/page/1`, `${a}/page/2`, `${b}/page/2`]);
      const page = await get(`${b}/page/2`);
      assert.equal(page.status, 200);
      assert.equal(page.body, pageBody('127.0.0.3', '/page/2'));
      assert.match(page.body, /\/page\/2 on 127\.0\.0\.3/);
    } finally {
      await hosts.close();
    }
  });

  test('statusFor answers a chosen request instead, counted per host from 1', async () => {
    const hosts = await startHosts({ count: 1, latencyMs: 0, statusFor: ({ nth }) => (nth === 2 ? 503 : undefined) });
    try {
      const a = hosts.origins[0]!;
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await get(a)).status);
      assert.deepEqual(statuses, [200, 503, 200]);
      assert.equal(hosts.count429(), 0, '503 is not counted as 429');
    } finally {
      await hosts.close();
    }
  });

  test('maxInFlight counts the requests waiting for their answer; close() ends them, answers still waiting included', async () => {
    // the longest latency: no answer leaves while the test looks
    const hosts = await startHosts({ count: 2, latencyMs: 10_000 });
    const a = hosts.origins[0]!;
    const fetches = Array.from({ length: 4 }, (_, i) => fetch(`${a}/page/${i}`).then(() => 'answered', () => 'cut'));
    await hosts.waitForRequests(4);
    assert.equal(hosts.maxInFlight(hosts.addresses[0]), 4);
    assert.equal(hosts.maxInFlight(hosts.addresses[1]), 0);
    assert.equal(hosts.maxInFlight(), 4);
    // server.close() alone would wait for these answers, whose timers close() has cleared: for ever
    await hosts.close();
    assert.deepEqual(await Promise.all(fetches), ['cut', 'cut', 'cut', 'cut']);
  });

  test('bad options are refused at once', async () => {
    await assert.rejects(startHosts({ count: 0 }), RangeError);
    await assert.rejects(startHosts({ count: 1, latencyMs: 60_000 }), RangeError);
    await assert.rejects(startHosts({ count: 1, limitPerSecond: 0.5 }), RangeError);
  });
});
