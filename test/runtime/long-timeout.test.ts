import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prun, runtimes } from '../helpers/prun.js';
import { scratchDir } from '../helpers/files.js';
import { waitForLines } from '../helpers/streams.js';
import { MAX_TIMEOUT_MS, setLongTimeout } from '../../src/runtime/long-timeout.js';

describe('setLongTimeout', () => {
  test('waits past 2^31-1 ms in steps, and fires once, at the end', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let fired = 0;
      setLongTimeout(() => fired++, 2 * MAX_TIMEOUT_MS + 5);
      mock.timers.tick(MAX_TIMEOUT_MS);
      mock.timers.tick(MAX_TIMEOUT_MS);
      assert.equal(fired, 0);
      mock.timers.tick(5);
      assert.equal(fired, 1);
      mock.timers.tick(MAX_TIMEOUT_MS);
      assert.equal(fired, 1);
    } finally {
      mock.timers.reset();
    }
  });

  test('clear() disarms it between steps', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let fired = 0;
      const timer = setLongTimeout(() => fired++, MAX_TIMEOUT_MS + 5);
      mock.timers.tick(MAX_TIMEOUT_MS);
      timer.clear();
      mock.timers.tick(10);
      assert.equal(fired, 0);
    } finally {
      mock.timers.reset();
    }
  });

  test('a real timer past 2^31-1 ms neither fires early nor warns', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warning.name === 'TimeoutOverflowWarning' && warnings.push(warning);
    process.on('warning', onWarning);
    let fired = false;
    const timer = setLongTimeout(() => {
      fired = true;
    }, MAX_TIMEOUT_MS + 1);
    // setTimeout's overflow fires after 1 ms: a 20 ms timer armed later always fires after it
    await new Promise((resolve) => setTimeout(resolve, 20));
    timer.clear();
    process.off('warning', onWarning);
    assert.equal(fired, false);
    assert.deepEqual(warnings, []);
  });
});

describe('--timeout 1000h times every task out after 1 ms (TimeoutOverflowWarning)', () => {
  for (const runtime of runtimes) {
    test(`map ${runtime}: quick tasks succeed, nothing on stderr`, async () => {
      const result = await prun(['map', 'fixtures/square.ts', runtime, '2', '--timeout', '1000h', ':::', '1', '2', '3']);
      assert.equal(result.stderr, '');
      assert.equal(result.exitCode, 0);
      assert.equal(result.stdout, '1\n4\n9');
    });
  }

  test('exec: quick jobs succeed, nothing on stderr', async () => {
    const result = await prun(['exec', '-j', '2', '--timeout', '1000h', 'echo {}', ':::', 'a', 'b', 'c']);
    assert.equal(result.stderr, '');
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, 'a\nb\nc');
  });
});

describe('the other timers armed with a duration the user gives', () => {
  const dir = scratchDir('long-timeout');

  for (const runtime of runtimes) {
    test(`map ${runtime} --timeout 1000h with a setup(): nothing on stderr (was: its bound on setup() ended every worker at 1 ms)`, async () => {
      const script = join(dir, `with-setup${runtime}.ts`);
      await writeFile(script, 'export async function setup() { await new Promise((r) => setTimeout(r, 20)); }\nexport default (x: string) => x;\n');
      const result = await prun(['map', script, runtime, '2', '--timeout', '1000h', ':::', 'a', 'b', 'c']);
      assert.equal(result.stderr, '');
      assert.equal(result.exitCode, 0);
      assert.equal(result.stdout, 'a\nb\nc');
    });
  }

  test('exec --delay 1000h waits, with no warning (was: a 1 ms timer re-armed again and again, each with a TimeoutOverflowWarning)', async () => {
    const child = prun(['exec', '--delay', '1000h', 'echo {}', ':::', 'a', 'b']);
    await waitForLines(child.stdout!, /^a$/m);
    child.kill('SIGTERM');
    const result = await child;
    assert.equal(result.exitCode, 143);
    assert.equal(result.stdout, 'a');
    assert.doesNotMatch(String(result.stderr), /Warning/);
  });
});
