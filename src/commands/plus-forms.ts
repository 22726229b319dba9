/**
 * GNU parallel's --plus forms that take a parameter, as bash's parameter expansions do
 * (`${v:-x}` `${v:2}` `${v#re}` `${v/re/str}` `${v^re}`...): `{:-x}` `{:2}` `{:2:3}` `{#re}`
 * `{##re}` `{%re}` `{%%re}` `{/re/str}` `{//re/str}` `{/#re/str}` `{/%re/str}` `{^re}`
 * `{^^re}` `{,re}` `{,,re}`, after an optional
 * position (`{2#re}`: of the second value). As in GNU parallel, `re` is a Perl pattern, put
 * into a Perl substitution (perl-substitution.ts runs it) as written: `{#a*}` removes the
 * shortest match at the start and `{##a*}` the longest, as in bash; `str` is text, put in as
 * it is (GNU parallel's `{/a/$1}` puts `$1`). A pattern prun cannot run is a usage error.
 */
import { usageError } from '../errors.js';
import { compilePerlSubstitution, type Substitution } from './perl-substitution.js';
import { matchPositioned } from './replacement-position.js';

export interface PlusForm {
  /** `{2#re}`: 2; undefined for every value. */
  position: number | undefined;
  transform: Substitution;
}

/** Each form: its pattern (what the braces hold past a position) and what it makes of the groups. */
const FORMS: [pattern: RegExp, make: (groups: string[]) => Substitution][] = [
  // Perl's `$_ ||= x`: an empty value, or "0", which Perl takes for false too
  [/^:-([^]+)$/, ([text]) => (value) => (value === '' || value === '0' ? text! : value)],
  [/^:(\d+)$/, ([from]) => (value) => value.slice(Number(from))],
  [/^:(\d+):(\d+)$/, ([from, length]) => (value) => value.substr(Number(from), Number(length))],
  [/^#([^#][^]*)$/, ([re]) => perl(`s/^${slashed(shortest(re!))}(.*)/$1/`)],
  [/^##([^]+)$/, ([re]) => perl(`s/^${slashed(re!)}//`)],
  [/^%([^%][^]*)$/, ([re]) => perl(`s/(.*)${slashed(shortest(re!))}$/$1/`)],
  [/^%%([^]+)$/, ([re]) => perl(`s/${slashed(re!)}$//`)],
  // every match, the one at the start, at the end, the first (the pattern ends at the first
  // slash past its first character, as GNU parallel's)
  [/^\/\/([^]+?)\/([^]*)$/, ([re, text]) => perl(`s/${slashed(re!)}/${literal(text!)}/g`)],
  [/^\/#([^]+?)\/([^]*)$/, ([re, text]) => perl(`s/^${slashed(re!)}/${literal(text!)}/`)],
  [/^\/%([^]+?)\/([^]*)$/, ([re, text]) => perl(`s/${slashed(re!)}$/${literal(text!)}/`)],
  [/^\/([^]+?)\/([^]*)$/, ([re, text]) => perl(`s/${slashed(re!)}/${literal(text!)}/`)],
  [/^\^([^^][^]*)$/, ([re]) => perl(`s/^(${slashed(re!)})/\\U$1/`)],
  [/^\^\^([^]+)$/, ([re]) => perl(`s/(${slashed(re!)})/\\U$1/g`)],
  [/^,([^,][^]*)$/, ([re]) => perl(`s/^(${slashed(re!)})/\\L$1/`)],
  [/^,,([^]+)$/, ([re]) => perl(`s/(${slashed(re!)})/\\L$1/g`)],
];

/** The --plus form braces holding `content` make, or undefined when they hold none. */
export function plusForm(content: string): PlusForm | undefined {
  for (const [pattern, make] of FORMS) {
    // `{2:3}` is `{:3}` of the second value; `{:2:3}` holds no position
    const found = matchPositioned(pattern, content);
    if (!found) continue;
    try {
      return { position: found.position, transform: make(found.match.slice(1)) };
    } catch (error) {
      // was: the JavaScript error, with its stack (`{##*.}`: Nothing to repeat)
      throw usageError(`the --plus form {${content}} has a pattern prun cannot run: ${(error as Error).message}`);
    }
  }
  return undefined;
}

function perl(expression: string): Substitution {
  return compilePerlSubstitution(expression);
}

/** A pattern put between the substitution's slashes: a slash in it stands for itself. */
function slashed(text: string): string {
  return text.replace(/(?<!\\)\//g, '\\/');
}

/** Text as a substitution's replacement puts it in: every `\`, `$` and `/` stands for itself. */
function literal(text: string): string {
  return text.replace(/[\\$/]/g, '\\$&');
}

/**
 * The pattern with its greedy `*` and `+` made lazy, outside character classes and escapes:
 * bash's `${v#pat}` removes the shortest match, as GNU parallel's `{#pat}` does by this change
 * to its Perl pattern (a lazy one stays lazy).
 */
function shortest(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      out += char + (pattern[++i] ?? '');
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      out += char;
      continue;
    }
    if (char === '[') inClass = true;
    out += char;
    if ((char === '*' || char === '+') && pattern[i + 1] !== '?') out += '?';
  }
  return out;
}
