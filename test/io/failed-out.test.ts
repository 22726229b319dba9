import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PrunError } from '../../src/errors.js';
import { FailedOut, type FailedOutOptions } from '../../src/io/failed-out.js';
import { fillDisk, useSmallDisk } from '../helpers/small-disk.js';
import { scratchDir } from '../helpers/files.js';

const dir = scratchDir('failed-out');
let files = 0;

function path(content?: string): string {
  const file = join(dir, `failed-${++files}.txt`);
  if (content !== undefined) writeFileSync(file, content);
  return file;
}

function options(changes: Partial<FailedOutOptions> = {}): FailedOutOptions {
  return { terminator: '\n', encoding: 'utf8', append: false, warn: () => assert.fail('no warning'), ...changes };
}

describe('FailedOut', () => {
  test("each input's raw text, not escaped, ended by the terminator; each argument of a job its own", () => {
    const file = path('left from before\n');
    const out = FailedOut.open(file, options());
    out.write([['a b'], ['back\\slash\tand tab']]);
    out.write([['one', 'two']]);
    out.close();
    assert.equal(readFileSync(file, 'utf8'), 'a b\nback\\slash\tand tab\none\ntwo\n');
  });

  test('-0: NUL-ended, so inputs may hold newlines', () => {
    const file = path();
    const out = FailedOut.open(file, options({ terminator: '\0' }));
    out.write([['line\nbreak'], ['x']]);
    out.close();
    assert.equal(readFileSync(file, 'utf8'), 'line\nbreak\0x\0');
  });

  test('an input holding the terminator is written, with one warning that it reads back as more than one', () => {
    const file = path();
    const warnings: string[] = [];
    const out = FailedOut.open(file, options({ warn: (line) => warnings.push(line) }));
    out.write([['a\nb'], ['c\nd']]);
    out.close();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /-0/);
  });

  test('appending (--resume) keeps what is there, and drops a torn last input with one warning', () => {
    const file = path('a\nb\ntor');
    const warnings: string[] = [];
    const out = FailedOut.open(file, options({ append: true, warn: (line) => warnings.push(line) }));
    out.write([['c']]);
    out.close();
    assert.equal(readFileSync(file, 'utf8'), 'a\nb\nc\n');
    assert.equal(warnings.length, 1);
  });

  test('a directory cannot be opened (ERR_INPUT)', () => {
    assert.throws(() => FailedOut.open(dir, options()), (error: unknown) => error instanceof PrunError && error.code === 'ERR_INPUT');
  });
});

describe('FailedOut on a full disk', () => {
  const smallDisk = useSmallDisk(join(dir, 'small-disk'));

  test('a write that does not fit is taken back whole: ERR_OUTPUT, and the file ends with its last whole input', (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    const file = join(mount, 'failed.txt');
    const out = FailedOut.open(file, options());
    fillDisk(mount);
    let written = 0;
    assert.throws(
      () => {
        for (;;) {
          out.write([[String(written).padEnd(1000, 'x')]]);
          written++;
        }
      },
      (error: unknown) => error instanceof PrunError && error.code === 'ERR_OUTPUT' && error.message.startsWith(`cannot write --failed-out ${file}: no space left on device`) && /failures reported after its last input are not in it/.test(error.message),
    );
    out.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, written);
    assert.ok(lines.every((line) => line.length === 1000));
  });
});
