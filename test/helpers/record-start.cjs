// Preloaded into every Node process of a run (NODE_OPTIONS=--require): each appends its pid
// to $PRUN_TEST_STARTS, so that a test can count the processes prun started, not only those
// that reached the user's script.
const { appendFileSync } = require('node:fs');
const { isMainThread } = require('node:worker_threads');
if (process.env.PRUN_TEST_STARTS && isMainThread) appendFileSync(process.env.PRUN_TEST_STARTS, `${process.pid}\n`);
