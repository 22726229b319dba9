import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { exec, type ExecOutcome, type ExecRunOptions, PrunError } from 'prunjs';
import { scratchDir } from '../helpers/files.js';
import { assertAllEnded } from '../helpers/processes.js';
import { goesQuiet } from '../helpers/streams.js';
import { useSmallDisk } from '../helpers/small-disk.js';

const dir = scratchDir('api-exec');

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

test('exec() yields each command\'s stdout as its outcome, in input order, {} quoted', async () => {
  const outcomes = await collect(exec(['a', 'b c', 'd'], 'printf "[%s]\\n" {}', { workers: 2 }));
  assert.deepEqual(outcomes, [
    { index: 0, input: 'a', ok: true, result: '[a]\n' },
    { index: 1, input: 'b c', ok: true, result: '[b c]\n' },
    { index: 2, input: 'd', ok: true, result: '[d]\n' },
  ]);
});

test('a failing command is an outcome with its exit status and what it printed, not a throw', async () => {
  const outcomes: ExecOutcome[] = await collect(exec(['0', '3'], 'echo out {}; exit {}', { workers: 2 }));
  const [passed, failed] = outcomes;
  assert.deepEqual(passed, { index: 0, input: '0', ok: true, result: 'out 0\n' });
  assert.ok(failed && !failed.ok);
  assert.equal(failed.status, 3);
  assert.equal(failed.result, 'out 3\n');
  assert.equal(failed.attempts, 1);
  assert.equal(failed.error.code, 'ERR_EXIT_STATUS');
});

test('a command\'s stderr goes to onStderr, its output is UTF-8 text', async () => {
  const stderr: string[] = [];
  const outcomes = await collect(exec(['café'], 'echo {}; echo warn {} >&2', { workers: 1, onStderr: (text) => stderr.push(text) }));
  assert.deepEqual(outcomes, [{ index: 0, input: 'café', ok: true, result: 'café\n' }]);
  assert.deepEqual(stderr, ['warn café\n']);
});

test('exec() with a bad argument throws PrunError ERR_USAGE at the call', () => {
  const isUsage = (error: unknown) => error instanceof PrunError && error.code === 'ERR_USAGE';
  assert.throws(() => exec(['a'], ''), isUsage);
  assert.throws(() => exec(['a'], 42 as unknown as string), isUsage);
  assert.throws(() => exec(['a'], 'echo {}', { workers: 0 }), isUsage);
  assert.throws(() => exec(['a'], 'echo {}', { timeout: 'soon' }), isUsage);
  assert.throws(() => exec(3 as unknown as string[], 'echo {}'), isUsage);
  // regression: was a TypeError out of a child's exit handler, which ended the caller's process
  assert.throws(() => exec(['a'], 'echo {}', { onStderr: 5 as unknown as () => void }), isUsage);
  // regression: was thrown at the first pull of the loop
  assert.throws(() => exec(['a'], 'echo {= s/a/b/ =}'), isUsage);
  assert.throws(() => exec(['a'], 'echo {}', { tagString: '{= $_ =}' }), isUsage);
  // regression: a string spread into an object of its characters, and passed
  assert.throws(() => exec(['a'], 'echo {}', 'x' as unknown as object), isUsage);
  // regression: exec()'s own options were not checked: a TypeError from inside the template
  const bad = (options: object) => exec(['a'], 'echo {}', options as ExecRunOptions);
  for (const tagString of [5, {}, true, ['x']]) assert.throws(() => bad({ tagString }), isUsage, String(tagString));
  assert.throws(() => bad({ tag: 'yes' }), isUsage);
  assert.throws(() => bad({ workdir: 1 }), isUsage);
  assert.throws(() => bad({ delayMs: -1 }), isUsage);
  assert.throws(() => bad({ timeoutOfMedian: 0 }), isUsage);
  assert.throws(() => bad({ template: 'plus' }), isUsage);
  assert.throws(() => bad({ template: { rpl: '{x} s/a/b/' } }), isUsage);
  assert.throws(() => bad({ template: { plus: 1 } }), isUsage);
  // was: ignored in silence; a map() option it does not take is as unknown
  assert.throws(() => bad({ tagstring: '{}' }), isUsage);
  assert.throws(() => bad({ runtime: 'thread' }), isUsage);
  assert.throws(() => bad({ signal: 'stop' }), isUsage);
});

