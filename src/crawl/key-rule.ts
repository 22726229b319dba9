import { quoted, usageError } from '../errors.js';
import { shownText } from '../model/byte-string.js';
import { loadPublicSuffixes, registrableDomain } from './registrable-domain.js';

/** How an input's key is found: its URL's host or registrable domain, a field, or a capture. */
export type KeyRule = { kind: 'host' } | { kind: 'domain' } | { kind: 'field'; n: number } | { kind: 'regex'; pattern: RegExp };

const EXPECTED = 'host, domain, field:N (N from 1) or regex:PATTERN (with a capture group)';

/**
 * `host`, `domain`, `field:N` (N from 1) or `regex:PATTERN`, the pattern with a capture group.
 * `option` names the value in an error: `--key` for the CLI, `key` for the library.
 */
export function parseKeyRule(option: string, text: string): KeyRule {
  if (text === 'host') return { kind: 'host' };
  if (text === 'domain') {
    loadPublicSuffixes();
    return { kind: 'domain' };
  }
  if (text.startsWith('field:')) {
    const digits = text.slice('field:'.length);
    const n = /^\d+$/.test(digits) ? Number(digits) : Number.NaN;
    if (Number.isSafeInteger(n) && n >= 1) return { kind: 'field', n };
  } else if (text.startsWith('regex:')) {
    // matched against text, where a byte that is not UTF-8 is U+FFFD, not the escape an
    // argument keeps it in (was: such a pattern matched no input, and all shared the key '')
    return { kind: 'regex', pattern: compile(option, shownText(text.slice('regex:'.length)), text) };
  }
  throw usageError(`${option} must be ${EXPECTED}, got ${quoted(text)}`);
}

function compile(option: string, source: string, text: string): RegExp {
  let pattern: RegExp;
  try {
    pattern = new RegExp(source);
  } catch (error) {
    throw usageError(`${option} ${quoted(text)}: not a regular expression: ${(error as Error).message}`);
  }
  // a pattern that can match nothing but '' still reports its groups when made to match ''
  const groups = new RegExp(`${source}|`).exec('')!.length - 1;
  if (groups < 1) throw usageError(`${option} ${quoted(text)}: the pattern needs a capture group, whose text is the key`);
  return pattern;
}

/**
 * The input's key under the rule, or '' when it has none (not a URL, no match, too few
 * fields): such inputs share the key '' and are limited like any other key.
 */
export function keyOf(rule: KeyRule, input: string): string {
  switch (rule.kind) {
    case 'host':
      return hostOf(input);
    case 'domain': {
      const host = hostOf(input);
      return host === '' ? '' : registrableDomain(host);
    }
    case 'field':
      return field(input, rule.n);
    case 'regex':
      return rule.pattern.exec(input)?.[1] ?? '';
  }
}

/**
 * The host of the URL the input holds: the whole input (trimmed) when it is one, else its
 * first word that is one (a line `https://a.example/x<TAB>note`). Lower case, with no port and
 * no trailing dot (`example.com.` is the same server as `example.com`).
 */
function hostOf(input: string): string {
  const whole = hostOfUrl(input.trim());
  if (whole !== undefined) return whole;
  for (const word of input.split(/\s+/)) {
    if (!word.includes('://')) continue;
    const host = hostOfUrl(word);
    if (host !== undefined) return host;
  }
  return '';
}

function hostOfUrl(text: string): string | undefined {
  if (!text.includes(':')) return undefined;
  let hostname: string;
  try {
    hostname = new URL(text).hostname;
  } catch {
    return undefined;
  }
  if (hostname === '') return undefined; // mailto:, data:, file:///
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}

/** The n-th tab-separated field, from 1, without splitting the whole line. */
function field(input: string, n: number): string {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const tab = input.indexOf('\t', start);
    if (tab === -1) return '';
    start = tab + 1;
  }
  const end = input.indexOf('\t', start);
  return input.slice(start, end === -1 ? undefined : end);
}
