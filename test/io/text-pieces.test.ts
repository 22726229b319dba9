import assert from 'node:assert/strict';
import { test } from 'node:test';
import { piecesBetween } from '../../src/io/text-pieces.js';

async function pieces(chunks: string[], end: string): Promise<string[][]> {
  const all: string[][] = [];
  for await (const parts of piecesBetween((async function* () { yield* chunks; })(), end)) all.push(parts);
  return all;
}

/** Every way of cutting `text` in two and three chunks, as a pipe may deliver it. */
function cuts(text: string): string[][] {
  const all: string[][] = [[text]];
  for (let i = 0; i <= text.length; i++) {
    all.push([text.slice(0, i), text.slice(i)]);
    for (let j = i; j <= text.length; j++) all.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  }
  return all;
}

test('the pieces are the same however the text comes in chunks, for ends of one and of several characters', async () => {
  for (const [text, end] of [['a\nbb\n\nccc', '\n'], ['a\r\nb\r\n\r\r\nc', '\r\n'], ['xENDyEEND', 'END'], ['ENDEND', 'END']] as const) {
    const expected = text.split(end).filter((piece, i, all) => i < all.length - 1 || piece !== '');
    for (const chunks of cuts(text)) {
      assert.deepEqual((await pieces(chunks, end)).flat(), expected, JSON.stringify(chunks));
    }
  }
});

test('a piece is given as soon as its end is read; the last, with no end, only at the end', async () => {
  assert.deepEqual(await pieces(['a\nb', 'c', 'd\ne'], '\n'), [['a'], ['bcd'], ['e']]);
  assert.deepEqual(await pieces(['a\n'], '\n'), [['a']]);
  assert.deepEqual(await pieces([], '\n'), []);
});

test('a piece across 10,000 chunks comes whole, once', async () => {
  const chunks = Array.from({ length: 10_000 }, () => 'x'.repeat(100));
  assert.deepEqual(await pieces([...chunks, '\ny'], '\n'), [['x'.repeat(1_000_000)], ['y']]);
});
