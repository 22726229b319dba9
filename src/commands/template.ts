/**
 * Command templates with GNU parallel's replacement strings: `{}` `{.}` `{/}`
 * `{//}` `{/.}` `{#}` `{%}` and the positional `{n}` `{n.}` `{n/}` `{n//}` `{n/.}`.
 *
 * A template is compiled once into literal parts and replacement functions so
 * that rendering a job is plain concatenation (it runs once per job).
 *
 * Deliberately unlike GNU parallel, inputs are always quoted: parallel stops
 * quoting every replacement string when one sits in the command word (so
 * `parallel {} ::: 'echo $(id)'` runs the input as shell code); here an input
 * is always one literal word.
 */
import { shellQuote } from './shell-quote.js';

/** One job's inputs: `args[0]` is `{1}`; `seq` is `{#}` (1-based); `slot` is `{%}` (1-based). */
export interface Job {
  args: readonly string[];
  seq: number;
  slot: number;
}

export interface CompiledTemplate {
  /** The text for `job`: for the shell, every substituted input quoted for /bin/sh. */
  render(job: Job): string;
  /** False when the command depends only on `{#}` / `{%}`. */
  readonly usesArgs: boolean;
}

type Replacement = (job: Job) => string;
type Transform = (value: string) => string;

// `{#}` or `{%}`; otherwise an optional position (any digits but all zeros, as
// GNU parallel reads `{01}` as `{1}`; it also allows blanks after the number)
// and an optional path transform. Anything else in braces (`{foo}`, `{ }`,
// awk's `{print $1}`) is not matched and so stays literal.
const REPLACEMENT_STRING = /\{(?:([#%])|(?:(\d*[1-9]\d*)[\t\n\v\f\r ]*)?(\/\/|\/\.|\/|\.)?)\}/g;

/**
 * A command line for /bin/sh, by default; with `forShell` false, a plain string (GNU
 * parallel's --tagstring): values as they are, and nothing appended when there is no
 * replacement string.
 */
export function compileTemplate(template: string, forShell = true): CompiledTemplate {
  const quote = forShell ? shellQuote : identity;
  const literals: string[] = [];
  const replacements: Replacement[] = [];
  let usesArgs = false;
  let end = 0;
  for (const match of template.matchAll(REPLACEMENT_STRING)) {
    const [whole, counter, position, transformKey = ''] = match;
    literals.push(template.slice(end, match.index));
    end = match.index + whole.length;
    if (counter === '#') replacements.push((job) => String(job.seq));
    else if (counter === '%') replacements.push((job) => String(job.slot));
    else {
      usesArgs = true;
      const transform = TRANSFORMS[transformKey]!;
      replacements.push(position === undefined ? allArgs(transform, quote) : oneArg(Number(position) - 1, transform, quote));
    }
  }
  literals.push(template.slice(end));
  if (replacements.length === 0 && forShell) {
    // Like GNU parallel (and xargs): no replacement string means the input
    // goes last on the command line.
    literals[0] += ' ';
    literals.push('');
    replacements.push(allArgs(identity, quote));
    usesArgs = true;
  }
  return { render: (job) => render(literals, replacements, job), usesArgs };
}

function render(literals: readonly string[], replacements: readonly Replacement[], job: Job): string {
  let out = literals[0]!;
  for (let i = 0; i < replacements.length; i++) out += replacements[i]!(job) + literals[i + 1]!;
  return out;
}

/** `{}`-style: every argument (several with multiple sources), each quoted, joined by a space. */
function allArgs(transform: Transform, quote: Transform): Replacement {
  return ({ args }) => {
    if (args.length === 0) return '';
    let out = quote(transform(args[0]!));
    for (let i = 1; i < args.length; i++) out += ' ' + quote(transform(args[i]!));
    return out;
  };
}

/** `{n}`-style. A position past the last argument gives nothing at all, not
 *  an empty quoted word: GNU parallel renders `echo {3} {1}` with one arg `a` as `echo  a`. */
function oneArg(index: number, transform: Transform, quote: Transform): Replacement {
  return ({ args }) => {
    const arg = args[index];
    return arg === undefined ? '' : quote(transform(arg));
  };
}

// The path transforms reproduce GNU parallel's Perl exactly, including for
// inputs containing newlines or carriage returns (possible with -0).

/**
 * `{.}` is Perl `s:\.[^/.]*$::`: `a.tar.gz` → `a.tar`, `.bashrc` → ``, `dir.x/file` unchanged.
 * Perl's `$` also matches before a final "\n", but `[^/.]*` swallows that
 * "\n" anyway, so JS's `$` gives the same result.
 */
const EXTENSION = /\.[^/.]*$/;
const removeExtension: Transform = (value) => value.replace(EXTENSION, '');

/**
 * `{/}` is Perl `s:.*\/::`: `dir/` → ``, `/` → ``.
 * Perl's `.` skips only "\n"; JS's `.` also skips "\r", U+2028 and U+2029.
 */
const UP_TO_LAST_SLASH = /[^\n]*\//;
const basename: Transform = (value) => value.replace(UP_TO_LAST_SLASH, '');

/** `{//}` is Perl's File::Basename::dirname: `a` → `.`, `a/b/` → `a`, `/` → `/`, `a//b` → `a`. */
const dirname: Transform = (path) => {
  let [dir, base] = splitAtLastSlash(path);
  dir = stripTrailingSlashes(dir);
  if (base === '') dir = stripTrailingSlashes(splitAtLastSlash(dir)[0]);
  return dir;
};

/** File::Basename::fileparse for Unix: the directory keeps its slash, and is `./` when absent. */
function splitAtLastSlash(path: string): [dir: string, base: string] {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? ['./', path] : [path.slice(0, slash + 1), path.slice(slash + 1)];
}

/** Perl `s{(.)/*\z}{$1}s`: drop trailing slashes but never the first character. */
function stripTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 1 && path[end - 1] === '/') end--;
  return path.slice(0, end);
}

const identity: Transform = (value) => value;

const TRANSFORMS: Readonly<Record<string, Transform>> = {
  '': identity,
  '.': removeExtension,
  '/': basename,
  '//': dirname,
  '/.': (value) => removeExtension(basename(value)),
};
