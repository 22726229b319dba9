// What the CLI does when its results cannot be written.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { assertNoWorkerLeft } from '../helpers/accounting.js';
import { bin, lines, root } from '../helpers/prun.js';
import { scratchDir } from '../helpers/files.js';
import { type PresentableRun, presentRun } from '../../src/cli/present-run.js';
import { flushOutput, setStderrRelay } from '../../src/cli/results-out.js';
import { PrunError } from '../../src/errors.js';
import type { Delivery } from '../../src/model/delivery.js';
import { ProgressTracker } from '../../src/progress/tracker.js';

const dir = scratchDir('present');

const ways = [
  { name: 'map --procs', args: ['map', 'fixtures/faults.ts', '--procs', '2'] },
  { name: 'map --threads', args: ['map', 'fixtures/faults.ts', '--threads', '2'] },
  { name: 'exec', args: ['exec', '-j', '2', 'echo {}'] },
];

describe('stdout on a full disk', () => {
  for (const way of ways) {
    test(`prun ${way.name} > /dev/full: one line, exit 74, stops reading endless input, no worker left (was: a stack trace and exit 1)`, async () => {
      const pids = join(dir, `pids-${way.name.replace(/\W/g, '')}`);
      // `yes` never ends: prun must stop reading, or this never returns
      const result = await execa('sh', ['-c', `yes | "$0" "$@" > /dev/full`, bin, ...way.args], {
        cwd: root,
        reject: false,
        env: { PRUN_TEST_PIDS: pids },
      });
      assert.equal(result.exitCode, 74);
      assert.deepEqual(lines(String(result.stderr)), ['prun: cannot write results: no space left on device']);
      await assertNoWorkerLeft(pids);
    });
  }

  test('prun map --procs > /dev/full waits for a worker that takes a while to end before it exits 74 (was: exited at once, the worker still ending)', async () => {
    const pids = join(dir, 'pids-slow-to-end');
    const result = await execa('sh', ['-c', `yes | "$0" "$@" > /dev/full`, bin, 'map', 'fixtures/slow-to-end.ts', '--procs', '1'], {
      cwd: root,
      reject: false,
      env: { PRUN_TEST_PIDS: pids },
    });
    assert.equal(result.exitCode, 74);
    await assertNoWorkerLeft(pids);
  });

  for (const way of [
    { name: 'map', args: ['map', 'fixtures/gated.ts', '--procs', '2'] },
    { name: 'exec', args: ['exec', '-j', '2', 'case {} in gate*) sleep 1000;; esac; echo {}'] },
  ]) {
    test(`prun ${way.name}: a full disk while another input still runs ends it at once (was: waited for its result)`, async () => {
      // the gate never opens: only ending the run ends that input
      const result = await execa('sh', ['-c', `exec "$0" "$@" > /dev/full`, bin, ...way.args, ':::', 'a', 'gate-b'], {
        cwd: root,
        reject: false,
        env: { PRUN_TEST_STARTED: join(dir, `started-${way.name}`), PRUN_TEST_GATE: join(dir, 'never') },
        // a safety net, not a measure: without the fix this never ends
        timeout: 60_000,
      });
      assert.equal(result.exitCode, 74);
      assert.deepEqual(lines(String(result.stderr)), ['prun: cannot write results: no space left on device']);
    });
  }
});

describe('a run that ends before its write fails', () => {
  test('prun exec --dry-run > /dev/full: one line, exit 74 (was: the failed write came after the run, and crashed it with a stack)', async () => {
    const result = await execa('sh', ['-c', 'exec "$0" "$@" > /dev/full', bin, 'exec', '--dry-run', 'echo', ':::', 'a', 'b'], { cwd: root, reject: false });
    assert.equal(result.exitCode, 74);
    assert.deepEqual(lines(String(result.stderr)), ['prun: cannot write results: no space left on device']);
  });
});

