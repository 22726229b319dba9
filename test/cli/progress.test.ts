import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lines, prun } from '../helpers/prun.js';

/** Resolves once what the stream has carried so far matches. */
function until(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<void> {
  let seen = '';
  return new Promise((resolve) => {
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (!pattern.test(seen)) return;
      stream.off('data', onData);
      resolve();
    };
    stream.on('data', onData);
  });
}

describe('prun map --progress off a terminal', () => {
  test('the off-terminal progress line before the total is known', async () => {
    // stdin stays open: the end, and so the total, cannot be known until the test ends it
    const child = prun(['map', 'fixtures/square.ts', '--progress'], { stdin: 'pipe' });
    const stderrSaw = until(child.stderr!, /^3 done \| \S+ \| \S+\/s \| 0 failed$/m);
    const stdoutSaw = until(child.stdout!, /^1\n4\n9\n$/);
    child.stdin!.write('1\n2\n3\n');
    await stdoutSaw;
    // a line a second: the first one drawn once all three settled says "3 done", without a total
    await stderrSaw;
    child.stdin!.end();
    const result = await child;
    assert.equal(result.exitCode, 0);
    assert.deepEqual(lines(result.stdout), ['1', '4', '9']);
    assert.match(lines(result.stderr).at(-1)!, /^3\/3 100% in \d+(\.\d)?s, [\d.]+\/s, 0 failed$/);
  });

  test('--total is the total until the end is seen', async () => {
    const child = prun(['map', 'fixtures/square.ts', '--progress', '--total', '4'], { stdin: 'pipe' });
    const stderrSaw = until(child.stderr!, /^2\/4 50% \| .* \| ETA \S+ \| 0 failed$/m);
    child.stdin!.write('1\n2\n');
    await stderrSaw;
    child.stdin!.end();
    const result = await child;
    assert.match(lines(result.stderr).at(-1)!, /^2\/2 100% in /);
  });

  for (const spelling of ['--total', '--total-jobs']) {
    test(`prun exec ${spelling} is the total until the end is seen, as for map (was: unknown option)`, async () => {
      const child = prun(['exec', '--progress', spelling, '4', 'echo'], { stdin: 'pipe' });
      const stderrSaw = until(child.stderr!, /^2\/4 50% \| .* \| ETA \S+ \| 0 failed$/m);
      child.stdin!.write('a\nb\n');
      await stderrSaw;
      child.stdin!.end();
      const result = await child;
      assert.deepEqual(lines(result.stdout), ['a', 'b']);
      assert.match(lines(result.stderr).at(-1)!, /^2\/2 100% in /);
    });
  }

  test('--total takes a whole number', async () => {
    const result = await prun(['map', 'fixtures/square.ts', '--total', 'many']);
    assert.equal(result.exitCode, 2);
    assert.match(String(result.stderr), /--total/);
  });
});
