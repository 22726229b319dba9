// Quoted values are handed to the real /bin/sh, which must give each one back
// as exactly one word, unchanged.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellQuote } from '../../src/commands/shell-quote.js';

const workDir = mkdtempSync(join(tmpdir(), 'prun-quote-'));
after(() => rmSync(workDir, { recursive: true, force: true }));
writeFileSync(join(workDir, 'canary'), ''); // so an unquoted `*` or `?` would expand

/** The words sh sees after parsing the quoted values. */
function wordsSeenBySh(values: readonly string[]): string[] {
  const script = `printf '%s\\0' ${values.map(shellQuote).join(' ')}`;
  const out = execFileSync('/bin/sh', ['-c', script], { cwd: workDir, encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const ASCII = Array.from({ length: 127 }, (_, i) => String.fromCharCode(i + 1));

const TRICKY = [
  '', ' ', '$(touch pwned)', '`touch pwned`', '${HOME}', '$HOME', 'a; touch pwned', 'a && b', 'a | b',
  "it's", "''", "'", '"', '\\', 'a\\', '*', '?', '[a]', '~', '~root', '-n', '--opt=x', 'FOO=bar',
  'line1\nline2', '\n', 'tab\t', '#comment', '!', '{a,b}', 'é', '😀', 'a=b=c', '%s',
];

test('every tricky value and every ASCII character reaches sh as one literal word', () => {
  const values = [...TRICKY, ...ASCII, ...ASCII.map((c) => `a${c}b`), ...ASCII.map((c) => `${c}x`)];
  assert.deepEqual(wordsSeenBySh(values), values);
  assert.equal(existsSync(join(workDir, 'pwned')), false, 'a value was executed as shell code');
});

test('safe strings stay bare: letters, digits and -_.+/ only, as GNU parallel leaves them', () => {
  for (const value of ['abc', 'A_Z-09', 'a.tar.gz', '/abs/path', 'a+b', '-n']) {
    assert.equal(shellQuote(value), value);
  }
});

test("the rest is single-quoted as GNU parallel quotes it: a ' is '\"'\"', no empty '' at the ends", () => {
  const cases: [string, string][] = [
    ['', "''"],
    ['a b', "'a b'"],
    ['/abs/p:q', "'/abs/p:q'"],
    ['--opt=x', "'--opt=x'"],
    ["it's", `'it'"'"'s'`],
    ["'", `"'"`],
    ["'a", `"'"'a'`],
    ["a'", `'a'"'"`],
  ];
  for (const [value, quoted] of cases) assert.equal(shellQuote(value), quoted, value);
});

test('an input shaped like NAME=value in command position runs as a command, not an assignment', () => {
  // Bare, `FOO=bar` would be an assignment and the "command" would succeed.
  const result = spawnSync('/bin/sh', ['-c', shellQuote('FOO=bar')], { cwd: workDir, encoding: 'utf8' });
  assert.equal(result.status, 127, 'expected "command not found"');
});
