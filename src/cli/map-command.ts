import { Command, Option } from 'commander';
import { checkScript } from '../api/check-script.js';
import type { RunOptions } from '../api/options.js';
import { wholeNumber } from '../api/option-values.js';
import { type RunningMap, startRun } from '../api/start-run.js';
import { usageError } from '../errors.js';
import type { ArgSource } from '../io/arg-groups.js';
import { inputCounter, inputFilesOf, openInputs } from '../io/open-inputs.js';
import { parseSizeMb } from '../api/duration.js';
import { addCommonOptions, type CommonFlags, commonRunOptions, haltNeedsTotal, jobsFlag, positive, progressFlag, separatorFlag } from './common-options.js';
import { awaitReaders, refuseStdoutAsInput } from './output-files.js';
import { checkJournal, type Journal, openOnceBegun } from './journal.js';
import { endDescendants } from './end-descendants.js';
import { ownHelperPids } from './results-out.js';
import { examplesAndExitCodes, OPTIONS_PLACEMENT } from './help-text.js';
import { presentRun } from './present-run.js';
import { holdInterrupts } from './signals.js';
import { keepsHeapSmall } from '../runtime/heap-settings.js';
import { checkStdin, progressWhile } from './terminal-input.js';
import { ownQueueWarnings } from './queue-warnings.js';
import { shownUrl } from '../queue/queue-url.js';
import { sayLine } from './stderr-line.js';

interface MapFlags extends CommonFlags {
  procs?: number | true;
  threads?: number | true;
  concurrency: number;
  chunksize: number | 'auto';
  maxTasksPerChild?: number;
  memoryLimit?: number;
  queue?: string;
}

const MAP_EXAMPLES = examplesAndExitCodes([
  { what: 'Write a script: its default export takes one input line and returns the result', command: "echo 'export default (line: string) => Number(line) ** 2;' > square.ts" },
  { what: 'Run it on 1..1000 in 8 processes; results in input order', command: 'seq 1000 | prun map square.ts --procs 8' },
  { what: "Inputs on the command line (prun's options go before :::)", command: 'prun map square.ts --threads 2 ::: 1 2 3' },
  { what: 'One JSON object per input, failures included', command: 'seq 5 | prun map square.ts --json' },
  { what: 'I/O-bound work: 4 threads with 25 tasks in flight each, results as they finish', command: 'prun map fetch.ts urls.txt --threads 4 --concurrency 25 --unordered' },
  { what: 'Crawl politely: at most 8 requests a second per host, backing off on 429; failures kept to run again', command: 'prun map fetch.ts urls.txt --threads 2 --concurrency 20 --key host --key-rate 8/s --failed-out failed.txt' },
  { what: 'Give up on a task after 30s, try it twice more, and log each input to resume from', command: 'seq 100 | prun map square.ts --timeout 30s --retries 2 --joblog run.log --resume' },
  { what: 'A total for the progress bar of an input that has not ended', command: 'tail -f queue.txt | prun map square.ts --total 5000' },
]);

/** `prun map SCRIPT [INPUT...]`: commander flags in, library options out, results to stdout. */
export function mapCommand(sources: ArgSource[], done: (code: number) => void): Command {
  const command = new Command('map')
    .description("run SCRIPT's default export on every input line, in a pool of workers")
    .argument('<script>', 'a .ts, .mts, .js or .mjs file whose default export is (input, ctx) => result')
    .argument('[inputs...]', "files of inputs, one a line; '-' or none reads stdin; ::: a b c gives them here, :::: FILE as GNU parallel");
  // the shared groups first, so that input comes first in --help; map's own join Workers
  addCommonOptions(command, { json: true })
    .optionsGroup('Workers:')
    .addOption(new Option('--procs [n]', 'forked processes (the default); n defaults to the cores available').argParser(count('--procs')))
    .addOption(new Option('--threads [n]', 'worker threads instead of processes').argParser(count('--threads')))
    .addOption(new Option('--concurrency <k>', 'async tasks each worker runs at once, for I/O-bound functions').default(1).argParser(positive('--concurrency')))
    .addOption(new Option('--chunksize <n>', "inputs sent to a worker at once, or 'auto' to size batches from task durations").default('auto').argParser(chunksize))
    .addOption(new Option('--max-tasks-per-child <n>', 'replace a worker by a fresh one after n inputs').argParser(positive('--max-tasks-per-child')))
    .addOption(new Option('--memory-limit <size>', "each worker's heap limit (512M, 2G); a worker past it is replaced and its input fails").argParser((value) => parseSizeMb('--memory-limit', value)))
    .addOption(new Option('--queue <url>', 'run on prun workers anywhere, through Redis: redis://[:PASSWORD@]HOST[:PORT][/DB] (see prun worker); here too only with --procs N/--threads N'));
  command.addHelpText('after', `\n${OPTIONS_PLACEMENT}\n${MAP_EXAMPLES}`);
  return command.action(async (script: string, inputs: string[], flags: MapFlags) => {
    done(await runMapCommand(script, inputs, sources, flags));
  });
}

