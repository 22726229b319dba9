// Floor for I/O-bound work: one Node process keeping INFLIGHT requests in flight with global fetch,
// printing `url<TAB>status<TAB>bytes` a URL. With `retry`, a 429 or 503 waits its Retry-After
// (seconds; 1 s without one) and tries again, as a careful script would; up to 100 tries. With
// `signal`, each fetch gets an AbortSignal of its own, as prun's fixtures/crawl/fetch.ts passes
// ctx.signal (so that --timeout and Ctrl-C abort it): the same work a page as prun's rows do.
// usage: node node-crawl.mjs FILE INFLIGHT [retry] [signal]
import { readFileSync } from 'node:fs';
import { crawl } from './crawl-lanes.mjs';

const [file, inflight = '100', ...modes] = process.argv.slice(2);
const urls = readFileSync(file, 'utf8').split('\n').filter((u) => u !== '');
await crawl(urls, Number(inflight), (text) => process.stdout.write(text), {
  flushLines: 1000,
  retry: modes.includes('retry'),
  signal: modes.includes('signal'),
});
