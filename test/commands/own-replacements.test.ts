import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownReplacements } from '../../src/commands/own-replacements.js';
import { PrunError } from '../../src/errors.js';

/** What `content` (a pair of braces' content) gives for `value`, and for which position. */
function apply(definitions: string[], content: string, value: string): { position: number | undefined; value: string } | undefined {
  const found = ownReplacements(definitions).find(content);
  return found && { position: found.position, value: found.transform(value) };
}

test('a tag in braces is found as it is, for every value, and after a position, for one', () => {
  const rpl = ["{..} s:\\.[^.]+$::;s:\\.[^.]+$::;"];
  assert.deepEqual(apply(rpl, '..', 'foo.tar.gz'), { position: undefined, value: 'foo' });
  assert.deepEqual(apply(rpl, '2..', 'b.tar.gz'), { position: 2, value: 'b' });
  assert.deepEqual(apply(rpl, '-1..', 'c.tar.gz'), { position: -1, value: 'c' });
  assert.equal(apply(rpl, '.', 'foo.tar.gz'), undefined);
  assert.equal(apply(rpl, '...', 'foo.tar.gz'), undefined);
});

test('a dynamic tag puts what its parentheses matched in place of $$1, $$2 in the expression', () => {
  const rpl = ['{%(.+?)} s/$$1$//;', '{/(.+?)/(.*?)} s/$$1/$$2/;'];
  assert.deepEqual(apply(rpl, '%.tar.gz', 'foo.tar.gz'), { position: undefined, value: 'foo' });
  assert.deepEqual(apply(rpl, '/tar.gz/zip', 'foo.tar.gz'), { position: undefined, value: 'foo.zip' });
  assert.deepEqual(apply(rpl, '2%.gz', 'b.gz'), { position: 2, value: 'b' });
  // the rest of the tag stands for itself, not for a pattern
  assert.equal(apply(['{a.(x)} s/$$1//'], 'abx', 'x'), undefined);
});

test('a tag not in braces is braced wherever it stands outside braces, the longest tag first', () => {
  const own = ownReplacements(['.. s/a/b/', '. s/a/c/']);
  const braced = own.braced("echo .. . {..} x..y.z");
  const contents = [...braced.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1]!);
  assert.equal(contents.length, 5);
  assert.equal(contents[2], '..', 'a brace string as it was');
  assert.equal(own.find(contents[0]!)!.transform('a'), 'b');
  assert.equal(own.find(contents[1]!)!.transform('a'), 'c');
  assert.equal(own.find(contents[3]!)!.transform('a'), 'b');
  assert.equal(own.find(contents[4]!)!.transform('a'), 'c');
  assert.equal(ownReplacements(['{x} s/a/b/']).braced('echo x {x}'), 'echo x {x}', 'a tag in braces is only read in braces');
});

test('a definition prun cannot run is a usage error when the strings are read, used or not', () => {
  for (const definition of ['', '{odd} $_ = seq() % 2 ? "odd" : "even"', '{e} s/a/b/e', '{u} s/a/b', '{d(} s/a//', '{p(x)} s/$$1/$y/']) {
    assert.throws(() => ownReplacements([definition]), (error: unknown) => error instanceof PrunError && error.code === 'ERR_USAGE', definition);
  }
});