async function runMapCommand(script: string, paths: string[], sources: ArgSource[], flags: MapFlags): Promise<number> {
  if (flags.procs !== undefined && flags.threads !== undefined) throw usageError('choose one of --procs and --threads');
  if (sources.length > 1) throw usageError('map takes one source of inputs after ::: or :::: (combinations are for exec)');
  const options: RunOptions = {
    ...commonRunOptions(flags),
    runtime: flags.threads !== undefined ? 'thread' : 'process',
    workers: numberOf(flags.threads) ?? numberOf(flags.procs) ?? jobsFlag(flags),
    concurrency: flags.concurrency,
    chunksize: flags.chunksize,
    maxTasksPerChild: flags.maxTasksPerChild,
    memoryLimit: flags.memoryLimit,
  };
  const separator = separatorFlag(flags);
  const typing = checkStdin(paths, sources);
  refuseStdoutAsInput(inputFilesOf(paths, sources));
  const source = await openInputs(paths, sources, separator);
  // a script that cannot run ends the run before --failed-out is emptied (was: a typo in its
  // name emptied the list of failures to run again) and before --joblog is made (was: a
  // refused run, exit 2, left a joblog of its header)
  if (flags.failedOut !== undefined || flags.joblog !== undefined) await checkScript(script);
  // --failed-out is emptied only once the run has begun: a --queue nothing listens at leaves it as it was (was: emptied)
  const checkedJournal = checkJournal(flags, { terminator: String.fromCharCode(separator), inputFiles: inputFilesOf(paths, sources), script });
  let journal: Journal | undefined;
  let releaseReaders = () => {};
  try {
    releaseReaders = await awaitReaders([['--failed-out', flags.failedOut]]);
    const runOptions = {
      ...options,
      script,
      source,
      format: flags.json ? ('json' as const) : ('text' as const),
      skip: checkedJournal.skip,
      journal: checkedJournal.records,
      notice: sayLine,
    };
    let run: RunningMap;
    // with --queue, workers of its own beside the queue only when asked for
    const local = flags.queue === undefined || flags.procs !== undefined || flags.threads !== undefined || jobsFlag(flags) !== undefined;
    if (flags.queue === undefined) {
      // a local run forks its workers at once; a queue's producer first connects, and Ctrl-C must end that wait at once
      holdInterrupts();
      run = startRun(runOptions);
    } else {
      ownQueueWarnings();
      // each machine runs its workers as its own `prun worker` is told (was: ignored in silence,
      // a worker grew to 4 GB; then, a review, --concurrency 25 ran one task at a time unsaid)
      const perWorker = [
        ['--memory-limit', flags.memoryLimit !== undefined, 'give it to prun worker too'],
        ['--concurrency', flags.concurrency !== 1, 'give it to prun worker too'],
        ['--max-tasks-per-child', flags.maxTasksPerChild !== undefined, 'prun worker does not take it'],
      ] as const;
      for (const [flag, given, there] of perWorker) {
        if (given) process.stderr.write(`prun: warning: ${flag} applies to ${local ? "this machine's own workers only" : 'nothing here: no worker runs on this machine'}; ${there}\n`);
      }
      // the queue's engine loads only with --queue: local runs start as fast as before
      const { startRunOnQueue } = await import('../api/queue-producer.js');
      run = await startRunOnQueue({ url: flags.queue, local }, runOptions);
    }
    journal = await openOnceBegun(run, () => checkedJournal.open());
    releaseReaders();
    return await presentRun(run, {
      json: flags.json === true,
      progress: progressWhile(typing, progressFlag(flags)),
      verbose: flags.verbose === true,
      // none starts here: what the run waits for is a `prun worker` (was: "starting workers")
      startingText: local ? `compiling ${script} and starting workers` : `compiling ${script}; waiting for a prun worker at ${shownUrl(flags.queue!)}`,
      countInputs: inputCounter(paths, sources, separator),
      countAhead: haltNeedsTotal(flags),
      seekEnd: () => source.seekEnd?.(),
      total: flags.total,
      journal: journal.record,
      busyThreads: options.runtime === 'thread' && !keepsHeapSmall(flags.concurrency),
    });
  } finally {
    releaseReaders();
    (journal ?? checkedJournal).close();
    // forked workers take what they started with them; worker threads cannot (end-descendants.ts)
    if (options.runtime === 'thread') await endDescendants(ownHelperPids());
  }
}

function numberOf(value: number | true | undefined): number | undefined {
  return value === true ? undefined : value;
}

function count(flag: string) {
  return (value: string): number | true => (value === '' ? true : wholeNumber(flag, value, 1));
}

function chunksize(value: string): number | 'auto' {
  return value === 'auto' ? 'auto' : wholeNumber('--chunksize', value, 1);
}
