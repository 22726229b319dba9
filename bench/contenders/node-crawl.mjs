// Floor for I/O-bound work: one Node process keeping INFLIGHT requests in flight with global fetch,
// printing `url<TAB>status<TAB>bytes` a URL. With `retry`, a 429 or 503 waits its Retry-After
// (seconds; 1 s without one) and tries again, as a careful script would; up to 100 tries. With
// `signal`, each fetch gets an AbortSignal of its own, as prun's fixtures/crawl/fetch.ts passes
// ctx.signal (so that --timeout and Ctrl-C abort it): the same work a page as prun's rows do.
// usage: node node-crawl.mjs FILE INFLIGHT [retry] [signal]
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const [file, inflight = '100', ...modes] = process.argv.slice(2);
const retry = modes.includes('retry');
const withSignal = modes.includes('signal');
const urls = readFileSync(file, 'utf8').split('\n').filter((u) => u !== '');
const MAX_TRIES = 100;

async function get(url) {
  for (let tries = 1; ; tries++) {
    const res = await fetch(url, withSignal ? { signal: new AbortController().signal } : undefined);
    const body = await res.arrayBuffer();
    if (retry && (res.status === 429 || res.status === 503) && tries < MAX_TRIES) {
      await sleep(1000 * (Number(res.headers.get('retry-after')) || 1));
      continue;
    }
    return `${url}\t${res.status}\t${body.byteLength}`;
  }
}

let out = [];
let next = 0;
async function lane() {
  while (next < urls.length) {
    // awaited first: `out.push(await ...)` would push into the array `out` was before the wait
    const line = await get(urls[next++]);
    out.push(line);
    if (out.length === 1000) {
      process.stdout.write(out.join('\n') + '\n');
      out = [];
    }
  }
}
await Promise.all(Array.from({ length: Number(inflight) }, lane));
if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
