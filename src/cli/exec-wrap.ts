import { asLiteral, compileTemplate, markCommandStart, type TemplateOptions } from '../commands/template.js';
import { shellQuote } from '../commands/shell-quote.js';
import { usageError } from '../errors.js';
import { fromByteString, toByteString } from '../model/byte-string.js';
import { type LevelNames, levelName, levelOrder } from './results-levels.js';

/** The exec flags that wrap the command. */
export interface WrapFlags {
  pipe?: true;
  processSlotVar?: string;
  nice?: number;
}

/**
 * The command as each job's shell runs it, with what --results, --process-slot-var and --nice
 * wrap it in. Done once the inputs are open: with --header, --results names each argument's
 * folder by its column, as GNU parallel does. `recordWidth`: how many arguments a record of a
 * job has, where --results starts again at the first name (undefined: the job is one record).
 */
export function wrapCommand(command: string, flags: WrapFlags, template: TemplateOptions, resultsDir: string | undefined, recordWidth: number | undefined): string {
  if (resultsDir === undefined && flags.nice === undefined && flags.processSlotVar === undefined) return command;
  // what wraps the command must not get the inputs appended: they are the command's. Read
  // as the command is, header names and -N0 included (was: `{X}` taken for no replacement
  // string, and the input appended to it); in bytes, as the names are (was: `{é}` was none)
  let text = markCommandStart(compileTemplate(toByteString(command), true, template).appended ? `${command} {}` : command);
  if (resultsDir !== undefined) {
    if (flags.pipe) throw usageError('--results does not go with --pipe: a block has no value to name its folder by (GNU parallel writes every block to the same one)');
    text = resultsCommand(text, resultsDir, template, recordWidth);
  }
  if (flags.processSlotVar !== undefined) text = `${flags.processSlotVar}=$((PARALLEL_JOBSLOT-1)); export ${flags.processSlotVar}; ${text}`;
  // the job's own shell lowers its priority, then runs the command: builtins and functions work
  if (flags.nice !== undefined) text = `renice -n ${flags.nice} -p $$ >/dev/null; ${text}`;
  return text;
}

/** The longest name of a file or folder, in bytes (Linux's NAME_MAX). */
const NAME_MAX = 255;

/**
 * The command, its output saved under DIR/NAME/VALUE/... for each argument of the job (stdout,
 * stderr, seq), as GNU parallel's --results lays them out (results-levels.ts): each record's
 * arguments named by their place in it, and in the order of their names.
 */
function resultsCommand(text: string, dir: string, names: LevelNames, width: number | undefined): string {
  // a folder's name is 255 bytes at most: a longer value is cut there, as GNU parallel cuts it
  // (was: mkdir failed, and the job with it, its command never run)
  const value = String.raw`$(printf %s "$_a" | sed 's/\\/\\\\/g; s/\//\\_/g' | head -c ${NAME_MAX})`;
  const place = width === undefined ? '$_n' : `$(( (_n - 1) % ${width} + 1 ))`;
  // the ids that have names, and those past them that a record of `width` has: past them all,
  // a name is its number, and its place in the order too
  const named = Math.max(names.names?.length ?? 0, names.fileNames?.length ?? 0, width ?? 0);
  const order = levelOrder(named, names);
  const rank = new Array<number>(named + 1);
  order.forEach((id, i) => (rank[id] = i + 1));
  // names are bytes, and the command text that the job's shell gets is made bytes once more;
  // their braces are text, never replacement strings of the template this text is compiled as
  // (was: a column named `{1}`, a file named `{.}`, replaced in the folder's name: a review)
  const nameOf = (id: number) => shellQuote(fromByteString(levelName(id, names))).replaceAll('{', asLiteral('{'));
  // `{} ;`: under -X the word `{}` is repeated for each argument, and must not take the `;` along
  let levels: string;
  if (order.every((id, i) => id === i + 1)) {
    // in their order already (no names: 1, 2, ...): each level as it comes
    const cases = order.flatMap((id) => (levelName(id, names) === String(id) ? [] : [`${id}) _s=${nameOf(id)};;`])).join(' ');
    levels = `_n=0; for _a in {} ; do _n=$((_n + 1)); _s=${place}; case $_s in ${cases} esac; _d="$_d/$_s/${value}"; done`;
  } else {
    // each level of a record held as _lRANK, then the record's levels added in rank order
    const cases = order.map((id) => `${id}) _s=${nameOf(id)}; _r=${rank[id]};;`).join(' ');
    const flush = String.raw`_k=1; while [ $_k -le $_m ]; do eval "_t=\${_l$_k+x}"; if [ -n "$_t" ]; then eval "_d=\$_d/\$_l$_k; unset _l$_k"; fi; _k=$((_k + 1)); done; _m=0`;
    const newRecord = width === undefined ? '' : `if [ $_p -eq 1 ]; then ${flush}; fi; `;
    levels = String.raw`_n=0; _m=0; for _a in {} ; do _n=$((_n + 1)); _p=${place}; ${newRecord}_s=$_p; _r=$_p; case $_p in ${cases} esac; _v="${value}"; eval "_l$_r=\$_s/\$_v"; if [ $_r -gt $_m ]; then _m=$_r; fi; done; ${flush}`;
  }
  return `_d=${shellQuote(dir)}; ${levels}; mkdir -p -- "$_d" && printf %s {#} >"$_d/seq" && { ${text}` + '\n' + `} >"$_d/stdout" 2>"$_d/stderr"`;
}
