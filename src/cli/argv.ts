import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { usageError } from '../errors.js';
import { type ArgMarkers, type ArgSource, isMarker, splitArgGroups } from '../io/arg-groups.js';

/**
 * Flags whose value is optional, and what they mean alone: `--procs` alone is "as many as the
 * machine has"; exec's `--max-lines` alone is 1, as GNU parallel's (`max-lines|l:f`), whose
 * value is a number or none: `--max-lines echo` is `--max-lines=1 echo`.
 */
const OPTIONAL_VALUE_FLAGS = new Map<string, { alone: string; isValue: (word: string) => boolean }>([
  ['--procs', { alone: '', isValue: (word) => isCount(word) }],
  ['--threads', { alone: '', isValue: (word) => isCount(word) }],
  ['--max-lines', { alone: '1', isValue: (word) => /^\d+(\.\d*)?$/.test(word) }],
]);

export interface SplitArgv {
  /** What commander parses. */
  argv: string[];
  /** The sources given after `:::` and `::::`, in order. */
  sources: ArgSource[];
}

/**
 * Prepares argv for commander: takes off the `:::` and `::::` sources (where a word that is
 * one of `options` is a usage error), and keeps `--threads FILE` from reading FILE as the
 * thread count (commander would take any next word as the value). A next word that is not
 * a file is the count, so that `--threads four` is an error naming --threads, not an INPUT
 * named `four` that cannot be read.
 */
export function prepareArgv(argv: readonly string[], options: ReadonlySet<string> = new Set(), optionsEnd = Number.POSITIVE_INFINITY): SplitArgv {
  const { positional, sources } = splitArgGroups(argv, undefined, SEPARATOR_FLAGS, optionsEnd);
  // with a marker respelled, `:::` and `::::` are words like any other: exec splits again at
  // the markers given, and refuses options after those (was: `--arg-sep ,, echo ::: -j ,, a`
  // refused -j, a word of the command)
  // among the options only: a command's own `--arg-sep` is its word (was: it turned the refusal off)
  const firstMarker = argv.findIndex((word) => isMarker(word));
  const optionWordsGiven = argv.slice(0, Math.min(firstMarker === -1 ? argv.length : firstMarker, optionsEnd));
  if (!optionWordsGiven.some((word) => SEPARATOR_FLAGS.has(word.split('=')[0]!))) rejectOptionsAmongInputs(sources, options);
  const prepared: string[] = [];
  for (let i = 0; i < positional.length; i++) {
    const word = positional[i]!;
    const next = positional[i + 1];
    // only before exec's command, whose words are its own (was: `prun exec tool --threads
    // x.txt` ran `tool --threads= x.txt`), and only the command's own flags (was: `map
    // --max-lines` said that `--max-lines=1` was unknown)
    const optional = i < optionsEnd && options.has(word) ? OPTIONAL_VALUE_FLAGS.get(word) : undefined;
    // `--threads "$N"` or `--threads=$N` with N unset: was the default count, in silence
    // (`--threads` alone is that count)
    const [name, value] = word.split('=', 2);
    const given = value === undefined ? (optional && next) : i < optionsEnd && options.has(name!) ? value : undefined;
    if (given === '' && OPTIONAL_VALUE_FLAGS.get(name!)?.alone === '') throw usageError(`${name} must be a whole number, got ''`);
    if (!optional) prepared.push(word);
    else if (next === undefined || !optional.isValue(next)) prepared.push(`${word}=${optional.alone}`);
    // commander takes no value that starts with a dash for a flag whose value is optional
    else if (next.startsWith('-')) prepared.push(`${word}=${positional[++i]}`);
    else prepared.push(word);
  }
  return { argv: prepared, sources };
}

/**
 * Where a command that takes its options before its first other word (exec, as GNU parallel)
 * stops reading options: the index of the first word that is neither an option nor an
 * option's value, read by the command's own definitions (`-j 4`, `-kj4`, `--tag`, `--joblog F`).
 */