test('an input with no text a command could take (an object, null) throws PrunError ERR_USAGE after what ran before it; numbers, bigints and booleans are their text (was: an object ran as [object Object], and succeeded)', async () => {
  assert.deepEqual((await collect(exec([1, 2n, true], 'echo {}'))).map((outcome) => outcome.result), ['1\n', '2\n', 'true\n']);
  for (const bad of [{ file: 'a.txt' }, null, ['a'], 'a\0b']) {
    const outcomes: ExecOutcome[] = [];
    await assert.rejects(
      (async () => {
        for await (const outcome of exec(['a', bad, 'b'], 'echo {}', { workers: 1 })) outcomes.push(outcome);
      })(),
      (error) => error instanceof PrunError && error.code === 'ERR_USAGE',
    );
    assert.deepEqual(outcomes.map((outcome) => outcome.result), ['a\n'], JSON.stringify(bad));
  }
});

test('an input iterable that throws a value that is no Error: the loop throws that value itself, after what ran (was: an Error made of it)', async () => {
  async function* inputs() {
    yield 'a';
    throw undefined;
  }
  const seen: string[] = [];
  let caught: { thrown: unknown } | undefined;
  try {
    for await (const outcome of exec(inputs(), 'echo {}')) seen.push(outcome.result);
  } catch (thrown) {
    caught = { thrown };
  }
  assert.deepEqual(caught, { thrown: undefined });
  assert.deepEqual(seen, ['a\n']);
});

test('regression: an onStderr that throws stops the run, and its error reaches the caller after what ran (was: it ended the caller\'s process)', async () => {
  const mine = new Error('mine');
  const outcomes: ExecOutcome[] = [];
  await assert.rejects(
    (async () => {
      for await (const outcome of exec(['a', 'b', 'c', 'd'], 'echo {}; echo warn >&2', { workers: 1, onStderr: () => { throw mine; } })) outcomes.push(outcome);
    })(),
    (error) => error === mine,
  );
  // the first command's stderr threw: nothing starts after it (b may have been given to the lane ahead of it)
  assert.deepEqual(outcomes.map((outcome) => [outcome.input, outcome.ok]).slice(0, 1), [['a', true]]);
  assert.ok(outcomes.length <= 2, JSON.stringify(outcomes));
});

describe('exec() with its output folder on a full disk', () => {
  const smallDisk = useSmallDisk(join(dir, 'small-disk'));

  test('a command whose output the disk cut short fails ERR_UNWRITABLE_RESULT with none of it, then the run throws ERR_OUTPUT (was: its cut output, a bare exit 1)', async (t) => {
    const tmpdir = smallDisk(t);
    if (!tmpdir) return;
    const outcomes: ExecOutcome[] = [];
    await assert.rejects(
      (async () => {
        // 100 kB of output, on a 64 kB disk: tr meets ENOSPC
        for await (const outcome of exec(['a'], 'head -c 100000 /dev/zero | tr "\\0" {}', { workers: 1, tmpdir, onStderr: () => {} })) outcomes.push(outcome);
      })(),
      (error) => error instanceof PrunError && error.code === 'ERR_OUTPUT',
    );
    assert.equal(outcomes.length, 1);
    const [outcome] = outcomes;
    assert.ok(outcome && !outcome.ok);
    assert.equal(outcome.error.code, 'ERR_UNWRITABLE_RESULT');
    assert.equal(outcome.result, '');
  });
});

