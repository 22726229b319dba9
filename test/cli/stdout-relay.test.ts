// The relay of stdout that says what it wrote (--threads --joblog, stdout a file or a socket),
// the built program on its own: fd 1 a socket (a child's 'pipe' is one), results on stdin, its
// counts on fd 3.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Readable } from 'node:stream';
import { root } from '../helpers/prun.js';

const relayProgram = join(root, 'dist/cli/stdout-relay.js');

/** The counts the relay says, as they come. */
function countsOf(acks: Readable): number[] {
  const counts: number[] = [];
  let partial = '';
  acks.setEncoding('latin1').on('data', (text: string) => {
    const said = (partial + text).split('\n');
    partial = said.pop()!;
    counts.push(...said.map(Number));
  });
  return counts;
}

test('told to stop while it writes to a socket, full or not: it writes no more, and what got out unsaid is at most part of one write (was: it wrote on)', { timeout: 90_000 }, async () => {
  const relay = spawn(process.execPath, [relayProgram], { stdio: ['pipe', 'pipe', 'inherit', 'pipe'] });
  const stdout = relay.stdout!;
  let received = 0;
  stdout.on('data', (chunk: Buffer) => void (received += chunk.length));
  stdout.pause();
  const counts = countsOf(relay.stdio[3] as Readable);
  // far more than a socket holds, in odd sizes
  for (let i = 0; i < 40; i++) relay.stdin!.write(Buffer.alloc(50_001 + i, 'a'));
  relay.stdin!.on('error', () => {});
  // it has written some: then the socket fills, as nothing reads it
  while (counts.length === 0) await once(relay.stdio[3]!, 'data');
  const closed = once(relay, 'close');
  // as prun stops it: a relay waiting on its reader hears no signal, and is killed
  relay.kill('SIGTERM');
  const stubborn = setTimeout(() => relay.kill('SIGKILL'), 250);
  const [code, signal] = (await once(relay, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(stubborn);
  stdout.resume();
  await closed;
  assert.ok(code === 143 || signal === 'SIGKILL', `${code} ${signal}`);
  assert.ok(received < 40 * 50_000, `${received} bytes: the socket never filled`);
  // all it said got out; more only of the one write it was killed in, waiting on the reader
  const said = counts.at(-1)!;
  assert.ok(said <= received && received - said < 50_040, `said ${said}, received ${received}`);
});

test('its stdin ends: all of it is written to the socket and counted, and it exits 0', { timeout: 90_000 }, async () => {
  const relay = spawn(process.execPath, [relayProgram], { stdio: ['pipe', 'pipe', 'inherit', 'pipe'] });
  const counts = countsOf(relay.stdio[3] as Readable);
  let received = 0;
  relay.stdout!.on('data', (chunk: Buffer) => void (received += chunk.length));
  const closed = once(relay, 'close');
  relay.stdin!.end(Buffer.alloc(3_000_000, 'b'));
  const [code] = (await once(relay, 'exit')) as [number | null];
  await closed;
  assert.equal(code, 0);
  assert.equal(received, 3_000_000);
  assert.equal(counts.at(-1), 3_000_000);
});
