import assert from 'node:assert/strict';
import { closeSync, constants, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { holdFifoReader, openOutput } from '../../src/io/fifo-reader.js';
import { scratchDir } from '../helpers/files.js';

const dir = scratchDir('fifo-reader');
const BOUNDED = { timeout: 60_000 };

test('anything but a FIFO is not waited for: a file, a missing path', BOUNDED, async () => {
  const file = join(dir, 'file');
  writeFileSync(file, '');
  let waited = false;
  for (const path of [file, join(dir, 'missing'), join(dir, 'missing', 'deeper')]) (await holdFifoReader(path, () => (waited = true)))();
  assert.equal(waited, false);
});

test('a FIFO is waited for until it has a reader, which sees no end of file before the output has opened it', BOUNDED, async () => {
  const fifo = join(dir, 'fifo');
  await execa('mkfifo', [fifo]);
  let said!: () => void;
  const waiting = new Promise<void>((resolve) => (said = resolve));
  const held = holdFifoReader(fifo, said);
  // it says it waits while no one reads, and has not stopped the event loop meanwhile
  await waiting;
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const release = await held;
  // the output's own blocking open finds the reader at once; the hold may then go
  const out = openSync(fifo, 'w');
  release();
  writeSync(out, 'failed\n');
  closeSync(out);
  assert.equal(await readAll(reader), 'failed\n');
});

/** All that the FIFO's reader gets until its end of file, that is until every writer has gone. */
async function readAll(fd: number): Promise<string> {
  const socket = new Socket({ fd, readable: true, writable: false });
  let text = '';
  for await (const chunk of socket) text += String(chunk);
  return text;
}

test('an output that is a FIFO opens at once: to write only, while it has a reader; with none, it fails as a write would (EPIPE), never waiting in open(2)', BOUNDED, async () => {
  const fifo = join(dir, 'output-fifo');
  await execa('mkfifo', [fifo]);
  // no reader (one came and went): was, a blocking open deaf to every signal but SIGKILL
  assert.throws(() => openOutput(fifo, 'a+'), { code: 'EPIPE' });
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  // a+ (--failed-out under --resume) on a FIFO: was, read-write, prun its own reader
  const out = openOutput(fifo, 'a+');
  assert.throws(() => readSync(out, Buffer.alloc(1)), { code: 'EBADF' });
  writeSync(out, 'x\n');
  closeSync(out);
  assert.equal(await readAll(reader), 'x\n');
});