test('halt: the outcomes of what ran, then PrunError ERR_HALTED (was: the loop ended as if every input had run)', { timeout: 180_000 }, async () => {
  const seen: string[] = [];
  const loop = async () => {
    for await (const outcome of exec(['0', '1', '0', '0'], 'exit {}', { workers: 1, halt: 'soon,fail=1' })) seen.push(`${outcome.input}:${outcome.ok}`);
  };
  await assert.rejects(loop, (error: Error & { code?: string }) => error instanceof PrunError && error.code === 'ERR_HALTED');
  assert.deepEqual(seen, ['0:true', '1:false']);
});

test('twelve exec() runs at once print no warning (was: MaxListenersExceededWarning, one exit listener a run)', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  try {
    const runs = Array.from({ length: 12 }, async (_, i) => {
      const outputs: string[] = [];
      for await (const outcome of exec([`f${i}`], 'echo {}')) outputs.push(outcome.result.trim());
      return outputs;
    });
    assert.deepEqual(await Promise.all(runs), Array.from({ length: 12 }, (_, i) => [`f${i}`]));
    // a warning is emitted on the next tick after the listener that caused it
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, []);
});

test('regression: an aborted signal ends a next() that waits, with commands running: it throws the reason once they are ended (was: nothing could cancel it, return() waited for ever)', { timeout: 60_000 }, async () => {
  const pids = join(dir, 'abort.pids');
  writeFileSync(pids, '');
  let started: () => void = () => {};
  const startedBoth = new Promise<void>((resolve) => (started = resolve));
  const { inputs } = goesQuiet('a', 'b');
  const controller = new AbortController();
  // each command says its pid (and its input, so that none is appended to the sleep), then
  // waits far longer than the test
  const outcomes = exec(inputs, `echo $$ {} >> ${pids}; exec sleep 300`, { workers: 2, signal: controller.signal });
  const waiting = outcomes.next();
  const watch = setInterval(() => readFileSync(pids, 'utf8').split('\n').filter(Boolean).length === 2 && started(), 10);
  await startedBoth.finally(() => clearInterval(watch));
  controller.abort();
  await assert.rejects(waiting, { name: 'AbortError' });
  const recorded = readFileSync(pids, 'utf8').split('\n').filter(Boolean).map((line) => Number(line.split(' ')[0]));
  await assertAllEnded(recorded);
});

test('exec(): a signal aborted before the first pull runs nothing', async () => {
  const marker = join(dir, 'never-made');
  await assert.rejects(collect(exec(['x'], `touch ${marker}`, { signal: AbortSignal.abort() })), { name: 'AbortError' });
  assert.equal(existsSync(marker), false);
});

test('regression: an abort lets go of the output of the commands it drops: no file of theirs stays open in the caller (was: ~30 deleted 3 MB files held open until the process exited)', { timeout: 60_000 }, async () => {
  const heldOutputs = (): number =>
    readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).endsWith('(deleted)');
      } catch {
        return false; // the descriptor readdir itself used
      }
    }).length;
  const before = heldOutputs();
  const controller = new AbortController();
  let taken = 0;
  await assert.rejects(async () => {
    // big outputs go to files; the first three commands end later than the rest
    for await (const _outcome of exec(Array.from({ length: 40 }, (_, i) => i), 'head -c 3000000 /dev/zero; if [ {} -lt 3 ]; then sleep 1; fi', { workers: 6, signal: controller.signal })) {
      if (++taken === 3) controller.abort();
    }
  }, { name: 'AbortError' });
  assert.equal(heldOutputs(), before);
});

test("an empty tagString is none, as the CLI's --tagstring '' and GNU parallel's (was: a bare tab before every line)", async () => {
  assert.deepEqual((await collect(exec(['a'], 'echo {}', { tagString: '' }))).map((outcome) => outcome.result), ['a\n']);
  assert.deepEqual((await collect(exec(['a'], 'echo {}', { tag: true, tagString: '' }))).map((outcome) => outcome.result), ['a\ta\n']);
});
