import { Command, Option } from 'commander';
import { wholeNumber, type RunOptions } from '../api/options.js';
import { startRun } from '../api/start-run.js';
import { usageError } from '../errors.js';
import { openInputs } from '../io/open-inputs.js';
import { BrokenPipe, writeResults } from '../io/write-results.js';
import { EXIT } from './exit-codes.js';
import { startProgressBar, type ProgressView } from './progress-bar.js';
import { describeFailure, describeSummary } from './report.js';
import { startSpinner } from './spinner.js';

interface MapFlags {
  jobs?: number;
  procs?: number | true;
  threads?: number | true;
  concurrency: number;
  unordered?: true;
  json?: true;
  chunksize: number | 'auto';
  maxTasksPerChild?: number;
  progress?: boolean;
  verbose?: true;
}

/** `prun map SCRIPT [INPUT...]`: commander flags in, library options out, results to stdout. */
export function mapCommand(groups: string[][] | undefined, done: (code: number) => void): Command {
  const command = new Command('map')
    .description("run SCRIPT's default export on every input line, in a pool of workers")
    .argument('<script>', 'a .ts, .mts, .js or .mjs file whose default export is (input, ctx) => result')
    .argument('[inputs...]', "files of inputs, one a line; '-' or none reads stdin; ::: a b c gives them here")
    .optionsGroup('Workers:')
    .addOption(new Option('--procs [n]', 'forked processes (the default); n defaults to the cores available').argParser(count('--procs')))
    .addOption(new Option('--threads [n]', 'worker threads instead of processes').argParser(count('--threads')))
    .addOption(new Option('-j, --jobs <n>', 'how many workers, as in GNU parallel').argParser(positive('--jobs')))
    .addOption(new Option('--concurrency <k>', 'async tasks each worker runs at once, for I/O-bound functions').default(1).argParser(positive('--concurrency')))
    .addOption(new Option('--chunksize <n>', "inputs sent to a worker at once, or 'auto' to size batches from task durations").default('auto').argParser(chunksize))
    .addOption(new Option('--max-tasks-per-child <n>', 'replace a worker by a fresh one after n inputs').argParser(positive('--max-tasks-per-child')))
    .optionsGroup('Output:')
    .option('--unordered', 'print each result as it completes, not in input order')
    .option('--json', 'print one {"index","input","result"} (or "error") object per input')
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .option('--no-progress', 'never show a progress bar')
    .option('--verbose', 'print the stack of failed inputs')
    .action(async (script: string, inputs: string[], flags: MapFlags) => {
      done(await runMapCommand(script, inputs, groups, flags));
    });
  return command;
}

async function runMapCommand(script: string, paths: string[], groups: string[][] | undefined, flags: MapFlags): Promise<number> {
  if (flags.procs !== undefined && flags.threads !== undefined) throw usageError('choose one of --procs and --threads');
  if (groups !== undefined && groups.length > 1) throw usageError('map takes one ::: group of inputs');
  const options: RunOptions = {
    runtime: flags.threads !== undefined ? 'thread' : 'process',
    workers: numberOf(flags.threads) ?? numberOf(flags.procs) ?? flags.jobs,
    concurrency: flags.concurrency,
    ordered: !flags.unordered,
    chunksize: flags.chunksize,
    maxTasksPerChild: flags.maxTasksPerChild,
  };
  const source = await openInputs(paths, groups?.[0]);
  const stderr = process.stderr;
  const showProgress = flags.progress ?? stderr.isTTY === true;
  const run = startRun({ ...options, script, source, format: flags.json ? 'json' : 'text' });

  let view: ProgressView | undefined;
  if (showProgress) {
    const spinner = startSpinner(`compiling ${script} and starting workers`, stderr);
    void run.ready.then(() => {
      spinner.stop();
      view = startProgressBar(run.tracker, stderr);
    });
  }
  const toStderr = (line: string) => {
    view?.clear();
    stderr.write(`${line}\n`);
  };
  try {
    await writeResults(run.deliveries, process.stdout, {
      json: flags.json === true,
      onFailure: (failure) => toStderr(describeFailure(failure, flags.verbose === true)),
      beforeWrite: process.stdout.isTTY ? () => view?.clear() : undefined,
    });
  } catch (error) {
    if (error instanceof BrokenPipe) return EXIT.brokenPipe;
    throw error;
  } finally {
    view?.stop();
  }
  const summary = describeSummary(run.tracker.snapshot());
  if (summary) toStderr(summary);
  return run.tracker.failed > 0 ? EXIT.failed : EXIT.ok;
}

function numberOf(value: number | true | undefined): number | undefined {
  return value === true ? undefined : value;
}

function count(flag: string) {
  return (value: string): number | true => (value === '' ? true : wholeNumber(flag, value, 1));
}

function positive(flag: string) {
  return (value: string): number => wholeNumber(flag, value, 1);
}

function chunksize(value: string): number | 'auto' {
  return value === 'auto' ? 'auto' : wholeNumber('--chunksize', value, 1);
}
