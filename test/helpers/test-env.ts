/**
 * Loaded before every test file (package.json's test script: `--import`), in the runner and
 * in each file's process. The processes the tests start (prun, its workers, shell lanes,
 * servers) talk over loopback and plain HTTP only, yet Node reads NODE_EXTRA_CA_CERTS at
 * every start where it is set, as on a machine behind a TLS proxy such as this one: a
 * 200 kB bundle, ~50 ms of CPU a start, and the suite starts a few thousand Node processes
 * (test/cli/map.test.ts: 54 CPU-seconds with it, 48 without). It is kept aside, under
 * KEPT_EXTRA_CA_CERTS, for what does reach the network: npm in test/cli/install.test.ts.
 */
export const KEPT_EXTRA_CA_CERTS = 'PRUN_TEST_KEPT_NODE_EXTRA_CA_CERTS';

if (process.env.NODE_EXTRA_CA_CERTS !== undefined) {
  process.env[KEPT_EXTRA_CA_CERTS] ??= process.env.NODE_EXTRA_CA_CERTS;
  delete process.env.NODE_EXTRA_CA_CERTS;
}

/** The environment a process needs to reach the network as the tests' caller could. */
export function networkEnv(): NodeJS.ProcessEnv {
  const kept = process.env[KEPT_EXTRA_CA_CERTS];
  return kept === undefined ? {} : { NODE_EXTRA_CA_CERTS: kept };
}
