import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { mappedPath, stackWithMappedPaths } from '../../src/io/mapped-path.js';
import { scratchDir } from '../helpers/files.js';

const dir = scratchDir('mapped-path');

test('a source-mapped frame names the file, not its percent-encoded URL path (was: %C3%9Cber/t.ts for Über/t.ts)', () => {
  mkdirSync(join(dir, 'Über x'), { recursive: true });
  const file = join(dir, 'Über x', 't.ts');
  writeFileSync(file, '');
  const encoded = join(dir, '%C3%9Cber%20x', 't.ts');
  assert.equal(mappedPath(encoded), file);
  assert.equal(stackWithMappedPaths(`Error: no\n    at f (${encoded}:1:39)\n    at ${encoded}:2:1`), `Error: no\n    at f (${file}:1:39)\n    at ${file}:2:1`);
});

test('a name that holds a % itself stays as it is: it names a file, or no decoding names one', () => {
  const literal = join(dir, '100%25.ts');
  writeFileSync(literal, '');
  assert.equal(mappedPath(literal), literal);
  assert.equal(mappedPath(join(dir, 'gone%20away.ts')), join(dir, 'gone%20away.ts'));
  assert.equal(mappedPath(join(dir, 'bad%E0%A4%A.ts')), join(dir, 'bad%E0%A4%A.ts'));
});