export function optionsEnd(words: readonly string[], command: Command): number {
  const option = (flag: string) => command.options.find((candidate) => candidate.long === flag || candidate.short === flag);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') return i + 1;
    if (!word.startsWith('-') || word === '-') return i;
    if (word.startsWith('--')) {
      const taken = option(word);
      const next = words[i + 1];
      // an optional value is the next word as prepareArgv reads it (was: `--max-lines tool
      // --threads x` took `tool` for its value, and `--threads` for prun's)
      const optional = OPTIONAL_VALUE_FLAGS.get(word);
      const takesNext = taken?.required || (taken?.optional && next !== undefined && (optional ? optional.isValue(next) : !next.startsWith('-')));
      if (!word.includes('=') && takesNext) i++;
      continue;
    }
    // short options run together: the first that takes a value takes the rest of the word, or the next word
    for (let at = 1; at < word.length; at++) {
      if (!option(`-${word[at]}`)?.required) continue;
      if (at === word.length - 1) i++;
      break;
    }
  }
  return words.length;
}

/**
 * Options whose value may be a marker: GNU parallel takes `--arg-file-sep :::` (was: `option
 * '--arg-file-sep <sep>' argument missing`).
 */
const SEPARATOR_FLAGS = new Set(['--arg-sep', '--arg-file-sep']);

/**
 * What follows --procs or --threads is its count unless it is an option or names a file. A
 * negative number is a count too, a wrong one: its error names the flag.
 */
function isCount(word: string): boolean {
  // 1.5 and 1e3 too, unless a file of that name exists: was, `--threads 1.5` read 1.5 as an INPUT
  if (/^-?\d+$/.test(word) || (/^-?[\d.]+(e\d+)?$/i.test(word) && !existsSync(word))) return true;
  return !word.startsWith('-') && !/[./]/.test(word) && !existsSync(word);
}

/**
 * After `:::` every word is an input, as in GNU parallel. A word there that is one of prun's
 * own options was meant for prun: read as an input it would run as one, in silence; so it is
 * a usage error, in one line that says where options go. A short option counts with its value
 * or other short options joined on (`-j2`, `-kj2`), as it would before `:::`. Exported for
 * every command that takes `:::` sources, and for exec's `--arg-sep` and `--arg-file-sep`
 * (`markers`: was, `--arg-sep ,, echo ,, a -j 2` ran -j and 2 as inputs).
 */
export function rejectOptionsAmongInputs(sources: readonly ArgSource[], options: ReadonlySet<string>, markers: ArgMarkers = { values: ':::', files: '::::' }): void {
  for (const source of sources) {
    const words = 'values' in source ? source.values : [source.file];
    // as typed: `:::+` links its source to the one before
    const marker = ('values' in source ? markers.values : markers.files) + (source.linked ? '+' : '');
    for (const word of words) {
      // (was: "where every word is an input", which then refused it as one)
      if (options.has(optionOf(word))) throw usageError(`${word} after ${marker} is one of prun's options, not taken as an input: put prun's options before ${marker}; an input that looks like one goes in a file (${markers.files} FILE) or on stdin`);
    }
  }
}

/** The option a word would be read as before `:::`: `--jobs` of `--jobs=4`, `-j` of `-j2`. */
function optionOf(word: string): string {
  if (word.startsWith('--')) return word.split('=')[0]!;
  return /^-[A-Za-z]/.test(word) ? word.slice(0, 2) : word;
}

/** The words that name a command's options (`--procs`, `-j`, `--no-progress`), its help's and its parents'. */
export function optionWords(command: Command): Set<string> {
  const words = new Set(['-h', '--help']);
  for (let current: Command | null = command; current; current = current.parent) {
    for (const option of current.options) {
      if (option.short) words.add(option.short);
      if (option.long) words.add(option.long);
    }
  }
  return words;
}
