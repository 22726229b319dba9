// The fetching both Node crawl contenders do (node-crawl.mjs, node-crawl-pool.mjs), written once
// so that "the same work a page" stays the same: global fetch, the whole body read, a line
// `url<TAB>status<TAB>bytes` a page. Plain Node, no dependencies.
import { setTimeout as sleep } from 'node:timers/promises';

const MAX_TRIES = 100;

/**
 * One page. With `signal`, the fetch gets an AbortSignal of its own, as prun's
 * fixtures/crawl/fetch.ts passes ctx.signal; with `retry`, a 429 or 503 waits its Retry-After
 * (seconds; 1 s without one) and tries again, as a careful script would; up to 100 tries.
 */
async function fetchPage(url, { retry = false, signal = false } = {}) {
  for (let tries = 1; ; tries++) {
    const res = await fetch(url, signal ? { signal: new AbortController().signal } : undefined);
    const body = await res.arrayBuffer();
    if (retry && (res.status === 429 || res.status === 503) && tries < MAX_TRIES) {
      await sleep(1000 * (Number(res.headers.get('retry-after')) || 1));
      continue;
    }
    return `${url}\t${res.status}\t${body.byteLength}`;
  }
}

/**
 * Fetches `urls` with `inflight` requests in flight, handing the lines to `send` as text,
 * `flushLines` lines at a time (and the rest at the end).
 */
export async function crawl(urls, inflight, send, { flushLines, ...modes }) {
  let out = [];
  let next = 0;
  async function lane() {
    while (next < urls.length) {
      // awaited first: `out.push(await ...)` would push into the array `out` was before the wait
      const line = await fetchPage(urls[next++], modes);
      out.push(line);
      if (out.length === flushLines) {
        send(out.join('\n') + '\n');
        out = [];
      }
    }
  }
  await Promise.all(Array.from({ length: inflight }, lane));
  if (out.length > 0) send(out.join('\n') + '\n');
}
