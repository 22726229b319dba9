import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quoted } from '../../src/errors.js';
import { argumentPath, byteAsText, cutAsBytes, fromByteString, shownText, textOfBytes, toByteString, withArgumentBytes } from '../../src/model/byte-string.js';

/** An argument as Node gives it (U+FFFD for each bad sequence) and as the kernel holds it. */
const argument = (bytes: Buffer): [string, Buffer] => [bytes.toString('utf8'), bytes];

test('arguments that differ only in bytes that are not UTF-8 keep their own bytes (was: both the first\'s)', () => {
  const raw = [Buffer.from('caf\xe9', 'latin1'), Buffer.from('caf\xe8', 'latin1'), Buffer.from('plain')];
  const argv = withArgumentBytes(raw.map((bytes) => argument(bytes)[0]), raw);
  assert.deepEqual(argv.map(toByteString), ['caf\xe9', 'caf\xe8', 'plain']);
  // a command joined from such words has each word's bytes
  assert.equal(toByteString(`${argv[0]} ${argv[1]}`), 'caf\xe9 caf\xe8');
  assert.deepEqual(argumentPath(argv[1]!), Buffer.from('caf\xe8', 'latin1'));
  assert.equal(argumentPath('plain'), 'plain');
});

test('every byte sequence comes back as it was: valid UTF-8 kept as characters, the rest byte by byte', () => {
  const cases = [
    'é, 日本, 😀',
    '\u{10480}', // a surrogate pair whose low half is in the escapes' range (D801 DC80)
    '\uFFFD typed as it is',
  ].map((text) => Buffer.from(text, 'utf8'));
  const invalid = [
    [0xe9], [0x80], [0xc0, 0xaf], // a lone byte, a continuation, an overlong slash
    [0xed, 0xa0, 0x80], // a surrogate encoded
    [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
    [0xe2, 0x82], // cut short
    [0x61, 0xe2, 0x82, 0xac, 0xff, 0x62], // a € between a, 0xff and b
  ].map((bytes) => Buffer.from(bytes));
  for (const bytes of [...cases, ...invalid]) {
    const [decoded] = argument(bytes);
    const [text] = withArgumentBytes([decoded.includes('\uFFFD') ? decoded : `${decoded}\uFFFD`], [bytes]);
    assert.equal(toByteString(text!), bytes.toString('latin1'), bytes.toString('hex'));
  }
  // valid text never holds an escape: shown to people, the invalid bytes are U+FFFD
  assert.equal(withArgumentBytes(['é'], [Buffer.from('é')])[0], 'é');
  assert.equal(fromByteString(toByteString(withArgumentBytes(['a\uFFFDb'], [Buffer.from([0x61, 0xff, 0x62])])[0]!)), 'a\uFFFDb');
});

test('without the raw arguments (not Linux), the arguments are taken as decoded', () => {
  assert.deepEqual(withArgumentBytes(['caf\uFFFD'], []), ['caf\uFFFD']);
  assert.equal(toByteString('caf\uFFFD'), 'caf\xef\xbf\xbd');
});

test('shown to people, and quoted in a message, a kept byte is U+FFFD, never its escape (was: "\\udce9" in usage errors)', () => {
  const [argument] = withArgumentBytes(['x\uFFFD\u{10480}'], [Buffer.concat([Buffer.from('x'), Buffer.from([0xe9]), Buffer.from('\u{10480}')])]);
  assert.equal(shownText(argument!), 'x\uFFFD\u{10480}');
  assert.equal(quoted(argument), '"x\uFFFD\u{10480}"');
  assert.equal(quoted(12), '12');
});

test('a byte, and bytes, made text and back are the same bytes; text is cut on its bytes, as GNU parallel cuts', () => {
  assert.equal(toByteString(byteAsText(0x3a)), ':');
  assert.equal(toByteString(byteAsText(0xe9)), '\xe9');
  assert.equal(toByteString(byteAsText(0xc3) + byteAsText(0xa9)), '\xc3\xa9');
  for (const bytes of ['plain', 'caf\xc3\xa9', 'caf\xe9', '\xff\xfe']) assert.equal(toByteString(textOfBytes(bytes)), bytes);
  assert.equal(textOfBytes('caf\xc3\xa9'), 'café');
  // é is c3 a9: a9 alone cuts it in two, each piece keeps its byte
  assert.deepEqual(cutAsBytes('aéb', '\xa9').map(toByteString), ['a\xc3', 'b']);
  assert.deepEqual(cutAsBytes('a,b', ','), ['a', 'b']);
});
