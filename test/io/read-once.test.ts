import assert from 'node:assert/strict';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { bin, lines, root, runtimes } from '../helpers/prun.js';
import { scratchDir } from '../helpers/files.js';

const dir = scratchDir('read-once');

/** A regression would hang rather than fail: bound it. */
const BOUNDED = { timeout: 60_000 };
/** prun itself is ended before the test's bound, so that a hang fails the test rather than holding its file open. */
const RUN = { cwd: root, reject: false, timeout: 50_000 } as const;

let fifos = 0;
/** A FIFO and its writer, as `<(...)` gives: the writer opens once prun opens it to read. */
async function fifoWith(): Promise<{ path: string; writer: WriteStream }> {
  const path = join(dir, `fifo-${++fifos}`);
  await execa('mkfifo', [path]);
  const writer = createWriteStream(path);
  writer.on('error', () => {}); // prun going away is the writer's EPIPE
  return { path, writer };
}

/** Writes `line` again and again, as `yes` does, as fast as the reader takes it, until it goes. */
function yes(writer: WriteStream, line: string): void {
  const chunk = line.repeat(4096);
  const more = (): void => {
    while (!writer.destroyed && writer.write(chunk));
    if (!writer.destroyed) writer.once('drain', more);
  };
  more();
}

describe('the input is read once: a pipe, a FIFO or <(...) is never opened a second time', () => {
  for (const runtime of runtimes) {
    test(`${runtime}: <(seq 200000) --progress: every line reaches stdout (the progress bar's count stole them)`, BOUNDED, async () => {
      const { path, writer } = await fifoWith();
      const child = execa(bin, ['map', 'fixtures/faults.ts', path, runtime, '2', '--progress'], RUN);
      writer.end(Array.from({ length: 200_000 }, (_, i) => `${i}\n`).join(''));
      const result = await child;
      assert.equal(result.exitCode, 0, String(result.stderr).slice(-500));
      const out = lines(result.stdout);
      assert.equal(out.length, 200_000);
      assert.equal(out.at(-1), '199999');
    });
  }

  test('exec: <(seq 300) --progress: every line reaches stdout', BOUNDED, async () => {
    const { path, writer } = await fifoWith();
    const child = execa(bin, ['exec', '-j', '2', '--progress', 'echo {}', '::::', path], RUN);
    writer.end(Array.from({ length: 300 }, (_, i) => `${i}\n`).join(''));
    const result = await child;
    assert.equal(result.exitCode, 0, String(result.stderr).slice(-500));
    assert.equal(lines(result.stdout).length, 300);
  });

  for (const runtime of runtimes) {
    test(`${runtime}: --halt soon,fail=1 on <(yes f) exits (counting the unread inputs read the pipe forever)`, BOUNDED, async () => {
      const { path, writer } = await fifoWith();
      const child = execa(bin, ['map', 'fixtures/faults.ts', path, runtime, '2', '--halt', 'soon,fail=1'], RUN);
      yes(writer, 'throw\n');
      const result = await child;
      writer.destroy();
      assert.equal(result.exitCode, 1, String(result.stderr).slice(-500));
      assert.match(lines(result.stderr).at(-1)!, /^prun: \d+ of \d+ inputs failed, \d+ never ran \(halted\)$/);
    });
  }

  test('exec: --halt soon,fail=1 on <(yes f) exits', BOUNDED, async () => {
    const { path, writer } = await fifoWith();
    const child = execa(bin, ['exec', '-j', '2', '--halt', 'soon,fail=1', 'exit 3; : {}', '::::', path], RUN);
    yes(writer, 'f\n');
    const result = await child;
    writer.destroy();
    // GNU parallel's exit status after --halt ...,fail=1: the failing job's own
    assert.equal(result.exitCode, 3, String(result.stderr).slice(-500));
    assert.match(lines(result.stderr).at(-1)!, /\(halted\)$/);
  });
});
