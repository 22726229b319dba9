import { Command } from 'commander';
import type { ExecOptions } from '../api/start-exec.js';
import { combinationSource } from '../io/combination-source.js';
import { countLines } from '../io/count-lines.js';
import { concatSources, type InputSource } from '../io/input-source.js';
import { openInputs } from '../io/open-inputs.js';
import type { Separator } from '../runtime/protocol.js';
import { addCommonOptions, type CommonFlags, commonRunOptions, jobsFlag, progressFlag, separatorFlag } from './common-options.js';
import { type Journal, openJournal } from './journal.js';
import { countable } from './map-command.js';
import { presentRun } from './present-run.js';

interface ExecFlags extends CommonFlags {
  tag?: true;
  dryRun?: true;
}

/** `prun exec CMD [INPUT...]`: a shell command per input, as GNU parallel runs them. */
export function execCommand(groups: string[][] | undefined, done: (code: number) => void): Command {
  const command = new Command('exec')
    .description('run a shell command for every input line, as GNU parallel does')
    .argument(
      '<command>',
      'a /bin/sh command line; {} is the input, {.} {/} {//} {/.} {#} {%} {1} {2} as in GNU parallel, each value quoted; with none, the input is appended',
    )
    .argument('[inputs...]', "files of inputs, one a line; '-' or none reads stdin; ::: a b c gives them here, several ::: groups combine");
  addCommonOptions(command, { json: false })
    .optionsGroup('Output:')
    .option('--tag', 'prefix each output line with the input and a tab')
    .option('--dry-run', 'print the commands that would run, one a line, and run none');
  return command.action(async (template: string, inputs: string[], flags: ExecFlags) => {
    done(await runExecCommand(template, inputs, groups, flags));
  });
}

async function runExecCommand(command: string, paths: string[], groups: string[][] | undefined, flags: ExecFlags): Promise<number> {
  const options: ExecOptions = {
    ...commonRunOptions(flags),
    workers: jobsFlag(flags),
    tag: flags.tag === true,
    dryRun: flags.dryRun === true,
  };
  const separator = separatorFlag(flags);
  const source = await execInputs(paths, groups, separator);
  // a dry run settles every input without running it: that is not for the joblog
  const journal: Journal = flags.dryRun ? { skip: undefined, journal: undefined, close() {} } : openJournal(flags);
  try {
    // execa takes a tenth of a second to load: not for prun map
    const { startExec } = await import('../api/start-exec.js');
    const run = startExec({ ...options, command, source, skip: journal.skip, journal: journal.journal });
    return await presentRun(run, {
      json: false,
      progress: flags.dryRun ? false : progressFlag(flags),
      verbose: flags.verbose === true,
      startingText: 'starting shell lanes',
      countInputs: countable(paths) ? async () => (await countLines(paths, separator)) + combinationCount(groups) : undefined,
    });
  } finally {
    journal.close();
  }
}

function combinationCount(groups: string[][] | undefined): number {
  return groups === undefined ? 0 : groups.reduce((product, group) => product * group.length, 1);
}

/** As map's inputs, but several `:::` groups give every combination, `{1}` `{2}` naming their parts. */
async function execInputs(paths: string[], groups: string[][] | undefined, separator: Separator): Promise<InputSource> {
  if (groups === undefined || groups.length <= 1) return openInputs(paths, groups?.[0], separator);
  const combined = combinationSource(groups);
  return paths.length === 0 ? combined : concatSources([await openInputs(paths, undefined, separator), combined]);
}
