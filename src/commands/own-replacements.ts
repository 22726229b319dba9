/**
 * GNU parallel's --rpl: replacement strings of the user's own, each `'TAG PERL'`, where PERL
 * changes the value as perl-substitution.ts runs it. Three kinds, as GNU parallel has them:
 * - `{..}`: a tag in braces, also positional (`{2..}` is `{..}` of the second value);
 * - `{%(.+?)}`: a tag with parentheses is dynamic: what they match in the command (`{%.gz}`)
 *   takes the place of `$$1` (`$$2`...) in PERL, as text, before it is compiled;
 * - `..`: any other tag is replaced wherever it stands in the command, outside braces.
 */
import { quoted, usageError } from '../errors.js';
import { compilePerlSubstitution, type Substitution } from './perl-substitution.js';
import { matchPositioned, splitPosition } from './replacement-position.js';

export interface OwnReplacements {
  /** The substitution for what a pair of braces holds, with its position (`{2..}`: 2), if it is one of these strings. */
  find(content: string): { position: number | undefined; transform: Substitution } | undefined;
  /** `template` with each tag not in braces written in braces, for find() to know. */
  braced(template: string): string;
}

interface Dynamic {
  /** The tag's braces' content as a pattern: its parentheses capture, the rest is literal. */
  pattern: RegExp;
  expression: string;
  definition: string;
}

// what a bare tag is written as once in braces: no command holds a NUL
const BARE_MARK = '\0rpl';

const parsed = new WeakMap<readonly string[], OwnReplacements>();

/** The strings `definitions` (--rpl's values) define; one prun cannot run is a usage error. */
export function ownReplacements(definitions: readonly string[]): OwnReplacements {
  let own = parsed.get(definitions);
  if (!own) {
    own = parse(definitions);
    parsed.set(definitions, own);
  }
  return own;
}

function parse(definitions: readonly string[]): OwnReplacements {
  const exact = new Map<string, Substitution>();
  const dynamic: Dynamic[] = [];
  const bare: string[] = [];
  for (const definition of definitions) {
    const [, tag = '', expression = ''] = /^(\S+)(?:\s+([^]*))?$/.exec(definition) ?? [];
    if (tag === '') throw usageError(`--rpl takes 'TAG PERL', a replacement string and what it does, got ${quoted(definition)}`);
    // `{}` too: its content is empty (was: never found, so --rpl '{} s/a/b/' did nothing)
    const braced = /^\{([^{}]*)\}$/.exec(tag)?.[1];
    if (braced !== undefined && braced.includes('(')) {
      dynamic.push({ pattern: dynamicPattern(braced, definition), expression, definition });
      // a bad expression is refused now, not when the command first uses the string
      compile(expression.replace(/\$\$\d+/g, ''), definition);
      continue;
    }
    const content = braced ?? `${BARE_MARK}${bare.push(tag) - 1}`;
    exact.set(content, compile(expression, definition));
  }
  // one pattern of every bare tag, the longest first where one holds another
  const bareTags = new RegExp([...bare].sort((a, b) => b.length - a.length).map(literally).join('|'), 'g');
  return {
    find(content) {
      const direct = exact.get(content);
      if (direct) return { position: undefined, transform: direct };
      const { position: at, rest } = splitPosition(content);
      const positioned = at === undefined ? undefined : exact.get(rest);
      if (positioned) return { position: at, transform: positioned };
      // `{n}` is `{}` of the n-th value, as `{n..}` is `{..}`'s
      const nth = /^-?\d*[1-9]\d*$/.test(content) ? exact.get('') : undefined;
      if (nth) return { position: Number(content), transform: nth };
      for (const string of dynamic) {
        const found = matchPositioned(string.pattern, content);
        if (!found) continue;
        const expression = string.expression.replace(/\$\$(\d+)/g, (_, group: string) => found.match[Number(group)] ?? '');
        return { position: found.position, transform: compile(expression, string.definition) };
      }
      return undefined;
    },
    braced(template) {
      if (bare.length === 0) return template;
      // outside the braces already there
      return template
        .split(/(\{[^{}]*\})/)
        .map((part, index) => (index % 2 === 1 ? part : part.replace(bareTags, (tag) => `{${BARE_MARK}${bare.indexOf(tag)}}`)))
        .join('');
    },
  };
}

/** `%(.+?)` as /^%(.+?)$/: the parentheses are the user's pattern, the rest stands for itself. */
function dynamicPattern(content: string, definition: string): RegExp {
  let source = '';
  let depth = 0;
  for (const char of content) {
    if (char === '(') depth++;
    source += depth > 0 ? char : literally(char);
    if (char === ')') depth--;
  }
  return refusedIfBad(definition, () => new RegExp(`^${source}$`, 's'));
}

function compile(expression: string, definition: string): Substitution {
  return refusedIfBad(definition, () => compilePerlSubstitution(expression));
}

/** `text` as a pattern that matches it and nothing else. */
function literally(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** What `make` builds from `definition`, or the usage error that names the definition and what is wrong with it. */
function refusedIfBad<T>(definition: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw usageError(`--rpl ${quoted(definition)}: ${(error as Error).message}`);
  }
}
