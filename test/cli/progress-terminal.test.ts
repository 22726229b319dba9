import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { scratchDir } from '../helpers/files.js';
import { descendantsOf } from '../helpers/processes.js';
import { prunInTerminal } from '../helpers/terminal.js';
import { startRedis } from '../helpers/redis.js';

const scratch = scratchDir('progress-terminal');

const BAR = /[█░]/;
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

/** Polls what a test cannot be told as an event (a process's state), for at most 20 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let tries = 0; !check(); tries++) {
    if (tries > 400) throw new Error(`not within 20 s: ${what}`);
    await delay(50);
  }
}
const FINAL = /^(\d+)\/(\d+) (\d+)% in \d+(\.\d)?s, [\d.]+k?\/s, (\d+) failed$/;

// a screen that never shows what is awaited fails the test rather than hanging the suite
describe('the progress display in a terminal', { timeout: 180_000 }, () => {
  test('results scroll above the bar, and the last state stays as one line', async () => {
    const run = prunInTerminal(['map', 'fixtures/square.ts', 'fixtures/numbers.txt']);
    await run.done;
    const screen = run.screen();
    // the bar was drawn, then left as the one line of its last state
    assert.match(run.raw(), BAR);
    assert.ok(!screen.some((line) => BAR.test(line)), screen.join('\n'));
    assert.deepEqual(screen.slice(0, 10), ['1', '4', '9', '16', '25', '36', '49', '64', '81', '100']);
    assert.match(screen[10]!, FINAL);
    assert.deepEqual(FINAL.exec(screen[10]!)!.slice(1, 4), ['10', '10', '100']);
    assert.equal(screen.length, 11, screen.join('\n'));
  });

  test('on failure the summary follows the last state', async () => {
    const run = prunInTerminal(['map', 'fixtures/fail-on-odd.ts', 'fixtures/numbers.txt']);
    const result = await run.done;
    assert.equal(result.exitCode, 1);
    const screen = run.screen();
    const final = screen.findIndex((line) => FINAL.test(line));
    assert.ok(final > 0, screen.join('\n'));
    assert.equal(FINAL.exec(screen[final]!)![5], '5');
    assert.match(screen[final + 1]!, /^prun: 5 of 10 inputs failed$/);
    // the failure lines and the results went above the bar, each whole
    assert.equal(screen.filter((line) => /^prun: input \d+ "\d+" \(fixtures\/numbers.txt:\d+\) failed: odd input \d+$/.test(line)).length, 5);
    assert.deepEqual(screen.filter((line) => line.startsWith('ok ')), ['ok 2', 'ok 4', 'ok 6', 'ok 8', 'ok 10']);
  });

  test('piped input shows its total while the run goes on (cat in3000.txt | prun map)', async () => {
    const dir = mkdtempSync(join(scratch, 'bar-'));
    const inputs = join(dir, 'in3000.txt');
    writeFileSync(inputs, ['gate', ...Array.from({ length: 2999 }, (_, i) => `a${i}`)].join('\n') + '\n');
    const gate = join(dir, 'gate');
    const run = prunInTerminal(['map', 'fixtures/gated.ts', '--procs', '2', '--chunksize', '1'], {
      before: `cat '${inputs}' | `,
      env: { PRUN_TEST_STARTED: join(dir, 'started'), PRUN_TEST_GATE: gate },
    });
    // the first input holds the run back: the total can only come from reading ahead
    await run.shows(/ \d+\/3000 \d+% \| .* \| ETA /);
    writeFileSync(gate, '');
    const result = await run.done;
    assert.equal(result.exitCode, 0);
    assert.match(run.screen().at(-1)!, /^3000\/3000 100% in /);
  });

  test('a terminal of 0 columns (script(1) with no terminal of its own, as in CI) shows the bar, 80 columns wide (was: no display unless --progress)', async () => {
    const dir = mkdtempSync(join(scratch, 'narrow-'));
    const inputs = join(dir, 'in10.txt');
    writeFileSync(inputs, ['gate', ...Array.from({ length: 9 }, (_, i) => `a${i}`)].join('\n') + '\n');
    const gate = join(dir, 'gate');
    const run = prunInTerminal(['map', 'fixtures/gated.ts', inputs, '--threads', '1'], {
      columns: 0,
      env: { PRUN_TEST_STARTED: join(dir, 'started'), PRUN_TEST_GATE: gate },
    });
    // the first input holds the run back: the bar is on the screen while it waits
    const bar = / 0\/10 0% \| .* \| 0 failed/;
    await run.shows(bar);
    const drawn = run.screen().find((line) => bar.test(line))!;
    assert.match(drawn, BAR);
    assert.ok(drawn.length <= 79, drawn);
    writeFileSync(gate, '');
    const result = await run.done;
    assert.equal(result.exitCode, 0);
    assert.match(run.screen().at(-1)!, /^10\/10 100% in /);
  });

  test('Ctrl-Z gives the terminal back with its cursor, and the bar is drawn again once prun goes on (was: no cursor until the run ended)', async () => {
    const dir = mkdtempSync(join(scratch, 'suspend-'));
    const inputs = join(dir, 'in10.txt');
    writeFileSync(inputs, ['gate', ...Array.from({ length: 9 }, (_, i) => `a${i}`)].join('\n') + '\n');
    const gate = join(dir, 'gate');
    const run = prunInTerminal(['map', 'fixtures/gated.ts', inputs, '--threads', '1'], { env: { PRUN_TEST_STARTED: join(dir, 'started'), PRUN_TEST_GATE: gate } });
    try {
      await run.shows(/ 0\/10 0% \| /);
      const prun = (await descendantsOf(run.done.pid!)).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('gated.ts'))!;
      run.type('\x1a');
      // script(1) stops itself once it sees prun stopped, and goes on (prun with it) once
      // continued: both are waited for, as a SIGCONT sent between the two stops was lost and
      // script(1) stayed stopped for good (was: the suite timed out, on one busy core)
      const stopped = (pid: number): boolean => /^\d+ \(.*\) T /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      await until(() => stopped(prun) && stopped(run.done.pid!), 'prun and script(1) stopped');
      process.kill(run.done.pid!, 'SIGCONT');
      process.kill(prun, 'SIGCONT');
      // the cursor was shown as prun stopped, and hidden again with the bar once it went on
      const cursor = () => run.raw().slice(run.raw().indexOf(HIDE_CURSOR) + HIDE_CURSOR.length);
      await until(() => cursor().includes(SHOW_CURSOR) && cursor().indexOf(HIDE_CURSOR, cursor().indexOf(SHOW_CURSOR)) > 0, 'the cursor shown at the stop, the bar back after it');
    } finally {
      writeFileSync(gate, '');
      // a test failed above leaves no process stopped, which the wait below would never see end
      process.kill(run.done.pid!, 'SIGCONT');
    }
    const result = await run.done;
    assert.equal(result.exitCode, 0);
    assert.match(run.screen().at(-1)!, /^10\/10 100% in /);
  });

  test('--queue with no worker of its own: the spinner says that the run waits for a prun worker, map and exec alike (was: "starting workers", which none did)', async (t) => {
    const redis = await startRedis();
    t.after(() => redis.stop());
    for (const args of [['map', '--queue', redis.url, 'fixtures/square.ts', 'fixtures/numbers.txt'], ['exec', '--queue', redis.url, 'echo {}', ':::', 'a']]) {
      const run = prunInTerminal(args);
      // what was written, not what the screen still shows: the spinner says it until the run is
      // published, which may be its first frame only (was, once in a CI run: the bar had replaced
      // it before the screen was read). Bounded, so that it fails with what it showed, not a hang
      const shown = await until(() => run.raw().includes(`waiting for a prun worker at ${redis.url}`), 'the spinner').then(() => true, () => false);
      // nothing else ends a run that waits for a worker: Ctrl-C, again if a first one came too soon
      for (let tries = 0; tries < 3 && run.done.exitCode === null; tries++) {
        run.type('\x03');
        await Promise.race([run.done, delay(5000)]);
      }
      run.done.kill('SIGKILL');
      await run.done;
      assert.ok(shown, run.screen().join('\n'));
      assert.ok(!run.screen().some((line) => /starting (workers|shell lanes)/.test(line)), run.screen().join('\n'));
    }
  });

  test('--total gives the total of an input that has not ended', async () => {
    // --progress: by default no bar is drawn over what is typed (below)
    const run = prunInTerminal(['map', 'fixtures/square.ts', '--total', '5', '--progress', '-']);
    await run.shows(/reading inputs from the terminal/);
    await run.shows(/ 0\/5 0% \| /);
    run.type('2\n3\n');
    await run.shows(/^9$/);
    await run.shows(/ 2\/5 40% \| /);
    run.type('\x04');
    await run.done;
    assert.match(run.screen().at(-1)!, /^2\/2 100% in /);
  });

  test('stdin a terminal and no INPUT: one line says inputs are read from it until Ctrl-D, and no bar erases what is typed', async () => {
    const run = prunInTerminal(['map', 'fixtures/square.ts']);
    await run.shows(/^prun: reading inputs from the terminal, one a line; end them with Ctrl-D$/);
    // typed, not ended yet: a bar redrawn on this line would erase it (was: it did)
    run.type('12');
    await run.shows(/^12$/);
    run.type('\n');
    await run.shows(/^144$/);
    run.type('\x04');
    const result = await run.done;
    assert.equal(result.exitCode, 0);
    const screen = run.screen();
    assert.ok(screen.includes('12'), screen.join('\n'));
    assert.ok(!screen.some((line) => /\d+ done|\d+\/\d+ /.test(line)), screen.join('\n'));
  });

  test('prun exec too: stdin a terminal and no source, one line says so', async () => {
    const run = prunInTerminal(['exec', 'echo', 'got']);
    await run.shows(/^prun: reading inputs from the terminal, one a line; end them with Ctrl-D$/);
    run.type('7\n');
    await run.shows(/^got 7$/);
    run.type('\x04');
    assert.equal((await run.done).exitCode, 0);
  });
});