describe('stderr that cannot be written', () => {
  for (const way of [
    { name: 'exec', args: ['exec', '-j', '2', 'echo {}; echo err >&2'] },
    { name: 'map --procs', args: ['map', 'fixtures/console-log.ts', '--procs', '2'] },
    { name: 'map --threads', args: ['map', 'fixtures/console-log.ts', '--threads', '2'] },
  ]) {
    test(`prun ${way.name} 2> /dev/full: every result on stdout, exit 0, as GNU parallel (was: a crash, exit 1, results lost)`, async () => {
      const result = await execa('sh', ['-c', 'exec "$0" "$@" 2> /dev/full', bin, ...way.args, ':::', '1', '2'], { cwd: root, reject: false });
      assert.equal(result.exitCode, 0);
      assert.equal(lines(String(result.stdout)).length, 2, String(result.stdout));
    });
  }
});

describe('a stopping signal while the script compiles (in-process, a fake run)', () => {
  test('the compile it cuts short is the signal\'s doing: exit 128+n with the summary, not 2 (esbuild\'s service shares prun\'s process group)', async () => {
    let stopped!: () => void;
    const stop = new Promise<void>((resolve) => (stopped = resolve));
    async function* deliveries(): AsyncGenerator<Delivery> {
      await stop;
      throw new PrunError('ERR_SCRIPT', 's.ts: The service was stopped: write EPIPE');
    }
    const never = new Promise<void>(() => {});
    const run: PresentableRun = {
      deliveries: deliveries(),
      encoding: 'utf8',
      tracker: new ProgressTracker(),
      ready: never,
      allReady: never,
      stop: () => stopped(),
      fatalError: () => undefined,
      busy: () => false,
      finished: Promise.resolve(),
    };
    const presented = presentRun(run, { json: false, progress: false, verbose: false, startingText: '', countInputs: undefined, countAhead: false });
    // SIGALRM: a stopping signal no test runner listens for; emitted, not sent
    process.emit('SIGALRM', 'SIGALRM');
    assert.equal(await presented, 142);
    // a second signal, now that the run is over, ends the wait for the readers
    process.emit('SIGALRM', 'SIGALRM');
    assert.equal(await flushOutput(142), 142);
  });
});

describe('stopping signals after the run, while prun waits for a reader that does not read (in-process, a fake run)', () => {
  test('the first says so and the exit is 128+n; the second ends the wait; the handlers stay until the exit (was: no handler left, prun died of the signal with no exit status of its own; then, of the third of a burst)', { timeout: 60_000 }, async () => {
    async function* deliveries(): AsyncGenerator<Delivery> {}
    const run: PresentableRun = {
      deliveries: deliveries(),
      encoding: 'utf8',
      tracker: new ProgressTracker(),
      ready: Promise.resolve(),
      allReady: Promise.resolve(),
      stop: () => assert.fail('the run is over: nothing to stop'),
      fatalError: () => undefined,
      busy: () => false,
      finished: Promise.resolve(),
    };
    const listening = process.listenerCount('SIGALRM');
    assert.equal(await presentRun(run, { json: false, progress: false, verbose: false, startingText: '', countInputs: undefined, countAhead: false }), 0);
    // a reader of stderr's relay that never reads: the exit would wait for ever
    let relayWaited!: () => void;
    const waiting = new Promise<void>((resolve) => (relayWaited = resolve));
    setStderrRelay({ pid: 0, finish: () => (relayWaited(), new Promise<void>(() => {})) });
    const flushing = flushOutput(0);
    await waiting;
    const said: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((text: string) => said.push(text) > 0) as typeof write;
    try {
      process.emit('SIGALRM', 'SIGALRM');
      assert.match(said.join(''), /^prun: got SIGALRM: waiting for its output to be read/);
      process.emit('SIGALRM', 'SIGALRM');
    } finally {
      process.stderr.write = write;
    }
    assert.equal(await flushing, 142);
    // what comes between the end of the wait and the exit is heard too, not the signal's default
    assert.equal(process.listenerCount('SIGALRM'), listening + 1);
  });
});
