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
import { constants } from 'node:buffer';
import { PrunError, usageError } from '../errors.js';
import { type HeaderNames, renamed } from './header-names.js';
import { ownReplacements } from './own-replacements.js';
import { plusForm } from './plus-forms.js';
import { runsOf, splitOutsideQuotes } from './quoted-words.js';
import { shellQuote } from './shell-quote.js';

const { MAX_STRING_LENGTH } = constants;

/** One job's inputs: `args[0]` is `{1}`; `seq` is `{#}` (1-based); `slot` is `{%}` (1-based). */
export interface Job {
  args: readonly string[];
  seq: number;
  slot: number;
  /**
   * How many records `args` are (with several sources or --colsep, a record holds several
   * values), for gnuCountExtra: GNU parallel counts `{#}`-style strings once a record. One a
   * value when not given.
   */
  records?: number;
}

export interface CompiledTemplate {
  /** The text for `job`: for the shell, every substituted input quoted for /bin/sh. */
  render(job: Job): string;
  /** False when the command depends only on `{#}` / `{%}`. */
  readonly usesArgs: boolean;
  /** True when it holds `{}`-style strings, of all the arguments (not only `{n}`-style ones). */
  readonly usesAllArgs?: boolean;
  /** True when the template has no replacement string, so the inputs are appended. */
  readonly appended?: boolean;
  /**
   * What GNU parallel's measure of a job's line (-s, under -m and -X) adds to its length as it
   * runs (its CommandLine::len): it counts `{#}` and `{%}` once for each record of the job and
   * a blank for each value, as it counts `{}`; under -X, the text around them in their word
   * for each value too, as in a word it repeats. None when it adds nothing.
   */
  readonly gnuCountExtra?: (job: Job) => number;
}

/** A template or a word of it as compiled: with its own `{#}`-style strings, not a wrapper's. */
interface CompiledPart extends CompiledTemplate {
  readonly ofTheJob: readonly Replacement[];
}

/** A word of a template under -X: what it is for each value of a job, in a word a value. */
interface RepeatedPart extends CompiledPart {
  repeated(job: Job): string;
}

/**
 * How a template reads, as GNU parallel's options say; --header's names (HeaderNames) are
 * replacement strings too.
 */
export interface TemplateOptions extends HeaderNames {
  /** --plus: `{+/}` `{+.}` `{..}` `{...}` `{/..}` `{/...}` `{##}` `{0#}` too, and the forms of plus-forms.ts. */
  plus?: boolean | undefined;
  /** With --plus, the number of jobs, once all inputs were read to know it: `{##}`, and the width `{0#}` is padded to. */
  total?: number | undefined;
  /** -X (and -N, -L): a word holding a `{}`-style replacement string is repeated for each argument. */
  contextReplace?: boolean | undefined;
  /** False: a command without replacement strings gets no input appended (-N0). */
  appendArgs?: boolean | undefined;
  /**
   * --rpl: replacement strings of the user's own, each `'TAG PERL'`, PERL made of
   * substitutions (own-replacements.ts); `{nTAG}` applies `{TAG}` to the n-th argument.
   */
  rpl?: readonly string[] | undefined;
  /**
   * -q: the command's words were quoted, its replacement strings left out; a value is quoted
   * in its first word too (GNU parallel's `parallel -q {} ::: 'a; b'` runs no `b`).
   */
  quoted?: boolean | undefined;
  /** Where the template was given, for an error: `the command` unless said (`--tagstring`). */
  where?: string | undefined;
}

type Replacement = (job: Job) => string;
type Transform = (value: string) => string;

