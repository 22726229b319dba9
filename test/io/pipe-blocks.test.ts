import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { blocks, type PipeOptions } from '../../src/io/pipe-blocks.js';

async function cut(input: string, options: Partial<PipeOptions>, chunk = 3): Promise<string[]> {
  const chunks = Array.from({ length: Math.ceil(input.length / chunk) }, (_, i) => Buffer.from(input.slice(i * chunk, (i + 1) * chunk)));
  const out: string[] = [];
  for await (const block of blocks(Readable.from(chunks), { blockSize: 1 << 20, recend: '\n', recstart: '', ...options })) out.push(block.toString());
  return out;
}

test('--pipe: as many whole lines as fit in --block, one at least, however the input is read', async () => {
  assert.deepEqual(await cut('a\nb\nc\nd\n', { blockSize: 3 }), ['a\n', 'b\n', 'c\n', 'd\n']);
  assert.deepEqual(await cut('a\nb\nc\nd\n', { blockSize: 4 }), ['a\nb\n', 'c\nd\n']);
  assert.deepEqual(await cut('long line\nb\n', { blockSize: 2 }), ['long line\n', 'b\n']);
  assert.deepEqual(await cut('a\nb', {}), ['a\nb'], 'a last line without a newline joins the last block, as GNU parallel');
});

test('--pipe: a --block shorter than --recend still cuts a record a block (was: the whole input in one block)', async () => {
  // read whole, and a byte at a time
  assert.deepEqual(await cut('xxT\nyyyT\nzT\n', { blockSize: 1, recend: 'T\n' }, 1000), ['xxT\n', 'yyyT\n', 'zT\n']);
  assert.deepEqual(await cut('10\n20\n30\n', { blockSize: 1, recend: '0\n' }, 1), ['10\n', '20\n', '30\n']);
});

test('--pipe -N: exactly N records a block; --recend and --recstart mark the records', async () => {
  assert.deepEqual(await cut('1\n2\n3\n4\n5\n', { records: 2 }), ['1\n2\n', '3\n4\n', '5\n']);
  assert.deepEqual(await cut('/foo, bar/, /baz, qux/,\n', { records: 1, recend: ', ' }), ['/foo, ', 'bar/, ', '/baz, ', 'qux/,\n']);
  assert.deepEqual(await cut('/foo, bar/, /baz, qux/,\n', { records: 1, recend: '', recstart: '/' }), ['/foo, bar', '/, ', '/baz, qux', '/,\n']);
});

test('--pipe -L: a record is L lines; a last record short of them is a block of its own', async () => {
  assert.deepEqual(await cut('1\n2\n3\n4\n5\n', { linesPerRecord: 2 }), ['1\n2\n3\n4\n', '5\n']);
});

test("--pipe --recend '': fixed-length records, blocks of exactly --block bytes (it spun for ever)", async () => {
  assert.deepEqual(await cut('HHHHAAABBBCC', { blockSize: 3, recend: '' }), ['HHH', 'HAA', 'ABB', 'BCC']);
  assert.deepEqual(await cut('abc\n', { blockSize: 1 << 20, recend: '' }), ['abc\n']);
});

test('--pipe --header: what starts the input starts every block (lines, `:`, or a regular expression)', async () => {
  const input = '%head1\n%head2\n1\n2\n3\n4\n5\n';
  assert.deepEqual(await cut(input, { records: 3, header: '(%.*\n)*' }), ['%head1\n%head2\n1\n2\n3\n', '%head1\n%head2\n4\n5\n']);
  assert.deepEqual(await cut(input, { records: 3, header: '2' }), ['%head1\n%head2\n1\n2\n3\n', '%head1\n%head2\n4\n5\n']);
  assert.deepEqual(await cut('h\n1\n2\n', { records: 1, header: ':' }), ['h\n1\n', 'h\n2\n']);
  assert.deepEqual(await cut('HHHHAAABBB', { blockSize: 3, recend: '', header: '.{4}' }), ['HHHHAAA', 'HHHHBBB']);
  // a header split across the chunks the stream gives, a byte at a time
  assert.deepEqual(await cut('%head\n1\n2\n', { records: 1, header: '1' }, 1), ['%head\n1\n', '%head\n2\n']);
  assert.deepEqual(await cut('h\n', { records: 1, header: ':' }), []);
});

test('--rrs: each record of a block without its --recstart and --recend, as GNU parallel gives them; a header stays whole', async () => {
  assert.deepEqual(await cut('a\nb\nc\n', { records: 2, removeSeparators: true }), ['ab', 'c']);
  const fasta = '>a\nAC\n>b\nGT\n>c\nTT\n';
  assert.deepEqual(await cut(fasta, { recend: '', recstart: '>', records: 2, removeSeparators: true }), ['a\nAC\nb\nGT\n', 'c\nTT\n']);
  assert.deepEqual(await cut(fasta, { recstart: '>', records: 1, removeSeparators: true }), ['a\nAC', 'b\nGT', 'c\nTT']);
  assert.deepEqual(await cut('h\n1\n2\n', { header: '1', records: 1, removeSeparators: true }), ['h\n1', 'h\n2']);
});

test("regression: --rrs takes a block's last --recend off before a final newline too, the newline kept, as GNU parallel's Perl `$` (was: `<doc>two</doc>\\n` kept its `</doc>`)", async () => {
  assert.deepEqual(await cut('<doc>one</doc><doc>two</doc>\n', { recstart: '<doc>', recend: '</doc>', records: 1, removeSeparators: true }), ['one', 'two\n']);
  assert.deepEqual(await cut('<a><b><c>\n', { recstart: '<', recend: '>', records: 1, removeSeparators: true }), ['a', 'b', 'c\n']);
  // the newline as --recend is taken off once
  assert.deepEqual(await cut('a;b;\n', { recend: ';', records: 2, removeSeparators: true }), ['ab', '\n']);
});
