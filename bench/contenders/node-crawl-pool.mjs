// The shape of prun's crawl rows without prun: N worker threads (or N forked processes), each
// keeping INFLIGHT fetches in flight over its share of the URLs with an AbortSignal a fetch (the
// work of fixtures/crawl/fetch.ts), sending `url<TAB>status<TAB>bytes` lines to the parent, which
// prints them. What a pool of isolates costs before any of prun's own work: each compiles and
// warms up undici on its own, and N of them share the machine's cores.
// usage: node node-crawl-pool.mjs FILE threads|procs N INFLIGHT
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { crawl } from './crawl-lanes.mjs';

/** Lines a member sends its parent at a time. */
const FLUSH_LINES = 25;

function crawlShare(urls, inflight, send) {
  return crawl(urls, inflight, send, { flushLines: FLUSH_LINES, signal: true });
}

if (process.argv[2] === '--child') {
  // a forked member: its share arrives over IPC, its lines go back the same way
  process.once('message', async ({ urls, inflight }) => {
    await crawlShare(urls, inflight, (text) => process.send(text));
    process.disconnect();
  });
} else if (!isMainThread) {
  await crawlShare(workerData.urls, workerData.inflight, (text) => parentPort.postMessage(text));
} else {
  const [file, kind, n, inflight] = process.argv.slice(2);
  const urls = readFileSync(file, 'utf8').split('\n').filter((u) => u !== '');
  const members = Number(n);
  for (let m = 0; m < members; m++) {
    const share = { urls: urls.filter((_, i) => i % members === m), inflight: Number(inflight) };
    const print = (text) => process.stdout.write(text);
    if (kind === 'threads') new Worker(new URL(import.meta.url), { workerData: share }).on('message', print);
    else fork(new URL(import.meta.url), ['--child']).on('message', print).send(share);
  }
}