// Anything in braces: what is not a replacement string (`{foo}`, `{ }`, awk's `{print $1}`)
// stays literal, unless it is made only of the characters of one (`{1x.}` is a typo, `{= =}`
// is Perl): that is refused, as no output would be right.
const BRACES = /\{([^{}]*)\}/g;
// an optional position (any digits but all zeros, as GNU parallel reads `{01}` as `{1}`;
// it also allows blanks after the number; negative counts from the last argument)
const POSITIONAL = /^(?:(-?\d*[1-9]\d*)[\t\n\v\f\r ]*)?(\/\/|\/\.\.\.|\/\.\.|\/\.|\/|\.\.\.|\.\.|\.|\+\/|\+\.\.\.|\+\.\.|\+\.)?$/;
const LOOKS_LIKE_ONE = /^(?:[-+\d./#%]+[\t\n\v\f\r ]*[-+./]*|=.*|[#%:].*)$/s;
const PLUS_ONLY = new Set(['..', '...', '/..', '/...', '+/', '+.', '+..', '+...']);
// GNU parallel's --plus forms that prun does not have: under --plus they are replacement
// strings there, so left as text here they would be silent wrong output. Those that look like
// its dynamic ones (plus-forms.ts) but are none (`{:x}`), and its named ones
const PLUS_DYNAMIC = /^(?:-?\d+)?(?::|#|%|\/|\^|,)./s;
const PLUS_NAMED = new Set(['0%', 'slot', 'sshlogin', 'host', 'agrp', 'hgrp', 'choose_k', 'uniq']);

/**
 * Marks a replacement string's spelling as plain text: `{}` left as typed where `-I @` made
 * `@` the replacement string, as GNU parallel leaves it. The mark inside the braces makes them
 * no replacement string; compiling drops it again.
 */
export function asLiteral(replacementString: string): string {
  return `{${LITERAL_MARK}${replacementString.slice(1)}`;
}
// no command holds a NUL, but a --tagstring may (`\0`), even after a brace: a NUL alone was
// the mark, and `--tagstring '{\0}'` lost its NUL (a review)
const LITERAL_MARK = '\0literal\0';

/** Text with asLiteral's marks dropped, and only those: a NUL elsewhere is the user's own (was: every NUL dropped from a tag). */
function unmarked(text: string): string {
  return text.replaceAll(`{${LITERAL_MARK}`, '{');
}

/**
 * A command line for /bin/sh, by default; with `forShell` false, a plain string (GNU
 * parallel's --tagstring): values as they are, and nothing appended when there is no
 * replacement string. As GNU parallel does, a replacement string in the command's first word
 * (`parallel {} ::: 'ls -l'`, `parallel {2} ...`) makes every value go in unquoted: the
 * inputs are then commands.
 */
export function compileTemplate(template: string, forShell = true, options: TemplateOptions = {}): CompiledTemplate {
  // --rpl's tags not in braces, braced; a definition prun cannot run is refused here, whether or not the command uses it
  const braced = options.rpl === undefined ? (part: string) => part : (part: string) => ownReplacements(options.rpl!).braced(part);
  const marked = template.indexOf(COMMAND_MARK);
  const wrapper = braced(template.slice(0, Math.max(0, marked)));
  const start = marked < 0 ? 0 : wrapper.length;
  const text = marked < 0 ? braced(template) : wrapper + braced(template.slice(marked + COMMAND_MARK.length));
  const compiled = options.contextReplace && forShell ? compileContext(text, options, start) : compileWords(text, forShell, options, start, firstWordEnd(text, start));
  const { usesArgs, usesAllArgs, appended, gnuCountExtra } = compiled;
  return { render: refusingTooLong(compiled.render), usesArgs, usesAllArgs, appended, gnuCountExtra };
}

/**
 * Throws ERR_INPUT when a job's text would be longer than V8 can make a string of: an input
 * near that size, quoted (a `'` becomes five characters) or placed twice, gets past the line
 * source's own limit (was: a RangeError with its stack, and the run's other inputs lost).
 */
function refusingTooLong(render: (job: Job) => string): (job: Job) => string {
  return (job) => {
    try {
      return render(job);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new PrunError('ERR_INPUT', `job ${job.seq}: its command would be longer than a string can be (${MAX_STRING_LENGTH} characters); give so big an input through a file or --pipe`);
    }
  };
}

/**
 * Marks where the user's own command starts in a command that wraps it (--results, --nice,
 * --process-slot-var): the first-word rule reads the user's command from there, and the
 * wrapper's own replacement strings are always quoted (was: `--nice 1 ::: 'echo a'` ran
 * `'echo a'`, one word, as the command, the input's `{}` no longer first).
 */
export function markCommandStart(command: string): string {
  return COMMAND_MARK + command;
}
// no command holds a NUL, nor a --tagstring this word between two
const COMMAND_MARK = '\0command\0';

/**
 * Where the command's first word ends, from `start`, where the user's command starts (-1: it
 * is all one word): a replacement string before it leaves every value unquoted.
 */
function firstWordEnd(template: string, start: number): number {
  const end = template.slice(start).search(/[ \t\n=]/);
  return end < 0 ? -1 : start + end;
}

/**
 * compileTemplate's work, for a template that may be a part of the command: `commandStart`
 * is where the user's command starts (0 or less: the part is all of it; what comes before is
 * a wrapper's), and `firstWordEnd` where its first word ends, both counted from the part's
 * start (negative: the part is all in it; 0: the part is past it).
 */
function compileWords(template: string, forShell: boolean, options: TemplateOptions, commandStart: number, firstWordEnd: number): CompiledPart {
  let quote = forShell ? shellQuote : identity;
  const literals: string[] = [];
  const replacements: Replacement[] = [];
  let usesArgs = false;
  let usesAllArgs = false;
  // the user's `{#}`-style strings, not a wrapper's (--results writes {#} to a file)
  const ofTheJob: Replacement[] = [];
  const quotes = options.quoted && forShell ? new SingleQuotes(template, Math.max(0, commandStart)) : undefined;
  let end = 0;
  for (const match of template.matchAll(BRACES)) {
    const [whole, content = ''] = match;
    if (match.index > 0 && template[match.index - 1] === '$') continue; // the shell's ${#x}
    const wrapper = match.index < commandStart;
    // a wrapper's own `{}` is no column's, whatever the header names (`a,,b` names one '')
    const replacement = replacementFor(content, wrapper ? { ...options, names: undefined, fileNames: undefined } : options);
    if (replacement === undefined) {
      const why = refusal(content, options);
      if (why !== undefined) throw usageError(`unknown replacement string ${whole} in ${options.where ?? 'the command'}${why}`);
      continue;
    }
    if (forShell && !wrapper && !options.quoted && (firstWordEnd < 0 || match.index < firstWordEnd)) quote = identity;
    literals.push(unmarked(template.slice(end, match.index)));
    end = match.index + whole.length;
    const rendered = replacement.kind === 'job' ? replacement.render : replacement.render(wrapper ? quoteAlways : () => quote);
    // -q quoted the words before some strings were known as replacement strings (a --header
    // name, -I's, --rpl's without braces, --er's): one inside those quotes closes them around
    // its quoted value (was: the value between the quotes, `$(touch pwned)` run: a review)
    replacements.push(!wrapper && quotes?.inside(match.index) ? (job) => `'${rendered(job)}'` : rendered);
    // a quote in a replacement string (--plus's `{%'}`, a --rpl tag's) is none of the shell's
    quotes?.skip(end);
    if (replacement.kind === 'job' && !wrapper) ofTheJob.push(replacement.render);
    if (replacement.kind === 'arg') usesArgs = true;
    if (replacement.kind === 'arg' && replacement.all) usesAllArgs = true;
  }
  literals.push(unmarked(template.slice(end)));
  if (replacements.length === 0 && forShell && options.appendArgs !== false) {
    // Like GNU parallel (and xargs): no replacement string means the input
    // goes last on the command line.
    literals.push('');
    const appended = allArgs(identity, () => quote);
    // -N0 appends nothing, not even the blank before it
    replacements.push((job) => (job.args.length === 0 ? '' : ` ${appended(job)}`));
    return { render: (job) => render(literals, replacements, job), usesArgs: true, appended: true, ofTheJob };
  }
  const gnuCountExtra = ofTheJob.length === 0 ? undefined : (job: Job) => countedMore(job, ofTheJob, ofTheJob.length);
  return { render: (job) => render(literals, replacements, job), usesArgs, usesAllArgs, gnuCountExtra, ofTheJob };
}

/**
 * -q's single quotes, as written by shellQuote (`'...'`, a `'` as `"'"`), read along the
 * command in ascending order from `from` (what is before is a wrapper's), the replacement
 * strings skipped.
 */
class SingleQuotes {
  private scanned: number;
  private single = false;
  private double = false;

  constructor(
    private readonly text: string,
    from: number,
  ) {
    this.scanned = from;
  }

  /** Whether `index` is inside single quotes. */
  inside(index: number): boolean {
    for (; this.scanned < index; this.scanned++) {
      const char = this.text[this.scanned];
      if (char === "'" && !this.double) this.single = !this.single;
      else if (char === '"' && !this.single) this.double = !this.double;
    }
    return this.single;
  }

  /** What is before `index` is read (a replacement string): none of its characters counts. */
  skip(index: number): void {
    this.scanned = Math.max(this.scanned, index);
  }
}

/**
 * What GNU parallel counts past one of each: the `strings`' text once for each record more,
 * and `perValue` (their blanks, under -X their words' other text and blank) for each value more.
 */
function countedMore(job: Job, strings: readonly Replacement[], perValue: number): number {
  const values = job.args.length;
  if (values < 2) return 0;
  const records = job.records ?? values;
  return (values - 1) * perValue + (records - 1) * lengthOf(strings, job);
}

/** How long `strings` are for `job`, all together. */
function lengthOf(strings: readonly Replacement[], job: Job): number {
  return strings.reduce((sum, string) => sum + string(job).length, 0);
}

/**
 * Whether braces holding `content` are more than text to a template: a replacement string, or
 * one it refuses (`{1x.}`, `{= =}`). -q quotes every other brace as the literal it is (awk's
 * `{print $1}`), and leaves these for the template.
 */
export function bracesAreReplaced(content: string, options: TemplateOptions = {}): boolean {
  return replacementFor(content, options) !== undefined || refusal(content, options) !== undefined;
}

/**
 * Why braces holding `content`, which is no replacement string, cannot stay text (what to add
 * to the refusal), or undefined when they are text: a typo of one, Perl, a --plus form prun
 * does not have.
 */
function refusal(content: string, options: TemplateOptions): string | undefined {
  if (LOOKS_LIKE_ONE.test(content)) return content.startsWith('=') ? ' ({= perl =} is not supported)' : '';
  if (options.plus && (PLUS_DYNAMIC.test(content) || PLUS_NAMED.has(content))) return ' (a --plus form prun does not have)';
  return undefined;
}

type Found =
  | { kind: 'job'; render: Replacement }
  | { kind: 'arg'; all: boolean; render: (quote: () => Transform) => Replacement };

function replacementFor(given: string, options: TemplateOptions): Found | undefined {
  // GNU parallel replaces the names before it reads any replacement string: a column named `#` is `{#}`'s
  const content = renamed(given, options) ?? given;
  // a --plus form before the user's own --rpl strings, as GNU parallel reads them
  const plus = options.plus ? plusForm(content) : undefined;
  if (plus) return argReplacement(plus.position, plus.transform);
  const own = ownReplacementFor(content, options.rpl);
  if (own) return own;
  if (content === '#') return { kind: 'job', render: (job) => String(job.seq) };
  if (content === '%') return { kind: 'job', render: (job) => String(job.slot) };
  if (options.plus && content === '##') {
    const total = options.total === undefined ? '' : String(options.total);
    return { kind: 'job', render: () => total };
  }
  if (options.plus && content === '0#') {
    const width = String(options.total ?? '').length;
    return { kind: 'job', render: (job) => String(job.seq).padStart(width, '0') };
  }
  const match = POSITIONAL.exec(content);
  if (!match) return undefined;
  const [, position, key = ''] = match;
  if (PLUS_ONLY.has(key) && !options.plus) return undefined;
  return argReplacement(position === undefined ? undefined : Number(position), TRANSFORMS[key]!);
}

/** One of --rpl's strings, of every value or, positional, of one. */
function ownReplacementFor(content: string, rpl: readonly string[] | undefined): Found | undefined {
  const own = rpl === undefined ? undefined : ownReplacements(rpl).find(content);
  return own && argReplacement(own.position, own.transform);
}

/** `{}`-style (`position` undefined: every value) or `{n}`-style, changed by `transform`. */
function argReplacement(position: number | undefined, transform: Transform): Found {
  return { kind: 'arg', all: position === undefined, render: (quote) => (position === undefined ? allArgs(transform, quote) : oneArg(position, transform, quote)) };
}

/**
 * -X: each word that holds a `{}`-style replacement string, once for each argument, each
 * quoted as the whole command's are (unquoted only in its first word); the other words as
 * they render for the job (`{#}`, `{%}`, `{n}`: one argument, which GNU parallel does not
 * repeat), with no input appended to any one of them.
 */
function compileContext(template: string, options: TemplateOptions, commandStart: number): CompiledTemplate {
  const single = { ...options, contextReplace: false };
  const words = options.quoted ? splitOutsideQuotes(template, commandStart) : template.split(/([ \t\n]+)/);
  const commandWordEnd = firstWordEnd(template, commandStart);
  let offset = 0;
  const parts = words.map((word): RepeatedPart => {
    // where the command and its first word start and end, from this word's start
    const end = commandWordEnd < 0 ? -1 : Math.max(0, commandWordEnd - offset);
    const start = commandStart - offset;
    offset += word.length;
    const compile = (text: string) => compileWords(text, true, { ...single, appendArgs: false }, start, end);
    const part = compile(word);
    const runs = options.quoted && part.usesAllArgs && start <= 0 ? runsOf(word) : undefined;
    if (runs === undefined) return { ...part, repeated: (job) => eachValue(part, job) };
    const compiled = runs.map(compile);
    return { ...part, repeated: (job) => compiled.map((run) => (run.usesAllArgs ? eachValue(run, job) : run.render(job))).join('') };
  });
  // GNU parallel counts a word of `{#}`-style strings alone as one it repeats (`-X echo {} x{#}y`),
  // its text besides them and its blank once for each value, where it writes the word once
  const counted = parts.filter((part) => !part.usesArgs && part.ofTheJob.length > 0);
  const ofTheJob = counted.flatMap((part) => part.ofTheJob);
  const gnuCountExtra = counted.length === 0 ? undefined : (job: Job) => countedMore(job, ofTheJob, counted.reduce((sum, part) => sum + 1 + part.render(job).length, 0) - lengthOf(ofTheJob, job));
  if (!parts.some((part) => part.usesAllArgs)) return { ...compileWords(template, true, single, commandStart, commandWordEnd), gnuCountExtra };
  return {
    usesArgs: true,
    usesAllArgs: true,
    render: (job) => parts.map((part) => (part.usesAllArgs ? part.repeated(job) : part.render(job))).join(''),
    gnuCountExtra,
  };
}

/** A word for each value of the job, as -X repeats one. */
function eachValue(part: CompiledPart, job: Job): string {
  return job.args.map((arg) => part.render({ ...job, args: [arg] })).join(' ');
}

const quoteAlways = (): Transform => shellQuote;

function render(literals: readonly string[], replacements: readonly Replacement[], job: Job): string {
  let out = literals[0]!;
  for (let i = 0; i < replacements.length; i++) out += replacements[i]!(job) + literals[i + 1]!;
  return out;
}

/** `{}`-style: every argument (several with multiple sources), each quoted, joined by a space. */
function allArgs(transform: Transform, quoteOf: () => Transform): Replacement {
  return ({ args }) => {
    if (args.length === 0) return '';
    const quote = quoteOf();
    let out = quote(transform(args[0]!));
    for (let i = 1; i < args.length; i++) out += ' ' + quote(transform(args[i]!));
    return out;
  };
}

/** `{n}`-style. A position past the last argument gives nothing at all, not
 *  an empty quoted word: GNU parallel renders `echo {3} {1}` with one arg `a` as `echo  a`. */
function oneArg(position: number, transform: Transform, quoteOf: () => Transform): Replacement {
  return ({ args }) => {
    // {1} is the first, {-1} the last; past the first, a negative one wraps around once more,
    // as Perl's negative index does in GNU parallel (`{-3}` of `a b` is `b`)
    const arg = args[position > 0 ? position - 1 : wrapOnce(args.length + position, args.length)];
    return arg === undefined ? '' : quoteOf()(transform(arg));
  };
}

/** An index still negative counted from the end once more, as Perl's: {-3} of 2 is index -1, then 1. */
function wrapOnce(index: number, length: number): number {
  return index < 0 ? length + index : index;
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

/** Perl `s:RE:: || s:.*$::`-style, for --plus: what RE keeps, else nothing. */
function keepOrEmpty(pattern: RegExp): Transform {
  return (value) => {
    const match = pattern.exec(value);
    return match ? value.replace(pattern, match[1] ?? '') : '';
  };
}
const removeExtensions = (n: number): Transform => {
  const pattern = new RegExp(`${'\\.[^/.]*'.repeat(n)}$`);
  return (value) => value.replace(pattern, '');
};

const TRANSFORMS: Readonly<Record<string, Transform>> = {
  '': identity,
  '.': removeExtension,
  '/': basename,
  '//': dirname,
  '/.': (value) => removeExtension(basename(value)),
  // --plus
  '..': removeExtensions(2),
  '...': removeExtensions(3),
  '/..': (value) => removeExtensions(2)(basename(value)),
  '/...': (value) => removeExtensions(3)(basename(value)),
  '+/': (value) => (value.includes('/') ? value.replace(/\/[^/]*$/, '') : ''),
  '+.': keepOrEmpty(/^[^]*\.([^]*)$/),
  '+..': keepOrEmpty(/^[^]*\.([^/.]*\.[^/.]*)$/),
  '+...': keepOrEmpty(/^[^]*\.([^/.]*\.[^/.]*\.[^/.]*)$/),
};
