import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { parseSizeMb } from '../api/duration.js';
import { wholeNumber } from '../api/option-values.js';
import { usageError } from '../errors.js';
import { ownLibraryWarnings } from '../queue/library-warnings.js';
import { checkQueueUrl, shownUrl } from '../queue/queue-url.js';
import { positive } from './common-options.js';
import { endDescendants, noteChildrenBornWith } from './end-descendants.js';
import { EXIT } from './exit-codes.js';
import { sayLine } from './stderr-line.js';

/** How long handing batches back may take before the worker ends anyway. */
const HAND_BACK_MS = 3000;

interface WorkerFlags {
  queue: string;
  procs?: number | true;
  threads?: number | true;
  concurrency: number;
  memoryLimit?: number;
}

/**
 * `prun worker --queue URL`: runs the batches of any run on the queue in a local pool, for as
 * long as it lives. The first SIGTERM (or Ctrl-C) hands what it holds back at once and exits
 * 0; a second one ends everything.
 */
export function workerCommand(done: (code: number) => void): Command {
  return new Command('worker')
    .description('run the batches of any prun run on a queue (prun map ... --queue URL), for as long as it lives')
    .requiredOption('--queue <url>', 'the Redis the runs are on: redis://[:PASSWORD@]HOST[:PORT][/DB]')
    .addOption(new Option('--procs [n]', 'forked processes (the default); n defaults to the cores available').argParser(count('--procs')))
    .addOption(new Option('--threads [n]', 'worker threads instead of processes').argParser(count('--threads')))
    .addOption(new Option('--concurrency <k>', 'async tasks each worker runs at once').default(1).argParser(positive('--concurrency')))
    .addOption(new Option('--memory-limit <size>', "each worker's heap limit (512M, 2G)").argParser((value) => parseSizeMb('--memory-limit', value)))
    .action(async (flags: WorkerFlags) => {
      done(await runWorker(flags));
    });
}

async function runWorker(flags: WorkerFlags): Promise<number> {
  // what prun ends at its end under --threads spares what the shell gave it (end-descendants.ts)
  if (flags.threads !== undefined) noteChildrenBornWith();
  if (flags.procs !== undefined && flags.threads !== undefined) throw usageError('choose one of --procs and --threads');
  // a signal before the worker serves finds it holding nothing: it ends at once, 0, as one
  // that hands back what it holds does (was: 130 or 143, killed by the signal, in the first second)
  let onSignal!: () => void;
  const stoppedEarly = new Promise<'stopped'>((resolve) => (onSignal = () => resolve('stopped')));
  const relay = (): void => onSignal();
  process.on('SIGTERM', relay);
  process.on('SIGINT', relay);
  // the queue's engine loads only here and with --queue
  const { probe } = await import('../queue/bullmq.js');
  ownLibraryWarnings('prun worker: warning: ');
  const { serve } = await import('../queue/serve.js');
  const { queueSecret } = await import('../queue/sign.js');
  checkQueueUrl(flags.queue);
  if ((await Promise.race([probe(flags.queue).then(() => 'reached' as const), stoppedEarly])) === 'stopped') return EXIT.ok;
  const secret = queueSecret();
  if (secret === undefined) {
    process.stderr.write(`prun worker: warning: PRUN_QUEUE_SECRET is not set: this worker runs whatever is queued at ${shownUrl(flags.queue)}\n`);
  }
  const workers = numberOf(flags.threads) ?? numberOf(flags.procs) ?? availableParallelism();
  const serving = serve({
    url: flags.queue,
    secret,
    runtime: flags.threads !== undefined ? 'thread' : 'process',
    workers,
    concurrency: flags.concurrency,
    memoryLimitMb: flags.memoryLimit,
    notice: sayLine,
  });
  const code = await new Promise<number>((resolve) => {
    let signals = 0;
    onSignal = () => {
      if (++signals === 1) {
        // another worker takes them up now, not once their locks lapse; with Redis away
        // there is no handing back: the locks lapse and another worker takes them then
        const timer = setTimeout(() => void serving.kill().then(() => resolve(EXIT.ok)), HAND_BACK_MS);
        void serving.handBack().then(() => {
          clearTimeout(timer);
          resolve(EXIT.ok);
        });
      } else {
        void serving.kill().then(() => resolve(EXIT.ok));
      }
    };
  });
  // forked workers take what they started with them; worker threads cannot (end-descendants.ts)
  if (flags.threads !== undefined) await endDescendants();
  return code;
}

function numberOf(value: number | true | undefined): number | undefined {
  return value === true ? undefined : value;
}

function count(flag: string) {
  return (value: string): number | true => (value === '' ? true : wholeNumber(flag, value, 1));
}
