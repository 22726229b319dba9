import { compileTemplate, markCommandStart, type TemplateOptions } from '../commands/template.js';
import { shellQuote } from '../commands/shell-quote.js';
import { usageError } from '../errors.js';
import { toByteString } from '../model/byte-string.js';

/** The exec flags that wrap the command. */
export interface WrapFlags {
  pipe?: true;
  colsep?: string;
  processSlotVar?: string;
  nice?: number;
}

/**
 * The command as each job's shell runs it, with what --results, --process-slot-var and --nice
 * wrap it in. Done once the inputs are open: with --header, --results names each source's
 * directory by its column, as GNU parallel does (when there is a name for each source).
 */
export function wrapCommand(command: string, flags: WrapFlags, template: TemplateOptions, resultsDir: string | undefined, header: readonly string[], sources: number): string {
  if (resultsDir === undefined && flags.nice === undefined && flags.processSlotVar === undefined) return command;
  // what wraps the command must not get the inputs appended: they are the command's. Read
  // as the command is, header names and -N0 included (was: `{X}` taken for no replacement
  // string, and the input appended to it); in bytes, as the names are (was: `{é}` was none)
  let text = markCommandStart(compileTemplate(toByteString(command), true, template).appended ? `${command} {}` : command);
  if (resultsDir !== undefined) {
    if (flags.pipe) throw usageError('--results does not go with --pipe: a block has no value to name its folder by (GNU parallel writes every block to the same one)');
    // each argument of a job is a level, named by its source, as GNU parallel lays them out;
    // --colsep's columns count as sources, named by the header when there is one
    const numbers = (count: number) => Array.from({ length: count }, (_, i) => String(i + 1));
    text = flags.colsep !== undefined
      ? resultsCommand(text, resultsDir, header, false)
      : resultsCommand(text, resultsDir, header.length === sources ? header : numbers(sources), true);
  }
  if (flags.processSlotVar !== undefined) text = `${flags.processSlotVar}=$((PARALLEL_JOBSLOT-1)); export ${flags.processSlotVar}; ${text}`;
  // the job's own shell lowers its priority, then runs the command: builtins and functions work
  if (flags.nice !== undefined) text = `renice -n ${flags.nice} -p $$ >/dev/null; ${text}`;
  return text;
}

/** The longest name of a file or folder, in bytes (Linux's NAME_MAX). */
const NAME_MAX = 255;

/**
 * The command, its output saved under DIR/NAME/VALUE/... for each argument of the job, in
 * turn (stdout, stderr, seq), as GNU parallel's --results lays them out. NAME is the
 * argument's source: `names` in turn, again from the first (`cycle`: -N, -X put several
 * rounds of the sources in a job), or its place among the job's arguments past them.
 */
function resultsCommand(text: string, dir: string, names: readonly string[], cycle: boolean): string {
  const escape = String.raw`sed 's/\\/\\\\/g; s/\//\\_/g'`;
  const place = cycle && names.length > 0 ? `$(( (_n - 1) % ${names.length} + 1 ))` : '$_n';
  const named = names.map((name, i) => `${i + 1}) _s=${shellQuote(name)};;`).join(' ');
  // `{} ;`: under -X the word `{}` is repeated for each argument, and must not take the `;` along
  // a folder's name is 255 bytes at most: a longer value is cut there, as GNU parallel cuts it
  // (was: mkdir failed, and the job with it, its command never run)
  const levels = `_n=0; for _a in {} ; do _n=$((_n + 1)); _s=$_n; case ${place} in ${named} esac; _d="$_d/$_s/$(printf %s "$_a" | ${escape} | head -c ${NAME_MAX})"; done`;
  return `_d=${shellQuote(dir)}; ${levels}; mkdir -p -- "$_d" && printf %s {#} >"$_d/seq" && { ${text}` + '\n' + `} >"$_d/stdout" 2>"$_d/stderr"`;
}
