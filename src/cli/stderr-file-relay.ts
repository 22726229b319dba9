import type { ChildProcess } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, type Stats } from 'node:fs';
import { fdStats } from '../system/sync-stat.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sameFile } from '../io/same-file.js';

/*
 * Why this exists: under `prun map --threads`, fd 1 is pointed at stderr (stdout-takeover.ts),
 * and Node has no dup(): when stderr is a regular file, opening it again gives a description
 * with an offset of its own. Whatever prun wrote through one that is not the shell's, the
 * shell's offset never saw: in `{ prun ...; echo end >&2; } 2> log` (or `exec 2> log` atop a
 * script), `end` and all that followed landed over prun's first lines. So fd 1 becomes a pipe
 * to a `cat` whose stdout is fd 2 itself, inherited: the kernel's own dup of the shell's
 * description. fd 2 is left as it is. Every byte then goes through that one description, and
 * its offset, O_APPEND or not, is right for whoever writes next.
 *
 * The pipe is a FIFO: a spawn's own stdio "pipe" is a socket, which open() cannot reach, and
 * Node cannot make a pipe. It costs two spawns (mkfifo, the relay): 14 ms more for one input
 * (251 against 238 ms, hyperfine, `2> file` against `2> /dev/null`), only with
 * --threads and stderr a regular file; the FIFO's name is gone once both ends are open.
 */

/** The `cat` that carries fd 1's bytes to stderr, once fd 1 leads to it. */
export interface StderrRelay {
  readonly pid: number;
  /** Closes fd 1, so that the relay reads its end, and resolves once it has written all (or after a bound). */
  finish(): Promise<void>;
}

/** How long the end of the run waits for the relay to write what it holds: a few pipefuls take milliseconds. */
const FINISH_WAIT_MS = 2000;

/**
 * Starts the relay; with fd 1 closed (the lowest free descriptor), `openAsFd1` opens its pipe
 * in fd 1's place. Started while fd 1 is still open, or the spawns' own pipes would take fd 1.
 */
export async function startStderrRelay(): Promise<{ openAsFd1(): StderrRelay | undefined } | undefined> {
  const { spawn, spawnSync } = await import('node:child_process');
  const dir = madeFolder();
  // none, or no mkfifo: fd 1 opens the file again, as before
  if (dir === undefined) return undefined;
  const fifo = join(dir, 'fd1');
  let ends: FifoEnds | undefined;
  try {
    if (spawnSync('mkfifo', ['-m', '600', fifo], { stdio: 'ignore' }).status === 0) ends = openEnds(fifo);
  } finally {
    // opened, the FIFO needs its name no more
    rmSync(dir, { recursive: true, force: true });
  }
  if (!ends) return undefined;
  // its own session, as the results' relay: Ctrl-C on the terminal is prun's to handle; its
  // stderr is the file it writes to, so it says nothing there: why it could not write is lost
  // with the bytes, as it would be for a write of prun's own
  const relay = spawn('cat', [], { stdio: [ends.relayEnd, 2, 'ignore'], detached: true });
  relay.on('error', () => {});
  closeSync(ends.relayEnd);
  const { held, writer } = ends;
  if (relay.pid === undefined) {
    closeSync(held);
    closeSync(writer);
    return undefined;
  }
  const pid = relay.pid;
  return {
    openAsFd1() {
      // readers are there (`held`, the relay's): this open never waits
      const fd = openSync(`/dev/fd/${writer}`, constants.O_WRONLY | constants.O_NOCTTY);
      closeSync(writer);
      closeSync(held);
      if (fd !== 1) throw new Error(`prun: fd 1 was taken while pointing it at stderr (got ${fd})`);
      const pipe = fdStats(1);
      return { pid, finish: () => finishRelay(relay, pipe) };
    },
  };
}

/**
 * A folder of prun's own for the FIFO: in TMPDIR, else in /dev/shm or /tmp (the FIFO's name
 * lives for milliseconds), else none: then fd 1 opens the file again, whose offset of its own
 * lets the shell's later writes land over prun's lines. Was: Node's stack trace of mkdtemp,
 * exit 1, for `TMPDIR=/nonexistent prun map … --threads 2> file`.
 */
function madeFolder(): string | undefined {
  for (const parent of new Set([tmpdir(), '/dev/shm', '/tmp'])) {
    try {
      return mkdtempSync(join(parent, 'prun-stderr-'));
    } catch {
      // the next
    }
  }
  return undefined;
}

/** The FIFO's ends prun opens: the relay's reading end, and those prun holds until fd 1 is open. */
interface FifoEnds {
  /** The relay's stdin, blocking: handed to it open, so that it never waits in open() for a writer. */
  relayEnd: number;
  /** A writer: while prun lives, the relay sees no end of input before fd 1 is its writer; once prun is gone (killed at start-up), it does, and ends. */
  writer: number;
  /** A reader, non-blocking: what lets the writers' opens return at once. */
  held: number;
}

/**
 * Opens the FIFO's ends in the one order in which no open waits: a non-blocking reader first
 * (which never waits), then a writer (which needs a reader), then the relay's reader, blocking
 * (which needs a writer). Was: the relay, `sh -c 'exec cat < FIFO'`, opened it itself and
 * waited there for prun's writer; prun killed before it opened one (kill -9 at start-up) left
 * that shell waiting for ever, and the FIFO in TMPDIR.
 */
function openEnds(fifo: string): FifoEnds | undefined {
  const opened: number[] = [];
  try {
    const held = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    opened.push(held);
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NOCTTY);
    opened.push(writer);
    const relayEnd = openSync(fifo, constants.O_RDONLY);
    return { relayEnd, writer, held };
  } catch {
    for (const fd of opened) closeSync(fd);
    return undefined;
  }
}

async function finishRelay(relay: ChildProcess, pipe: Stats): Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (relay.exitCode !== null || relay.signalCode !== null) resolve();
    relay.once('exit', () => resolve());
    setTimeout(resolve, FINISH_WAIT_MS).unref();
  });
  // the relay reads its end once no writer is left: fd 1 is the only one of prun's (user
  // code's children, which could hold fd 1 too, are ended before this: map-command.ts). Unless
  // the user's function closed fd 1, or opened something else in its place: not ours to close.
  if (isOpenOn(1, pipe)) closeSync(1);
  await exited;
}

/** Whether `fd` is open on the file `stat` describes. */
function isOpenOn(fd: number, stat: Stats): boolean {
  try {
    return sameFile(fdStats(fd), stat);
  } catch {
    return false;
  }
}
