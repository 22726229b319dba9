/**
 * Semi-space size for every worker's V8 heap. Inputs and results die young; V8's default
 * semi-spaces grow to 16 MiB each under prun's allocation rate, in every isolate, which made
 * the tree's memory grow with the length of the input. Forked workers get it as a flag;
 * threads as a resource limit, since any V8 flag on the main process (threads share its
 * flags) made every worker thread take ~16 ms longer to start.
 */
export const WORKER_SEMI_SPACE_MB = 2;
