/** What bin/prun.js may start before it loads the CLI: an entry of its own, to load little. */
export { prestartThread } from '../runtime/thread-spawn.js';
export { takeStdout } from './stdout-takeover.js';
