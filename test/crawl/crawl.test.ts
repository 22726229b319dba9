// Crawling (issue 11): the README's example, fixtures/crawl/fetch.ts, run by the built CLI against
// real HTTP servers on 127.0.0.2, 127.0.0.3, ... (test/helpers/http-hosts.ts). Every limit is
// counted at the servers, from the requests they saw, never from what prun says of itself.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { pageBody, startHosts, type HostRequest, type TestHosts } from '../helpers/http-hosts.js';
import { lines, prun, root } from '../helpers/prun.js';
import { joblogRows, scratchDir } from '../helpers/files.js';
import { waitForLines } from '../helpers/streams.js';

const FETCH = 'fixtures/crawl/fetch.ts';

const dir = scratchDir('crawl');
let files = 0;

function urlsFile(urls: readonly string[]): string {
  const path = join(dir, `urls-${++files}.txt`);
  writeFileSync(path, urls.map((u) => `${u}\n`).join(''));
  return path;
}

/** The line fetch.ts prints for a page the hosts served. */
function pageLine(url: string): string {
  const { hostname, pathname } = new URL(url);
  return `${url}\t200\t${Buffer.byteLength(pageBody(hostname, pathname))}`;
}

/** The URL each request asked for, as the input line that named it. */
function urlOf(hosts: TestHosts, r: HostRequest): string {
  return `${hosts.origins[hosts.addresses.indexOf(r.host)]}${r.path}`;
}

/** How many times the hosts saw each URL. */
function requestCounts(hosts: TestHosts, requests: readonly HostRequest[] = hosts.requests): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(urlOf(hosts, r), (counts.get(urlOf(hosts, r)) ?? 0) + 1);
  return counts;
}

/** A port on 127.0.0.2 where nothing listens: fetching from it fails with ECONNREFUSED. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.2');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A fixed reordering, so a failure can be replayed: every third URL first, then the rest reversed. */
function shuffled<T>(items: readonly T[]): T[] {
  return [...items.filter((_, i) => i % 3 === 0), ...items.filter((_, i) => i % 3 !== 0).reverse()];
}

