import { usageError } from '../errors.js';
import { toByteString } from '../model/byte-string.js';
import type { Fill } from '../io/exec-inputs.js';
import { fixedLength, type PipeOptions } from '../io/pipe-blocks.js';
import { asLiteral, compileTemplate, type TemplateOptions } from '../commands/template.js';
import { type ExecFlags, readRecordEscapes } from './exec-flags.js';

// What `prun exec`'s flags make of a run's options, as GNU parallel reads them.

/** GNU parallel's options that respell a replacement string, and the one each stands for. */
const RESPELLED = [
  ['I', '{}'],
  ['extensionreplace', '{.}'],
  ['basenamereplace', '{/}'],
  ['dirnamereplace', '{//}'],
  ['basenameextensionreplace', '{/.}'],
  ['seqreplace', '{#}'],
  ['slotreplace', '{%}'],
] as const;

/** `text` with every respelling the flags give (-I, --extensionreplace, ...) read as GNU parallel reads it. */
export function respellAll(text: string, flags: ExecFlags): string {
  let respelled = text;
  for (const [flag, replacement] of RESPELLED) {
    const spelling = flags[flag];
    if (spelling !== undefined && spelling !== replacement) respelled = respell(respelled, replacement, spelling);
  }
  return respelled;
}

/**
 * `spelling` stands for `replacement` in `text`. The usual spelling is then plain text, with
 * its positional forms (`-I @`: `{}` and `{1}`; `--extensionreplace`: `{.}` and `{1.}`), as
 * GNU parallel reads them: `-I @ find @ -name '*.c' -exec cc {} +`.
 */
function respell(text: string, replacement: string, spelling: string): string {
  const inner = replacement.slice(1, -1).replace(/[.#%/]/g, '\\$&');
  const usual = new RegExp(`\\{(-?\\d+)?${inner}\\}`, 'g');
  // the spelling may itself be one of those forms (`-I '{1}'`): it stays the replacement
  return text.replace(usual, (whole) => (whole === spelling ? whole : asLiteral(whole))).split(spelling).join(replacement);
}

/**
 * GNU parallel's usable command line on Linux: the longest `sh -c` argument it finds there
 * (about 130,300 of the kernel's 131,072), less 3,000 for its wrapping, halved for its
 * hexing. -s above it is lowered to it, with a warning, as GNU parallel does.
 */
export const MAX_CHARS = 63_664;

/** -m/-X/--xargs: jobs filled up to -s characters of the command as it runs, as GNU parallel measures them (template.ts: gnuCountExtra). */
export function fillFor(flags: ExecFlags, command: string, template: TemplateOptions, spread: number | undefined): Fill {
  if (flags.maxChars !== undefined && flags.maxChars > MAX_CHARS) process.stderr.write(`prun: warning: -s should be at most ${MAX_CHARS}: using ${MAX_CHARS}\n`);
  const compiled = compileTemplate(toByteString(command), true, template);
  return {
    spread,
    maxChars: Math.min(flags.maxChars ?? MAX_CHARS, MAX_CHARS),
    lineLength: (args, seq, records) => {
      // the slot of a job being filled is not known yet: its {%} is counted as 1
      const job = { args, seq, slot: 1, records };
      return compiled.render(job).length + (compiled.gnuCountExtra?.(job) ?? 0);
    },
  };
}

/**
 * Whether a word holding `{}` is repeated for each input of a job, as GNU parallel does under
 * -X and, by implication, -N and -L (not -L with -m or --xargs; not -n, though its man page
 * says so: `parallel -n2 echo {}.bak ::: a b` gives `a b.bak`, -N2 `a.bak b.bak`).
 */
export function contextReplace(flags: ExecFlags): boolean {
  // under --pipe, -N and -L count the records of a block, which is no argument: a word holding
  // `{}` repeated for none was dropped whole (`rm -f cache/{}; echo x` ran as `rm -f  echo x`)
  if (flags.pipe) return false;
  // -L implies -X; GNU parallel's --max-lines (its -l) does not, though its man page says so
  return flags.X === true || flags.N !== undefined || (flags.L !== undefined && flags.m !== true && flags.xargs !== true);
}

export function pipeOptions(flags: ExecFlags): PipeOptions {
  const options: PipeOptions = {
    blockSize: flags.block ?? 1 << 20,
    // byte strings, as the blocks are cut on bytes: `é` is its two bytes, `\351` the one
    recend: flags.recend === undefined ? (flags.recstart === undefined ? '\n' : '') : toByteString(readRecordEscapes(flags.recend)),
    recstart: flags.recstart === undefined ? '' : toByteString(readRecordEscapes(flags.recstart)),
    // -N0 and -L0 are no count under --pipe: blocks are cut at --block, as GNU parallel cuts
    // them (was: never cut, the whole of stdin one block held in memory)
    records: (flags.N ?? flags.maxArgs) || undefined,
    linesPerRecord: flags.maxLines || undefined,
    header: flags.header,
    removeSeparators: flags.rrs === true,
    skipBlank: flags.runIfEmpty === false,
  };
  // records of --block bytes each: a count of them or of lines would be a guess at what is meant
  if (fixedLength(options) && (options.records ?? options.linesPerRecord) !== undefined) throw usageError("--recend '' (fixed-length records of --block bytes) takes no -N, -n or -L");
  return options;
}
