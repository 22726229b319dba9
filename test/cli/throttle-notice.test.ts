// Off a terminal no bar shows that inputs wait on a server that asked to slow down: prun says
// so in a line, rather than waiting up to --max-throttle (15 min) in silence.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prun } from '../helpers/prun.js';
import { waitForLines } from '../helpers/streams.js';

// one input only: another could be waiting too, or not, as the run's timing goes
for (const keying of [[], ['--key', 'regex:^(.)']]) {
  test(`a throttled input waiting off a terminal is told on stderr${keying.length ? ' (--key)' : ' (no --key)'} (was: silence)`, async () => {
    // fixtures/throttle.ts answers `slow` with a 429 and Retry-After: 7
    // --max-throttle bounds the run: without the line, it ends, and the wait fails rather than hangs
    const run = prun(['map', 'fixtures/throttle.ts', ...keying, '--max-throttle', '20s', ':::', 'slow']);
    const line = await waitForLines(run.stderr!, /^prun: 1 input waits: a server asks to slow down/);
    assert.match(line, /\(1 throttle signal, 429\/503(; most from: s 1)?\)/);
    run.kill('SIGINT');
    const result = await run;
    assert.equal(result.exitCode, 130);
    assert.equal(result.stdout, '');
  });
}
