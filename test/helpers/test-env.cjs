// Loaded before every test file (package.json's test script: --require), in the runner, in
// each file's process, and in what inherits their flags (worker threads): CommonJS, as a worker
// thread has no TypeScript loader. The processes the tests start (prun, its workers, shell
// lanes, servers) talk over loopback and plain HTTP only, yet Node reads NODE_EXTRA_CA_CERTS at
// every start where it is set, as on a machine behind a TLS proxy such as this one: a 200 kB
// bundle, ~50 ms of CPU a start, and the suite starts a few thousand Node processes
// (test/cli/map.test.ts: 54 CPU-seconds with it, 48 without). It is kept aside for what does
// reach the network: npm in test/cli/install.test.ts (test/helpers/network-env.ts).
'use strict';
const KEPT = 'PRUN_TEST_KEPT_NODE_EXTRA_CA_CERTS';
if (process.env.NODE_EXTRA_CA_CERTS !== undefined) {
  if (process.env[KEPT] === undefined) process.env[KEPT] = process.env.NODE_EXTRA_CA_CERTS;
  delete process.env.NODE_EXTRA_CA_CERTS;
}
