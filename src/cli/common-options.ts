import { type Command, Option } from 'commander';
import { wholeNumber } from '../api/options.js';

/** Flags that every command shares, parsed the same way. */
export interface CommonFlags {
  jobs?: number;
  unordered?: true;
  json?: true;
  progress?: boolean;
  verbose?: true;
}

/** Adds -j and the Output group: one definition, so map and exec can never drift apart. */
export function addCommonOptions(command: Command, options: { json: boolean }): Command {
  command
    .optionsGroup('Workers:')
    .addOption(new Option('-j, --jobs <n>', 'how many run at once, as in GNU parallel').argParser(positive('--jobs')))
    .optionsGroup('Output:')
    .option('--unordered', 'print each result as it completes, not in input order');
  if (options.json) command.option('--json', 'print one {"index","input","result"} (or "error") object per input');
  return command
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .option('--no-progress', 'never show a progress bar')
    .option('--verbose', 'print the stack of failed inputs');
}

export function positive(flag: string): (value: string) => number {
  return (value) => wholeNumber(flag, value, 1);
}
