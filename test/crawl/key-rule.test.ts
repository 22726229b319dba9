import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keyOf, parseKeyRule } from '../../src/crawl/key-rule.js';
import { PrunError } from '../../src/errors.js';

const host = parseKeyRule('--key', 'host');
const domain = parseKeyRule('--key', 'domain');

describe('key rules', () => {
  test('host, domain, field:N and regex:PATTERN', () => {
    assert.deepEqual(host, { kind: 'host' });
    assert.deepEqual(domain, { kind: 'domain' });
    assert.deepEqual(parseKeyRule('--key', 'field:3'), { kind: 'field', n: 3 });
    const regex = parseKeyRule('--key', 'regex:^(\\w+):');
    assert.equal(regex.kind === 'regex' && regex.pattern.source, '^(\\w+):');
  });

  test('a bad rule is a usage error naming --key and the value', () => {
    for (const bad of ['', 'hosts', 'HOST', 'field', 'field:', 'field:0', 'field:-1', 'field:1.5', 'field:x', 'regex:', 'regex:abc', 'regex:(?:a)b', 'regex:(', 'regex:[a-']) {
      assert.throws(
        () => parseKeyRule('--key', bad),
        (error: unknown) => error instanceof PrunError && error.code === 'ERR_USAGE' && error.message.startsWith('--key ') && error.message.includes(JSON.stringify(bad)),
        bad,
      );
    }
  });

  test("host: the URL's host name, in lower case, with no port, user or trailing dot", () => {
    assert.equal(keyOf(host, 'https://News.Example.COM:8443/a?b#c'), 'news.example.com');
    assert.equal(keyOf(host, 'http://user:pw@example.com./x'), 'example.com');
    assert.equal(keyOf(host, '  http://127.0.0.2:8080/page  '), '127.0.0.2');
    assert.equal(keyOf(host, 'http://[::1]:80/'), '[::1]');
    assert.equal(keyOf(host, 'http://bücher.example/'), 'xn--bcher-kva.example');
  });

  test('host: a line whose first URL is among other words', () => {
    assert.equal(keyOf(host, 'https://a.example/x\tnote with words'), 'a.example');
    assert.equal(keyOf(host, 'id-7 https://b.example/y'), 'b.example');
  });

  test("an input with no key under the rule has the key ''", () => {
    for (const input of ['', 'not a url', 'example.com/path', 'localhost:8080', 'mailto:a@example.com', 'file:///etc/hosts', 'http://']) {
      assert.equal(keyOf(host, input), '', input);
      assert.equal(keyOf(domain, input), '', input);
    }
    assert.equal(keyOf(parseKeyRule('--key', 'field:3'), 'a\tb'), '');
    assert.equal(keyOf(parseKeyRule('--key', 'regex:id=(\\d+)'), 'no id here'), '');
  });

  test('domain: the registrable domain by the public suffix list; an IP address, or a host with none, is its own', () => {
    assert.equal(keyOf(domain, 'https://www.bbc.co.uk/news'), 'bbc.co.uk');
    assert.equal(keyOf(domain, 'https://a.b.c.example.com/'), 'example.com');
    assert.equal(keyOf(domain, 'https://example.com.au/'), 'example.com.au');
    assert.equal(keyOf(domain, 'http://127.0.0.3:9000/x'), '127.0.0.3');
    assert.equal(keyOf(domain, 'http://[::1]/'), '[::1]');
    assert.equal(keyOf(domain, 'http://localhost:3000/'), 'localhost');
  });

  test('field:N: the N-th tab-separated field, from 1', () => {
    const line = 'one\ttwo\t\tfour';
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => keyOf(parseKeyRule('--key', `field:${n}`), line)), ['one', 'two', '', 'four', '']);
    assert.equal(keyOf(parseKeyRule('--key', 'field:1'), 'no tabs at all'), 'no tabs at all');
  });

  test('regex:PATTERN with a byte of the command line that is not UTF-8 matches inputs read as text, where it is U+FFFD (was: no input matched)', () => {
    // 0xe9 of the command line, kept as its escape (model/byte-string.ts)
    const rule = parseKeyRule('--key', 'regex:^(.\udce9)');
    assert.equal(keyOf(rule, 'a\uFFFDx'), 'a\uFFFD');
    assert.equal(keyOf(rule, 'b\uFFFDx'), 'b\uFFFD');
  });

  test('regex:PATTERN: the first capture group of the first match', () => {
    const rule = parseKeyRule('--key', 'regex:user=(\\w+)');
    assert.equal(keyOf(rule, 'GET /x?user=alice&user=bob'), 'alice');
    assert.equal(keyOf(parseKeyRule('--key', 'regex:(?<tenant>t\\d+)-(\\d+)'), 'job t42-7'), 't42');
    // the same rule on many inputs: no state kept between matches
    assert.deepEqual(['user=a', 'user=b', 'x'].map((input) => keyOf(rule, input)), ['a', 'b', '']);
  });
});