describe('crawl example (fixtures/crawl)', () => {
  test('fetch.ts fetches every page of three hosts once and prints url, status and size for each', async () => {
    const hosts = await startHosts({ count: 3, latencyMs: 5 });
    try {
      const urls = hosts.urls(20);
      const run = await prun(['map', FETCH, urlsFile(urls), '--threads', '2', '--concurrency', '10', '--unordered']);
      assert.equal(run.exitCode, 0, run.stderr);
      assert.deepEqual(lines(run.stdout).sort(), urls.map(pageLine).sort());
      const counts = requestCounts(hosts);
      assert.deepEqual([...counts.keys()].sort(), [...urls].sort());
      assert.ok([...counts.values()].every((n) => n === 1), 'no URL fetched twice');
    } finally {
      await hosts.close();
    }
  });

  test('serve.mjs prints its URLs, answers 429 past its limit, and says what each host saw when stopped', async () => {
    const child = spawn(process.execPath, ['fixtures/crawl/serve.mjs', '--pages', '2', '--limit', '1', '--latency', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      // it prints its URLs once every host listens; if it died instead, the lines stop short
      const urls: string[] = [];
      for await (const line of createInterface({ input: child.stdout })) {
        urls.push(line);
        if (urls.length === 6) break;
      }
      assert.equal(urls.length, 6, stderr);
      assert.match(urls[0]!, /^http:\/\/127\.0\.0\.2:\d+\/page\/1$/);
      assert.match(urls[1]!, /^http:\/\/127\.0\.0\.3:\d+\/page\/1$/);
      assert.match(urls[5]!, /^http:\/\/127\.0\.0\.4:\d+\/page\/2$/);
      // three requests to one host at once, with a limit of one a second: one is a page, the others 429
      const answers = await Promise.all([urls[0]!, urls[3]!, urls[0]!].map((u) => fetch(u)));
      const statuses = answers.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 429, 429]);
      assert.equal(answers.find((r) => r.status === 429)!.headers.get('retry-after'), '1');
      child.kill('SIGINT');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
      assert.match(stderr, /^127\.0\.0\.2: 1 pages, 2 answered 429, at most 1 pages in any second$/m);
      assert.match(stderr, /^127\.0\.0\.3: 0 pages, 0 answered 429/m);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

// The limiter's flags (--key, --key-concurrency, --key-rate, --rate, --max-throttle, --failed-out)
// and resume by identity are being built on other branches: these tests are written against the
// issue's contract and switched on once those land.
describe('crawl limits, counted at the servers', () => {
  test('--key host --key-rate 8/s: every page once, no 429, and no host sees more than 10 pages in any second', async () => {
    const hosts = await startHosts({ count: 3, limitPerSecond: 10, latencyMs: 20 });
    try {
      const urls = hosts.urls(30);
      const run = await prun(['map', FETCH, urlsFile(urls), '--threads', '2', '--concurrency', '20', '--key', 'host', '--key-rate', '8/s', '--unordered']);
      assert.equal(run.exitCode, 0, run.stderr);
      assert.deepEqual(lines(run.stdout).sort(), urls.map(pageLine).sort());
      assert.equal(hosts.count429(), 0);
      // "the rate plus one" in any sliding second is kept where prun starts the tasks (token-bucket
      // and key-limiter tests, on a fake clock); at the server, a worker stalled longer than an
      // interval on a busy machine lets one more in (README, --key-rate): 10 came so under the
      // whole suite on 2 cores. One more than that, and the server says 429
      for (const host of hosts.addresses) assert.ok(hosts.maxInWindow(host) <= 10, `${host}: ${hosts.maxInWindow(host)} in a second`);
      assert.ok([...requestCounts(hosts).values()].every((n) => n === 1), 'no page fetched twice');
    } finally {
      await hosts.close();
    }
  });

  test('--key-rate 8/s: requests a worker sends late while it loads (its first fetch) bring none of the next ones with them: at most 9 pages of a host in any second (was: 10, in 2 crawls of 9)', async () => {
    const hosts = await startHosts({ count: 3, latencyMs: 20 });
    try {
      const urls = hosts.urls(20);
      const run = await prun(['map', 'fixtures/crawl/fetch-cold.ts', urlsFile(urls), '--threads', '2', '--concurrency', '20', '--key', 'host', '--key-rate', '8/s', '--unordered']);
      assert.equal(run.exitCode, 0, run.stderr);
      assert.deepEqual(lines(run.stdout).sort(), urls.map(pageLine).sort());
      for (const host of hosts.addresses) assert.ok(hosts.maxInWindow(host) <= 9, `${host}: ${hosts.maxInWindow(host)} in a second`);
    } finally {
      await hosts.close();
    }
  });

  test('--key host without --key-rate: a crawl past the hosts\' limit still ends with every page, and backs off: fewer 429s than pages', async () => {
    const hosts = await startHosts({ count: 3, limitPerSecond: 10, latencyMs: 20 });
    try {
      const urls = hosts.urls(30);
      const run = await prun(['map', FETCH, urlsFile(urls), '--threads', '2', '--concurrency', '20', '--key', 'host', '--unordered']);
      assert.equal(run.exitCode, 0, run.stderr);
      assert.deepEqual(lines(run.stdout).sort(), urls.map(pageLine).sort());
      for (const host of hosts.addresses) assert.ok(hosts.maxInWindow(host) <= 10);
      // retrying at once, 40 requests in flight would draw hundreds of 429s
      assert.ok(hosts.count429() < urls.length, `${hosts.count429()} answers 429 for ${urls.length} pages`);
    } finally {
      await hosts.close();
    }
  });

  test('--key-concurrency 2: no host ever has more than 2 requests in flight, across all workers', async () => {
    const hosts = await startHosts({ count: 3, latencyMs: 20 });
    try {
      const urls = hosts.urls(20);
      const run = await prun(['map', FETCH, urlsFile(urls), '--threads', '2', '--concurrency', '10', '--key-concurrency', '2', '--unordered']);
      assert.equal(run.exitCode, 0, run.stderr);
      assert.deepEqual(lines(run.stdout).sort(), urls.map(pageLine).sort());
      for (const host of hosts.addresses) assert.ok(hosts.maxInFlight(host) <= 2, `${host}: ${hosts.maxInFlight(host)} at once`);
      assert.ok(hosts.maxInFlight() >= 2, 'the hosts were fetched from at the same time');
    } finally {
      await hosts.close();
    }
  });

  test('--rate 5/s: the hosts together see at most 7 pages in any second', async () => {
    const hosts = await startHosts({ count: 3, latencyMs: 5 });
    try {
      const urls = hosts.urls(4);
      const run = await prun(['map', FETCH, urlsFile(urls), '--threads', '2', '--concurrency', '10', '--rate', '5/s', '--unordered']);
      assert.equal(run.exitCode, 0, run.stderr);
      assert.equal(lines(run.stdout).length, urls.length);
      // the rate plus one where prun starts them, plus one a stalled worker may let through (see --key-rate above)
      assert.ok(hosts.maxInWindow() <= 7, `${hosts.maxInWindow()} in a second`);
    } finally {
      await hosts.close();
    }
  });

  test('Retry-After is honoured: after a 429 with Retry-After: 2 its host sees nothing for 2 s, and the crawl completes', async () => {
    const hosts = await startHosts({
      count: 2,
      latencyMs: 5,
      retryAfter: 2,
      statusFor: ({ host, nth }) => (host === '127.0.0.2' && nth === 3 ? 429 : undefined),
    });
    try {
      const urls = hosts.urls(6);
      const run = await prun(['map', FETCH, urlsFile(urls), '--threads', '1', '--concurrency', '4', '--key-concurrency', '1', '--unordered']);
      assert.equal(run.exitCode, 0, run.stderr);
      assert.deepEqual(lines(run.stdout).sort(), urls.map(pageLine).sort());
      const a = hosts.requests.filter((r) => r.host === '127.0.0.2');
      const throttledAt = a.findIndex((r) => r.status === 429);
      assert.equal(throttledAt, 2);
      const answered = a[throttledAt]!.answeredAt!;
      // one request of the host at a time: the next one was started after prun saw the 429
      assert.ok(a[throttledAt + 1]!.time >= answered + 2000 - 5, `the next request came ${a[throttledAt + 1]!.time - answered} ms after the 429`);
      // the throttle signal costs no --retries: the throttled page was fetched again and printed once
      assert.equal(requestCounts(hosts).get(urlOf(hosts, a[throttledAt]!)), 2);
    } finally {
      await hosts.close();
    }
  });

  test('a host waiting on Retry-After holds no worker slot: with one slot, the other host is crawled meanwhile', async () => {
    const hosts = await startHosts({
      count: 2,
      latencyMs: 5,
      retryAfter: 3,
      statusFor: ({ host, nth }) => (host === '127.0.0.2' && nth === 1 ? 429 : undefined),
    });
    try {
      const urls = hosts.urls(5);
      // one page of a host at a time, so no second page of 127.0.0.2 is under way when its 429 comes
      const run = await prun(['map', FETCH, urlsFile(urls), '--threads', '1', '--concurrency', '1', '--key', 'host', '--key-concurrency', '1', '--unordered']);
      assert.equal(run.exitCode, 0, run.stderr);
      assert.deepEqual(lines(run.stdout).sort(), urls.map(pageLine).sort());
      const a = hosts.requests.filter((r) => r.host === '127.0.0.2');
      const b = hosts.requests.filter((r) => r.host === '127.0.0.3');
      assert.equal(b.length, 5);
      assert.ok(b.every((r) => r.time < a[1]!.time), 'every page of 127.0.0.3 came before 127.0.0.2 was tried again');
    } finally {
      await hosts.close();
    }
  });

  test('--max-throttle: a host that answers nothing but 429 fails its inputs with ERR_THROTTLED; the other host is crawled whole', async () => {
    const hosts = await startHosts({
      count: 2,
      latencyMs: 5,
      retryAfter: 1,
      statusFor: ({ host }) => (host === '127.0.0.3' ? 429 : undefined),
    });
    try {
      const urls = hosts.urls(5);
      const run = await prun(['map', FETCH, urlsFile(urls), '--threads', '1', '--concurrency', '4', '--key', 'host', '--max-throttle', '3s', '--json', '--unordered']);
      assert.equal(run.exitCode, 1, run.stderr);
      const records = lines(run.stdout).map((l) => JSON.parse(l) as { input: string; result?: string; code?: string; status?: number; retryAfter?: string });
      const [good, bad] = [hosts.origins[0]!, hosts.origins[1]!];
      assert.deepEqual(records.filter((r) => r.input.startsWith(good)).map((r) => r.result).sort(), urls.filter((u) => u.startsWith(good)).map(pageLine).sort());
      const failed = records.filter((r) => r.input.startsWith(bad));
      assert.equal(failed.length, 5);
      // the key's last signal stays in the record (issue 11, item 7)
      assert.ok(failed.every((r) => r.code === 'ERR_THROTTLED' && r.status === 429 && r.retryAfter === '1'), JSON.stringify(failed));
    } finally {
      await hosts.close();
    }
  });

  for (const order of [['--unordered'], []]) {
    test(`without --key${order.length ? ' --unordered' : ', in input order'}: one page answering 503 for ever fails alone, every other page is fetched (was: they failed ERR_THROTTLED, unrequested)`, async () => {
      // the first page of the first host, the run's first input: its throttle begins with it
      const hosts = await startHosts({ count: 2, latencyMs: 5, retryAfter: 1, statusFor: ({ host, path }) => (host === '127.0.0.2' && path === '/page/1' ? 503 : undefined) });
      try {
        const urls = hosts.urls(5);
        const run = await prun(['map', FETCH, urlsFile(urls), '--threads', '1', '--max-throttle', '3s', '--json', ...order]);
        assert.equal(run.exitCode, 1, run.stderr);
        const records = lines(run.stdout).map((l) => JSON.parse(l) as { input: string; result?: string; code?: string });
        const failed = records.filter((r) => r.code !== undefined);
        assert.deepEqual(failed.map((r) => [r.input, r.code]), [[urls[0], 'ERR_THROTTLED']]);
        assert.deepEqual(records.filter((r) => r.code === undefined).map((r) => r.result).sort(), urls.slice(1).map(pageLine).sort());
      } finally {
        await hosts.close();
      }
    });
  }

  test('without --key, in input order, one page answering 503 for ever ahead of 100 others: it fails alone, though the read-ahead fills behind it (was: it was the only input left to try, kept the run throttled, and the run gave up on every page read after it, unrequested)', async () => {
    const hosts = await startHosts({ count: 2, latencyMs: 20, retryAfter: 1, statusFor: ({ host, path }) => (host === '127.0.0.2' && path === '/page/1' ? 503 : undefined) });
    try {
      const [dead] = hosts.urls(1);
      const healthy = hosts.urls(200).filter((url) => url.includes('127.0.0.3')).slice(0, 100);
      const run = await prun(['map', FETCH, urlsFile([dead!, ...healthy]), '--threads', '2', '--concurrency', '4', '--max-throttle', '3s', '--json']);
      assert.equal(run.exitCode, 1, run.stderr);
      const records = lines(run.stdout).map((l) => JSON.parse(l) as { input: string; result?: string; code?: string });
      assert.deepEqual(records.filter((r) => r.code !== undefined).map((r) => [r.input, r.code]), [[dead, 'ERR_THROTTLED']]);
      assert.deepEqual(records.filter((r) => r.code === undefined).map((r) => r.result), healthy.map(pageLine));
    } finally {
      await hosts.close();
    }
  });

  test('--key host: a first page that never answers holds its host back a second, not for good (was: the other pages waited on it, in silence)', async () => {
    // the probe of the host's slow start is the page that hangs
    const server = createHttpServer((request, response) => {
      if (request.url !== '/hang') response.end('ok');
    });
    server.listen(0, '127.0.0.2');
    await once(server, 'listening');
    try {
      const origin = `http://127.0.0.2:${(server.address() as { port: number }).port}`;
      const pages = [1, 2, 3, 4, 5].map((i) => `${origin}/page/${i}`);
      const run = prun(['map', FETCH, urlsFile([`${origin}/hang`, ...pages]), '--threads', '1', '--concurrency', '10', '--key', 'host', '--unordered']);
      await waitForLines(run.stdout!, /\t200\t2$/, pages.length);
      run.kill('SIGINT');
      const result = await run;
      assert.equal(result.exitCode, 130, result.stderr);
      assert.deepEqual(lines(result.stdout).sort(), pages.map((url) => `${url}\t200\t2`).sort());
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('Ctrl-C while pages wait on a throttled host: the summary says how many of those that never ran waited on it (was: the bar alone said it, gone with the stop)', async () => {
    const hosts = await startHosts({ count: 2, latencyMs: 5, retryAfter: 60, statusFor: ({ host }) => (host === '127.0.0.2' ? 429 : undefined) });
    try {
      const urls = hosts.urls(3);
      const run = prun(['map', FETCH, urlsFile(urls), '--threads', '1', '--concurrency', '4', '--key', 'host', '--unordered']);
      // the pages of 127.0.0.3 are out, and prun says the others wait (off a terminal, within a second)
      await waitForLines(run.stderr!, /^prun: 3 inputs wait: a server asks to slow down/);
      run.kill('SIGINT');
      const result = await run;
      assert.equal(result.exitCode, 130, result.stderr);
      assert.deepEqual(lines(result.stdout).sort(), urls.filter((url) => url.includes('127.0.0.3')).map(pageLine).sort());
      assert.match(result.stderr, /^prun: 1 throttle signal \(429\/503\); most from: 127\.0\.0\.2 1; 3 inputs waiting on throttled keys never ran$/m);
      assert.match(lines(result.stderr).at(-1)!, /^prun: 0 of 6 inputs failed, 3 never ran \(interrupted\)$/);
    } finally {
      await hosts.close();
    }
  });

  test('--failed-out writes exactly the inputs that failed, and running on that file runs exactly those again', async () => {
    const hosts = await startHosts({ count: 3, latencyMs: 5 });
    try {
      const port = await closedPort();
      const refused = [1, 2, 3].map((i) => `http://127.0.0.2:${port}/gone/${i}`);
      const good = hosts.urls(5);
      const failedOut = join(dir, `failed-${++files}.txt`);
      const run = await prun(['map', FETCH, urlsFile(shuffled([...good, ...refused])), '--threads', '2', '--concurrency', '5', '--failed-out', failedOut, '--unordered']);
      assert.equal(run.exitCode, 1, run.stderr);
      assert.deepEqual(lines(run.stdout).sort(), good.map(pageLine).sort());
      assert.deepEqual(lines(readFileSync(failedOut, 'utf8').trimEnd()).sort(), [...refused].sort());
      hosts.reset();
      const again = await prun(['map', FETCH, failedOut, '--json', '--unordered']);
      assert.equal(again.exitCode, 1);
      const records = lines(again.stdout).map((l) => JSON.parse(l) as { input: string });
      assert.deepEqual(records.map((r) => r.input).sort(), [...refused].sort());
      assert.equal(hosts.requests.length, 0, 'nothing that had succeeded was fetched again');
    } finally {
      await hosts.close();
    }
  });

  test('resume after SIGKILL with the list shuffled fetches each page once, those running at the kill aside', async () => {
    const hosts = await startHosts({ count: 3, latencyMs: 20 });
    try {
      const urls = hosts.urls(20);
      const joblog = join(dir, `joblog-${++files}.tsv`);
      const first = prun(['map', FETCH, urlsFile(urls), '--threads', '2', '--concurrency', '10', '--key', 'host', '--key-rate', '10/s', '--joblog', joblog, '--unordered']);
      await hosts.waitForRequests(25);
      first.kill('SIGKILL');
      await first;
      await hosts.idle(); // whatever the killed run had sent has arrived
      const before = [...hosts.requests];
      // the joblog's input column: every input it shows as settled
      const logged = new Set((await joblogRows(joblog)).map((row) => row[1]!));
      assert.ok(logged.size > 0 && logged.size < urls.length, `the kill came mid-run (${logged.size} logged)`);
      hosts.reset();
      const second = await prun(['map', FETCH, urlsFile(shuffled(urls)), '--threads', '2', '--concurrency', '10', '--key', 'host', '--key-rate', '10/s', '--joblog', joblog, '--resume', '--unordered']);
      assert.equal(second.exitCode, 0, second.stderr);
      const again = requestCounts(hosts);
      for (const url of urls) {
        if (logged.has(url)) assert.equal(again.get(url), undefined, `${url} was done before the kill, yet fetched again`);
        else assert.equal(again.get(url), 1, `${url} fetched ${again.get(url) ?? 0} times after the resume`);
      }
      assert.deepEqual(lines(second.stdout).sort(), urls.filter((u) => !logged.has(u)).map(pageLine).sort());
      // every page fetched at least once over both runs
      const seen = new Set([...requestCounts(hosts, before).keys(), ...again.keys()]);
      assert.equal(seen.size, urls.length);
    } finally {
      await hosts.close();
    }
  });
});
