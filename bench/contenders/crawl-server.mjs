// The crawl case's site: 3 hosts on 127.0.0.2-4 answering in 20 ms, the same servers as the
// README's demo and the crawl tests (fixtures/crawl/hosts.mjs). Forked by bench/cases/crawl.ts with
// an IPC channel: it says where it listens, then before each run takes the run's limit (forgetting
// what earlier runs did) and after it reports what the hosts saw. It ends with its parent.
import { startHosts } from '../../fixtures/crawl/hosts.mjs';

const hosts = await startHosts({ count: 3, latencyMs: 20, retryAfter: 1 });
process.on('message', (message) => {
  if (message.type === 'reset') {
    hosts.reset();
    hosts.setLimit(message.limitPerSecond ?? undefined);
    process.send({ type: 'reset' });
  } else if (message.type === 'stats') {
    const peak = Math.max(...hosts.addresses.map((h) => hosts.maxInWindow(h)));
    process.send({ type: 'stats', pages: hosts.count200(), throttled: hosts.count429(), peak });
  }
});
// the parent ended, or closed the channel: nothing is left behind
process.on('disconnect', () => void hosts.close().then(() => process.exit(0)));
process.send({ type: 'ready', origins: hosts.origins });
