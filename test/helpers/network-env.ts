/** Where test/helpers/test-env.cjs keeps NODE_EXTRA_CA_CERTS aside for the tests' run. */
const KEPT = 'PRUN_TEST_KEPT_NODE_EXTRA_CA_CERTS';

/** The environment a process needs to reach the network as the tests' caller could (npm). */
export function networkEnv(): NodeJS.ProcessEnv {
  const kept = process.env[KEPT];
  return kept === undefined ? {} : { NODE_EXTRA_CA_CERTS: kept };
}
