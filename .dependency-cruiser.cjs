/**
 * The direction of prun's dependencies, checked in CI (npm run check:deps). Arrows run one way:
 * cli -> api -> engine, and api -> executors (pool, commands, queue) -> {slots, runtime}, with
 * model, errors, io, progress, crawl and system as leaves below them. The executor contract
 * (model/executor.ts) is in the model, which the engine and the executors both import: no
 * executor imports the engine, nor the engine an executor. A rule names the arrow it forbids and why.
 */
/**
 * A folder that imports nothing of prun's but itself and `allowed` (paths below src/, as
 * patterns): the shape of every leaf rule below.
 */
const importsOnly = (name, folder, allowed, comment) => ({
  name,
  severity: 'error',
  comment,
  from: { path: `^src/${folder}/` },
  to: { path: '^src/', pathNot: `^src/(${[`${folder}/`, ...allowed].join('|')})` },
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A file that reaches itself through its imports: no cycle, type imports included.',
      from: { path: '^src' },
      to: { circular: true },
    },
    {
      name: 'only-cli-knows-the-cli',
      severity: 'error',
      comment: 'The library knows nothing of the CLI: only src/cli imports src/cli.',
      from: { path: '^src', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    importsOnly('model-is-a-leaf', 'model', ['errors\\.ts'], "The engine's vocabulary depends on nothing of prun's but itself and the error codes."),
    importsOnly('crawl-is-a-leaf', 'crawl', ['model/', 'errors\\.ts'], "Keys, rates and backoff are pure policy the scheduler consults: they know the model and the error codes, nothing else of prun's."),
    importsOnly('system-is-a-leaf', 'system', [], "Node's own functions, made safe where Node has a bug: they know nothing of prun."),
    importsOnly('io-is-a-leaf', 'io', ['model/', 'system/', 'errors\\.ts'], "Reading inputs and writing files know the model's shapes and nothing of who schedules or runs them."),
    importsOnly('slots-below-the-executors', 'slots', ['model/', 'errors\\.ts'], "The one slot accounting (accept, report, lose with blame; lifecycle; start failures; pick) that the pool, shell lanes and the queue share: it knows the model, the error codes and the executor contract's types, nothing of the executors or their workers."),
    {
      name: 'runtime-below-the-engine',
      severity: 'error',
      comment: 'Workers and their wire format know nothing of how batches are scheduled or shown.',
      from: { path: '^src/(runtime|worker)/' },
      to: { path: '^src/(api|engine|pool|commands|queue|slots|io|progress)/' },
    },
    {
      name: 'engine-below-the-api',
      severity: 'error',
      comment: 'The engine schedules; it does not choose executors or read options.',
      from: { path: '^src/engine/' },
      to: { path: '^src/(api|pool|commands|queue|slots|worker|script)/' },
    },
    {
      name: 'executors-beside-the-engine',
      severity: 'error',
      comment: 'An executor runs batches to the contract in model/executor.ts, not to the engine that sends them.',
      from: { path: '^src/(pool|commands|queue|slots)/' },
      to: { path: '^src/engine/' },
    },
    {
      name: 'executors-below-the-api',
      severity: 'error',
      comment: 'An executor runs batches for the engine; the facade above builds it.',
      from: { path: '^src/(pool|commands|queue)/' },
      to: { path: '^src/api/' },
    },
    {
      name: 'leaves-stay-leaves',
      severity: 'error',
      comment: 'Progress counting and error codes depend on nothing above them.',
      from: { path: '^src/(progress/|errors\\.ts)' },
      to: { path: '^src/', pathNot: '^src/(progress/|errors\\.ts|model/)' },
    },
    {
      name: 'vendors-behind-one-module',
      severity: 'error',
      comment: 'Each third-party package sits behind one small module, so swapping it touches one file.',
      from: { path: '^src', pathNot: '^src/(cli/(main|argv|exec-command|map-command|worker-command|common-options|spinner|progress-line)|commands/lane|script/bundle|queue/bullmq|crawl/registrable-domain|engine/scheduler/timeline)\\.ts$' },
      to: { path: 'node_modules/(commander|ora|cli-progress|execa|esbuild|bullmq|ioredis|tldts|tinyqueue)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist/' },
  },
};
