/**
 * What `import ... from 'prun'` gives a user's script: compiled into the script itself (see
 * src/script/bundle.ts), so it works wherever the script runs, on a queue's other machines too,
 * with no package to install there. Keep it small: every script that imports it carries it.
 */
export { throttled, ThrottledError, type ThrottledResponse } from './api/throttled.js';
export type { Task, TaskContext } from './worker/user-module.js';
