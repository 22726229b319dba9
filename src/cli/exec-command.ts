import { Command } from 'commander';
import type { ExecOptions } from '../api/start-exec.js';
import { PrunError } from '../errors.js';
import type { ArgSource } from '../io/arg-groups.js';
import { inputCounter, openInputs } from '../io/open-inputs.js';
import { addCommonOptions, type CommonFlags, commonRunOptions, haltNeedsTotal, jobsFlag, progressFlag, separatorFlag } from './common-options.js';
import { type Journal, NO_JOURNAL, openJournal } from './journal.js';
import { presentRun } from './present-run.js';

interface ExecFlags extends CommonFlags {
  tag?: true;
  tagstring?: string;
  dryRun?: true;
  queue?: string;
}

/** `prun exec CMD [INPUT...]`: a shell command per input, as GNU parallel runs them. */
export function execCommand(sources: ArgSource[], done: (code: number) => void): Command {
  const command = new Command('exec')
    .description('run a shell command for every input line, as GNU parallel does')
    .argument(
      '<command>',
      'a /bin/sh command line; {} is the input, {.} {/} {//} {/.} {#} {%} {1} {2} as in GNU parallel, each value quoted; with none, the input is appended',
    )
    .argument('[inputs...]', "files of inputs, one a line; '-' or none reads stdin; ::: a b c gives them here, :::: FILE as GNU parallel; several sources combine");
  addCommonOptions(command, { json: false })
    .optionsGroup('Output:')
    .option('--tag', 'prefix each output line with the input and a tab')
    .option('--tagstring <template>', 'prefix each output line with this and a tab; {} {#} {%} {1} ... as in the command, unquoted')
    .option('--dry-run', 'print the commands that would run, one a line, and run none')
    .option('--queue <url>', 'run on prun workers anywhere, through Redis: redis://[:PASSWORD@]HOST[:PORT][/DB] (see prun worker)');
  return command.action(async (template: string, inputs: string[], flags: ExecFlags) => {
    done(await runExecCommand(template, inputs, sources, flags));
  });
}

async function runExecCommand(command: string, paths: string[], sources: ArgSource[], flags: ExecFlags): Promise<number> {
  const options: ExecOptions = {
    ...commonRunOptions(flags),
    workers: jobsFlag(flags),
    tag: flags.tag === true,
    tagString: flags.tagstring,
    dryRun: flags.dryRun === true,
  };
  const separator = separatorFlag(flags);
  const source = await openInputs(paths, sources, separator).catch((error: unknown) => {
    throw sources.length > 0 ? withQuotingHint(error, command, paths) : error;
  });
  // a dry run settles every input without running it: that is not for the joblog
  const journal: Journal = flags.dryRun ? NO_JOURNAL : openJournal(flags);
  try {
    // execa takes a tenth of a second to load: not for prun map
    const { startExec } = await import('../api/start-exec.js');
    const execOptions = { ...options, command, source, skip: journal.skip, journal: journal.record !== undefined };
    const run = flags.queue === undefined
      ? startExec(execOptions)
      : await (await import('../api/queue-producer.js')).startExecOnQueue(flags.queue, execOptions, (line) => process.stderr.write(`${line}\n`));
    return await presentRun(run, {
      json: false,
      progress: flags.dryRun ? false : progressFlag(flags),
      verbose: flags.verbose === true,
      startingText: 'starting shell lanes',
      countInputs: inputCounter(paths, sources, separator),
      countAhead: haltNeedsTotal(flags),
      journal: journal.record,
    });
  } finally {
    journal.close();
  }
}

/**
 * GNU parallel takes every word before ::: as the command (`parallel echo hi ::: a`); here
 * the words after CMD are INPUT files. When one of them is missing beside ::: sources, that
 * is most likely what happened: say so.
 */
function withQuotingHint(error: unknown, command: string, paths: readonly string[]): unknown {
  if (!(error instanceof PrunError) || error.code !== 'ERR_INPUT' || !/no such file/.test(error.message)) return error;
  const hint = `the words after CMD are INPUT files; a command of several words is one quoted argument: prun exec '${[command, ...paths].join(' ')}' ...`;
  return new PrunError('ERR_INPUT', `${error.message} (${hint})`);
}
