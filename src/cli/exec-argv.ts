import { pathStats } from '../system/sync-stat.js';
import { gnuCount } from '../api/gnu-count.js';
import { quoted, usageError } from '../errors.js';
import { shellQuote } from '../commands/shell-quote.js';

/**
 * The words of `prun exec [OPTIONS] COMMAND [ARGS...]` after the options: the command line,
 * as GNU parallel makes it. Its words are joined by spaces, as the shell would have joined
 * them had they been one quoted argument (`prun exec gzip -9` is `prun exec 'gzip -9'`);
 * with -q each word is quoted, so that the shell sees them as they were given, but for the
 * braces that `replaced` says the template replaces. No words at all: the inputs are the
 * commands (`{}`, unquoted, as GNU parallel runs them).
 */
export function commandLine(words: readonly string[], quote: false | ((braced: string) => boolean)): string {
  if (words.length === 0) return '{}';
  return words.map((word) => (quote ? quoteKeepingReplacements(word, quote) : word)).join(' ');
}

/**
 * -q: the word as one literal shell word, but its replacement strings still replaced (was:
 * every brace left bare, so `-q awk '{print $1}'` ran `awk {print $1}`); an empty word stays
 * a word, as GNU parallel passes it.
 */
function quoteKeepingReplacements(word: string, replaced: (braced: string) => boolean): string {
  if (word === '') return "''";
  const parts = word.split(/(\{[^{}]*\})/);
  let quoted = '';
  let literal = '';
  for (const [i, part] of parts.entries()) {
    // the shell's own ${#x} is text; so are braces the template leaves as they are
    if (i % 2 === 1 && !literal.endsWith('$') && replaced(part.slice(1, -1))) {
      quoted += (literal === '' ? '' : shellQuote(literal)) + part;
      literal = '';
    } else literal += part;
  }
  return quoted + (literal === '' ? '' : shellQuote(literal));
}

/**
 * Before GNU parallel's grammar, `prun exec 'CMD {}' FILE... [OPTIONS]` read the words after
 * CMD as input files, and took prun's options after them. Now they are words of the command:
 * typed the old way, the command would run with the file names (and the options) as its
 * arguments, reading stdin for its inputs. A quoted command (a first word holding a blank)
 * followed by names of existing files, and then nothing but prun's own options and their
 * values (`onlyOptions`), is that old form: refused, saying how to write it now, before anything runs.
 */
export function refuseOldForm(words: readonly string[], options: readonly string[] = [], onlyOptions: (words: readonly string[]) => boolean = () => false): void {
  const [first, ...rest] = words;
  if (first === undefined || rest.length === 0 || !/\s/.test(first)) return;
  // the options typed after the files, as the old usage line had them (was: no hint, and
  // `prun exec 'echo {}' nums.txt -j 2` ran nothing, exit 0); only when they are all options
  // and their values, so that the hint runs what was meant (`-j 2 extra` is no such tail)
  const optionsAt = rest.findIndex((word) => word.startsWith('-') && word !== '-');
  const files = optionsAt < 0 ? rest : rest.slice(0, optionsAt);
  const after = optionsAt < 0 ? [] : rest.slice(optionsAt);
  if (after.length > 0 && !onlyOptions(after)) return;
  if (files.length === 0 || !files.every((word) => word === '-' || isFile(word))) return;
  // the options typed before the command stay in the line to paste (was: dropped, so that
  // `-j2 --tag` was lost from what the hint said to run)
  const line = ['prun exec', ...[...options, ...after].map(shellQuote), shellQuote(first), '::::', ...files.map(shellQuote)].join(' ');
  throw usageError(`the words after the command are part of it now, as in GNU parallel; to read inputs from files: ${line}`);
}

function isFile(path: string): boolean {
  try {
    return pathStats(path).isFile();
  } catch {
    return false;
  }
}

/**
 * -j as GNU parallel reads it: N, 0 (as many as can run: one a job, here capped at 256
 * lanes), N% of the cores, +N and -N more or fewer than the cores.
 */
export function parseJobs(value: string, cores: number): number {
  const jobs = gnuCount(value, cores);
  if (jobs === undefined) throw usageError(`--jobs must be N, 0, N%, +N or -N, got ${quoted(value)}`);
  // a plain 0 only: 0% or -N down to none is one job
  if (jobs === 0 && /^\s*\d+\s*$/.test(value)) return MAX_LANES;
  return Math.max(1, Math.floor(jobs));
}

/** -j 0: GNU parallel runs as many as the system allows; here as many lanes as this. */
export const MAX_LANES = 256;
