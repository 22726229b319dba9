import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plusForm } from '../../src/commands/plus-forms.js';
import { PrunError } from '../../src/errors.js';

/** What the braces holding `content` make of `value`, as GNU parallel 20221122 printed them. */
function apply(content: string, value: string): string | undefined {
  return plusForm(content)?.transform(value);
}

test("--plus forms with a parameter give GNU parallel's output (its tutorial's, and bash's shortest and longest matches)", () => {
  const cases: [content: string, value: string, expected: string][] = [
    [':-myval', '', 'myval'],
    [':-myval', '0', 'myval'],
    [':-myval', 'set', 'set'],
    [':2', 'abcAaAdef', 'cAaAdef'],
    [':9', 'a.b.c', ''],
    [':2:3', 'abcAaAdef', 'cAa'],
    [':1:20', 'a.b.c', '.b.c'],
    ['#bc', 'abcAaAdef', 'abcAaAdef'],
    ['#abc', 'abcAaAdef', 'AaAdef'],
    ['#a*', 'aaAbAf', 'aaAbAf'],
    ['##a*', 'aaAbAf', 'AbAf'],
    ['%de', 'abcAaAdef', 'abcAaAdef'],
    ['%def', 'abcAaAdef', 'abcAaA'],
    ['%A*f', 'aaAbAf', 'aaAbA'],
    ['%%A*f', 'aaAbAf', 'aaAb'],
    ['/def/ghi', 'abcAaAdef', 'abcAaAghi'],
    ['/a/', 'a.b.c', '.b.c'],
    ['//a/X', 'aXa', 'XXX'],
    ['/#a/X', 'aXa', 'XXa'],
    ['/%a/X', 'aXa', 'aXX'],
    ['/#a*/X', 'aab', 'Xb'],
    ['/a/X', 'aXa', 'XXa'],
    ['/./_', 'a.b.c', '_.b.c'],
    ['^a', 'abcAaAdef', 'AbcAaAdef'],
    ['^^a', 'abcAaAdef', 'AbcAAAdef'],
    [',A', 'AbcAaAdef', 'abcAaAdef'],
    [',,A', 'AbcAaAdef', 'abcaaadef'],
  ];
  for (const [content, value, expected] of cases) assert.equal(apply(content, value), expected, `{${content}} of ${JSON.stringify(value)}`);
});

test('a position before the form applies it to that value: {2:1} is {:1} of the second', () => {
  assert.deepEqual(plusForm('2:1')?.position, 2);
  assert.equal(apply('2:1', 'abc'), 'bc');
  assert.equal(plusForm(':2:3')?.position, undefined);
});

test("the built-in strings are none of these forms: {#} {##} {0#} {%} {/} {//} {/.} {-1} {1/} stay GNU parallel's", () => {
  for (const content of ['#', '##', '0#', '%', '/', '//', '/.', '/..', '-1', '1/', '+/', '..', ':x']) assert.equal(plusForm(content), undefined, `{${content}}`);
});

test("the text of {/re/str} goes in as typed, a lazy quantifier stays lazy, as GNU parallel's (was: $1, \\U, \\n read as Perl's; *? made greedy)", () => {
  assert.equal(apply('/a/$1', 'ab'), '$1b');
  assert.equal(apply('/(a)/<$1>', 'ab'), '<$1>b');
  assert.equal(apply('/a/\\U', 'ab'), '\\Ub');
  assert.equal(apply('//a/\\\\', 'ab'), '\\\\b');
  assert.equal(apply('#.*?\\.', 'a.b.c'), 'b.c');
  assert.equal(apply('%\\..*?', 'a.b.c'), 'a.b');
});

test('a pattern prun cannot run is a usage error naming the form, never a JavaScript error (was: a stack trace, exit 1)', () => {
  for (const content of ['##*.', '#[', '/(?i)a/Z', '^\\K']) {
    assert.throws(() => plusForm(content), (error: unknown) => error instanceof PrunError && error.code === 'ERR_USAGE', content);
  }
});
