import assert from 'node:assert/strict';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OutputRoom } from '../../src/commands/output-room.js';
import type { PrunError } from '../../src/errors.js';
import { exitStatus } from '../../src/model/failure.js';
import { scratchDir } from '../helpers/files.js';
import { fillDisk, useSmallDisk } from '../helpers/small-disk.js';

const dir = scratchDir('output-room');
const clean = { failure: undefined, stdout: true, stderr: true };

/** A scratch folder on the small disk, watched, holding another job's output of `bytes`. */
function roomWithOtherJob(mount: string, bytes: number): { scratch: string; room: OutputRoom; other: string } {
  const scratch = join(mount, 'prun-exec-other');
  mkdirSync(scratch);
  const other = join(scratch, '1.o');
  writeFileSync(other, 'x'.repeat(bytes));
  return { scratch, room: new OutputRoom(scratch, undefined, () => {}), other };
}

/** Removes a file as prun frees a job file: the room it gave back, in bytes. */
function freeFile(path: string): number {
  const bytes = statSync(path).blocks * 512;
  rmSync(path);
  return bytes;
}

describe("the room of exec's output", () => {
  const smallDisk = useSmallDisk(join(dir, 'small-disk'));

  test('a job that ends while the scratch disk is full fails ERR_UNWRITABLE_RESULT with no output; the run hears once, ERR_OUTPUT; the disk stays full for the run once freed', (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    const scratch = join(mount, 'prun-exec-x');
    mkdirSync(scratch);
    const heard: PrunError[] = [];
    const room = new OutputRoom(scratch, undefined, (error) => heard.push(error));
    assert.deepEqual(room.check(clean), clean);
    assert.equal(room.seeFull(), undefined);
    const filler = fillDisk(mount);
    const failed = room.check(clean);
    assert.equal(failed.failure?.code, 'ERR_UNWRITABLE_RESULT');
    assert.equal(failed.stdout, false);
    assert.equal(failed.stderr, true);
    rmSync(filler);
    // room made after a write failed gives that write back to nobody
    assert.equal(room.check(clean).failure?.code, 'ERR_UNWRITABLE_RESULT');
    assert.equal(room.seeFull(), mount);
    assert.deepEqual(heard.map((error) => error.code), ['ERR_OUTPUT']);
    rmSync(scratch, { recursive: true });
  });

  test('a job whose disk filled while it ran fails, though prun freed another job\'s file before it ended (was: its output printed cut at 32 kB)', (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    const { scratch, room, other } = roomWithOtherJob(mount, 30_000);
    // a running job's writes fill the disk, and the last one fails
    const filler = fillDisk(mount);
    // the other job ends first: prun takes its output, which gives 30 kB back
    room.given(freeFile(other));
    assert.equal(room.check(clean).failure?.code, 'ERR_UNWRITABLE_RESULT');
    rmSync(filler);
    rmSync(scratch, { recursive: true });
  });

  test('room given back while a job ran fails no job on a disk that never filled, however much was given back', (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    const { scratch, room, other } = roomWithOtherJob(mount, 10_000);
    // a long job runs beside a hundred short ones: 1 MB of their output taken, on a 64 kB disk
    for (let job = 0; job < 100; job++) {
      writeFileSync(other, 'x'.repeat(10_000));
      room.given(freeFile(other));
    }
    assert.deepEqual(room.check(clean), clean);
    assert.equal(room.seeFull(), undefined);
    rmSync(scratch, { recursive: true });
  });

  test("--results DIR on a full disk is seen as the scratch folder's is; a failed job's own exit status is kept, for the joblog", (t) => {
    const mount = smallDisk(t);
    if (!mount) return;
    const heard: PrunError[] = [];
    const room = new OutputRoom(join(dir, 'prun-exec-y'), mount, (error) => heard.push(error));
    const filler = fillDisk(mount);
    const failed = room.check({ failure: exitStatus(3, () => undefined), stdout: true, stderr: false });
    assert.equal(failed.failure?.code, 'ERR_UNWRITABLE_RESULT');
    assert.equal(failed.failure?.exitStatus, 3);
    assert.equal(room.seeFull(), mount);
    assert.equal(heard.length, 1);
    rmSync(filler);
  });
});
