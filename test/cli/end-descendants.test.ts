// What prun ends at its exit under --threads, and what it spares.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { bin, lines, root } from '../helpers/prun.js';
import { scratchDir } from '../helpers/files.js';

const dir = scratchDir('end-descendants');

describe('a process substitution is the shell\'s, though prun is its parent', () => {
  for (const [name, redirect] of [
    ['> >(sort > out)', '> >(sort -n > "$OUT"; echo "reader $?" > "$OUT.status")'],
    ['2> >(sort > out)', '2> >(sort > "$OUT"; echo "reader $?" > "$OUT.status")'],
  ] as const) {
    test(`map --threads ${name}: the reader gets all, prun does not end it (was: ended at prun's exit, every result lost, exit 0)`, { timeout: 180_000 }, async () => {
      const out = join(dir, `out-${name.startsWith('2') ? 'stderr' : 'stdout'}`);
      const inputs = Array.from({ length: 200 }, (_, i) => String(i + 1));
      // sort writes only once its input ends, which is at prun's exit: a reader ended by prun writes nothing
      const script = `"$0" map fixtures/square.ts --threads 2 ::: ${inputs.join(' ')} ${redirect}; status=$?; wait $!; exit $status`;
      const result = await execa('bash', ['-c', script, bin], { cwd: root, reject: false, env: { OUT: out } });
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.equal((await readFile(`${out}.status`, 'utf8')).trim(), 'reader 0');
      if (name.startsWith('2')) return;
      assert.deepEqual(lines((await readFile(out, 'utf8')).trimEnd()), inputs.map((x) => String(Number(x) ** 2)));
    });
  }
});
