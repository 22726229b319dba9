import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { toErrorData } from '../runtime/error-data.js';
import {
  BRAND,
  type FromWorker,
  type ItemFailure,
  type ToWorker,
  type WorkerConfig,
} from '../runtime/protocol.js';
import { formatResult } from './format-result.js';
import { splitPayload } from './split-payload.js';
import type { TaskContext, UserModule } from './user-module.js';

/** What the loop needs of its side of the boundary: the thread and process shims provide it. */
export interface WorkerTransport {
  post(message: FromWorker): void;
  onMessage(handler: (message: ToWorker) => void): void;
  exit(code: number): never;
}

type BatchMessage = Extract<ToWorker, { type: 'batch' }>;

/**
 * A long batch still reports what it has every so often, so results stream to the user while
 * the batch runs.
 */
const FLUSH_INTERVAL_MS = 50;

/**
 * The one worker-side loop behind both runtimes. Each of `concurrency` lanes runs a batch's
 * inputs one after the other, so a batch's results are always a contiguous prefix of it.
 */
export function runWorkerLoop(transport: WorkerTransport): void {
  let config: WorkerConfig | undefined;
  let mod: UserModule | undefined;
  const queue: BatchMessage[] = [];
  let activeLanes = 0;
  let loading: Promise<unknown> | undefined;
  let ending = false;
  // aborted only when the worker is told to stop; per-task deadlines chain onto it
  const lifetime = new AbortController();

  const post = (message: FromWorker): void => transport.post(message);

  const pump = (): void => {
    while (config && mod && activeLanes < config.concurrency && queue.length > 0) {
      const batch = queue.shift()!;
      activeLanes++;
      void runBatch(batch, config, mod).then(() => {
        activeLanes--;
        pump();
      });
    }
    if (ending && activeLanes === 0 && queue.length === 0) void finish();
  };

  const runBatch = async (batch: BatchMessage, cfg: WorkerConfig, user: UserModule): Promise<void> => {
    const inputs = splitPayload(batch.payload);
    const started = performance.now();
    const valuesMode = cfg.format === 'values';
    let text = '';
    let values: unknown[] = [];
    let valueOffsets: number[] = [];
    let failures: ItemFailure[] = [];
    let count = 0;
    let lastFlush = started;

    const flush = (last: boolean): void => {
      const message: FromWorker = {
        brand: BRAND,
        type: 'run',
        id: batch.id,
        last,
        elapsedMs: performance.now() - started,
        count,
        text,
        values: valuesMode ? values : undefined,
        failures,
      };
      postRun(message, valueOffsets, inputs, transport);
      text = '';
      values = [];
      valueOffsets = [];
      failures = [];
      count = 0;
    };

    for (let offset = 0; offset < inputs.length; offset++) {
      const input = inputs[offset]!;
      const index = batch.first + offset;
      const ctx: TaskContext = { index, attempt: batch.attempt, signal: lifetime.signal };
      try {
        let result = user.task(input, ctx);
        if (isThenable(result)) result = await result;
        if (valuesMode) {
          values.push(result);
          valueOffsets.push(offset);
        } else text += formatResult(cfg.format, index, input, result);
      } catch (error) {
        failures.push({ offset, at: valuesMode ? values.length : text.length, input, error: toErrorData(error) });
      }
      count++;
      if (batch.eager) {
        flush(offset === inputs.length - 1);
        continue;
      }
      const now = performance.now();
      if (now - lastFlush >= FLUSH_INTERVAL_MS && offset < inputs.length - 1) {
        flush(false);
        lastFlush = now;
      }
    }
    if (!batch.eager || inputs.length === 0) flush(true);
  };

  const finish = async (): Promise<void> => {
    ending = false;
    // a worker told to end while still loading finishes its setup first, then tears down
    await loading?.catch(() => {});
    lifetime.abort();
    try {
      await mod?.teardown?.();
    } catch (error) {
      process.stderr.write(`prun: teardown() failed in a worker: ${toErrorData(error).message}\n`);
      transport.exit(1);
    }
    transport.exit(0);
  };

  transport.onMessage((message) => {
    switch (message.type) {
      case 'init':
        config = message.config;
        loading = load(message.config);
        loading.then((loaded) => {
          mod = loaded as UserModule;
          post({ brand: BRAND, type: 'ready' });
          pump();
        }, (error: unknown) => post({ brand: BRAND, type: 'setup-failed', error: toErrorData(error) }));
        return;
      case 'batch':
        queue.push(message);
        pump();
        return;
      case 'end':
        ending = true;
        pump();
        return;
      default:
        throw new Error(`prun worker: unknown message ${JSON.stringify(message)}`);
    }
  });
}

async function load(config: WorkerConfig): Promise<UserModule> {
  const exports = (await import(pathToFileURL(config.modulePath).href)) as Record<string, unknown>;
  const task = exports.default;
  if (typeof task !== 'function') throw new TypeError('the script has no default export function');
  const setup = exports.setup;
  const teardown = exports.teardown;
  if (typeof setup === 'function') await setup();
  return {
    task: task as UserModule['task'],
    teardown: typeof teardown === 'function' ? (teardown as UserModule['teardown']) : undefined,
  };
}

/**
 * Values that cannot cross the boundary (functions, symbols) make the whole message fail to
 * send; find which ones and fail those inputs alone. `offsets` are the values' batch offsets.
 */
function postRun(
  message: Extract<FromWorker, { type: 'run' }>,
  offsets: readonly number[],
  inputs: readonly string[],
  transport: WorkerTransport,
): void {
  try {
    transport.post(message);
    return;
  } catch (error) {
    if (message.values === undefined) throw error;
  }
  const values: unknown[] = [];
  const failures: ItemFailure[] = [...message.failures];
  message.values!.forEach((value, position) => {
    try {
      structuredClone(value);
      values.push(value);
    } catch (error) {
      const offset = offsets[position]!;
      const reason = new TypeError(`result cannot be sent back: ${(error as Error).message}`);
      failures.push({ offset, at: values.length, input: inputs[offset]!, error: toErrorData(reason) });
    }
  });
  failures.sort((a, b) => a.offset - b.offset);
  transport.post({ ...message, values, failures });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
