import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnLines } from '../../src/io/colsep-line.js';

const separator = { separator: 10 } as const;

test('a line of columns joins them by the separator typed when the pattern matches it whole, else by a usual one it matches', () => {
  assert.equal(columnLines({ ...separator, colsep: /::/ }, '::').line(['a', 'b']), 'a::b');
  // `\t` as typed is no tab: the tab it matches is used
  assert.equal(columnLines({ ...separator, colsep: /\t/ }, '\\t').line(['a', '', 'b']), 'a\t\tb');
  assert.equal(columnLines({ ...separator, colsep: /[;|]/ }, '[;|]').line(['a', 'b', 'c']), 'a;b;c');
  assert.equal(columnLines({ ...separator, colsep: /,/ }, ',').line(['one']), 'one');
  // one column needs no separator, even where the pattern matches none of those tried
  assert.equal(columnLines({ ...separator, colsep: /[0-9]/ }, '[0-9]').line(['abc']), 'abc');
  assert.equal(columnLines({ ...separator, colsep: /[0-9]/ }, '[0-9]').line(['a', 'b']), undefined);
});

test('a line is only one that reads back as the columns: under a trim, -E, or a capture group, it may be none', () => {
  // trimmed columns read back trimmed; a blank column left by --trim n stays
  assert.equal(columnLines({ ...separator, colsep: /,/, trim: 'rl' }, ',').line(['a', 'b']), 'a,b');
  assert.equal(columnLines({ ...separator, colsep: /,/, trim: 'n' }, ',').line([' a ', '']), ' a ,');
  // a column that ends in a blank cannot come back through a trim: no line
  assert.equal(columnLines({ ...separator, colsep: /,/, trim: 'rl' }, ',').line([' a']), undefined);
  // the line -E ends the input at is no job's
  assert.equal(columnLines({ ...separator, colsep: /,/, eof: 'a,b' }, ',').line(['a', 'b']), undefined);
  // never joined by what ends an input: read back, the line would be two
  assert.equal(columnLines({ ...separator, delimiter: ';', colsep: /[;|]/ }, '[;|]').line(['a', 'b']), 'a|b');
  assert.equal(columnLines({ ...separator, colsep: /[,;]/, eof: 'a,b' }, ',').line(['a', 'b']), 'a;b');
  assert.equal(columnLines({ ...separator, colsep: /(,)/ }, ',').line(['a', ',', 'b']), undefined);
});

test("the header's line is read back untrimmed, as the header is", () => {
  const lines = columnLines({ ...separator, colsep: /,/, trim: 'rl' }, ',');
  assert.equal(lines.headerLine([' a', 'b ']), ' a,b ');
  assert.equal(lines.line([' a', 'b ']), undefined);
});
