// Real HTTP hosts on loopback addresses (127.0.0.2, 127.0.0.3, ...) for the crawl tests: each
// records every request and answers 429 past a per-host limit, so that limits are counted at the
// server, not in prun. The servers are fixtures/crawl/hosts.mjs, the file the crawl demo and the
// bench run too; this adds what tests need on top: waiting for requests as events.
import {
  startHosts as startPlainHosts,
  type HostRequest,
  type Hosts,
  type HostsOptions,
} from '../../fixtures/crawl/hosts.mjs';

export { maxInWindow, pageBody, type HostRequest, type HostsOptions } from '../../fixtures/crawl/hosts.mjs';

export interface TestHosts extends Hosts {
  /** Resolves once `n` requests matching `which` (all, by default) have arrived since the start or reset. */
  waitForRequests(n: number, which?: (request: HostRequest) => boolean): Promise<void>;
}

type Waiter = { n: number; which: (request: HostRequest) => boolean; seen: number; resolve: () => void };

export async function startHosts(options: HostsOptions): Promise<TestHosts> {
  const waiters = new Set<Waiter>();
  const hosts = await startPlainHosts({
    ...options,
    onRequest(request) {
      options.onRequest?.(request);
      for (const w of waiters) {
        if (w.which(request) && ++w.seen >= w.n) {
          waiters.delete(w);
          w.resolve();
        }
      }
    },
  });
  return Object.assign(hosts, {
    waitForRequests(n: number, which: (request: HostRequest) => boolean = () => true): Promise<void> {
      const seen = hosts.requests.filter(which).length;
      if (seen >= n) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.add({ n, which, seen, resolve }));
    },
  });
}
