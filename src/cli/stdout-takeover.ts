import { closeSync, constants, openSync, type Stats } from 'node:fs';
import { fdStats } from '../system/sync-stat.js';
import { Socket } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { isatty, WriteStream } from 'node:tty';
import { fileURLToPath } from 'node:url';
import { EXIT } from './exit-codes.js';
import { AcknowledgedWrites } from './acknowledged-writes.js';
import { isRegularFile } from '../io/is-regular-file.js';
import { rowlessResults } from '../io/joblog.js';
import { sameFile } from '../io/same-file.js';
import { fileWriter } from './file-writer.js';
import { flushed, noteStdout, setResultsOut, setStderrRelay, type ResultsOut } from './results-out.js';
import { startStderrRelay } from './stderr-file-relay.js';

/*
 * Why this exists: under `prun map --threads` the user's function runs inside prun's own
 * process, so it shares fd 1 with the results. `fs.writeSync(1, ...)`, a child with inherited
 * stdio or `execSync` would print onto stdout, `fs.closeSync(1)` would make prun fail with
 * EBADF, and re-opening fd 1 would send the results into the user's file. Under --procs none of
 * this reaches stdout: a forked worker's fd 1 is a pipe prun relays to stderr.
 *
 * So, before any worker thread starts, the results get a descriptor of their own, which user
 * code cannot know of, and fd 1 is pointed at stderr. Node has no dup()/dup2(), hence:
 * - stdout a pipe or a terminal (the usual cases): it is opened again through /dev/fd/1. A
 *   new open file description of a pipe or a terminal is exact: neither has an offset.
 * - anything else (a regular file, a socket): a new description of a file would keep its own
 *   offset, so `{ prun ...; echo end; } > out` would see `end` overwrite the results, and a
 *   socket cannot be opened at all. A `cat` relay inherits fd 1 instead, the kernel's own
 *   dup of it, exact for offsets, O_APPEND and sockets; results go to it through a pipe.
 *   It costs a spawn (measured in the commit that added this), only in these cases.
 *   A write is done for prun once it is in the pipe to `cat`: with a full disk, or a socket's
 *   reader that goes, --joblog rows would run ahead of the results by what the pipe and `cat`
 *   hold, and --resume would skip inputs whose results were lost. So when rows wait on the
 *   writes (`acknowledge`: --joblog), the relay is prun's own (stdout-relay.ts), which says
 *   what reached the file or the socket; it costs a Node start (about 120 ms of CPU here,
 *   against 2 ms for `cat`). stdout and stderr one socket need no relay (throughStderr).
 * Then fd 1 is closed and stderr opened in its place: the lowest free descriptor is 1. With
 * stderr a regular file, what is opened is a pipe to a relay that writes through fd 2 itself
 * (stderr-file-relay.ts); otherwise /dev/fd/2. Doing this before any other thread exists is
 * what makes "lowest free" ours.
 */
export async function takeStdout(acknowledge: boolean): Promise<void> {
  const stdout = fdStats(1);
  noteStdout(stdout);
  const results = reopenStdout(stdout) ?? throughStderr(stdout) ?? (await relayStdout(acknowledge, stdout));
  // without a descriptor of their own (no `cat`), results stay on fd 1, shared as before
  if (!results) return;
  const relay = isRegularFile(2) ? await startStderrRelay() : undefined;
  closeSync(1);
  const stderrRelay = relay?.openAsFd1();
  if (stderrRelay) setStderrRelay(stderrRelay);
  else {
    const fd = openStderrAgain();
    if (fd !== 1) throw new Error(`prun: fd 1 was taken while pointing it at stderr (got ${fd})`);
    appendToStderrFile(stdout);
  }
  setResultsOut(results);
}

/**
 * Without the relay of stderr-file-relay.ts (no `cat`, no /proc), with stderr a regular file
 * (`2> err`), fd 1 is a description of it of its own (see
 * openStderrAgain), with an offset of its own: writes through fd 2 (prun's messages, the
 * user's console.error, a child's stderr), at fd 2's offset, would land over what went
 * through fd 1 (a walk-through lost every fd-1 line so). fd 2 is made to append as well, so
 * every write goes to the end of the file, whichever descriptor it takes. (Node has no
 * fcntl(F_SETFL): fd 2 is opened again, as the lowest free descriptor once closed.) Not when
 * stdout is that file too (`> out 2>&1`): the results' relay writes at the offset it shares
 * with fd 2, and would land over what went to the end past it.
 */
function appendToStderrFile(stdout: Stats): void {
  const flags = constants.O_WRONLY | constants.O_NOCTTY | constants.O_APPEND;
  let spare: number;
  try {
    // fd 0 closed (`<&-`), the lowest free descriptor would be 0, not 2: leave fd 2 as it is
    fdStats(0);
    const stderr = fdStats(2);
    if (!stderr.isFile() || sameFile(stderr, stdout)) return;
    spare = openSync('/dev/fd/2', flags);
  } catch {
    return;
  }
  closeSync(2);
  const fd = openSync(`/dev/fd/${spare}`, flags);
  closeSync(spare);
  if (fd !== 2) throw new Error(`prun: fd 2 was taken while opening stderr again (got ${fd})`);
}

/**
 * Under --procs and `prun exec`, results stay on fd 1; when it is a pipe, prun writes to it
 * through a description of its own all the same, opened through /dev/fd/1, which is also what
 * process.stdout becomes. Node makes a pipe it writes to non-blocking (libuv), and O_NONBLOCK
 * belongs to the open file description, which every writer of the pipe shares: a sibling in the
 * pipeline then failed with EAGAIN once the pipe was full, and lost its output (was: `{ prun
 * map … & cat big; } | consumer`: `cat: write error: Resource temporarily unavailable`;
 * https://github.com/nodejs/node/issues/19838). Our own description is non-blocking alone.
 * To be called before anything asks for process.stdout: an ESM import of `node:process` (execa
 * has one) does, as it copies the module's exports. Instead of takeStdout (--threads), which
 * gives the results a descriptor of their own already.
 */
export function ownStdoutPipe(): void {
  let stdout: Stats;
  try {
    stdout = fdStats(1);
  } catch {
    return; // stdout closed
  }
  const results = stdout.isFIFO() ? reopenStdout(stdout) : undefined;
  if (!results) return;
  setResultsOut(results);
  Object.defineProperty(process, 'stdout', { configurable: true, enumerable: true, get: () => results.stream });
}

/** `stdout`: fd 1's stats, as its caller read them. */
function reopenStdout(stdout: Stats): ResultsOut | undefined {
  const pipe = stdout.isFIFO();
  if (!pipe && !stdout.isCharacterDevice()) return undefined;
  let fd: number;
  try {
    // non-blocking, or opening a pipe whose reader has gone would wait forever (ENXIO instead)
    fd = openSync('/dev/fd/1', constants.O_WRONLY | constants.O_NOCTTY | (pipe ? constants.O_NONBLOCK : 0));
  } catch {
    return undefined; // the relay hands the pipe's fate (SIGPIPE) to `cat`, as to any writer
  }
  const stream = isatty(fd)
    ? new WriteStream(fd)
    : pipe
      ? new Socket({ fd, readable: false, writable: true })
      : fileWriter(fd); // /dev/null and other devices
  return { stream, finish: (code) => flushed(stream, code) };
}

/**
 * stdout and stderr one socket (`2>&1` into a Node parent's pipe, a journal's socket): results
 * go through stderr's own stream, which is where fd 1 leads anyway. A socket cannot be opened
 * again, and a `cat` relay sharing it would fail with EAGAIN, since Node makes the socket's one
 * description non-blocking for prun's stderr (was: exit 74, 2000 results cut at 235, the last
 * one torn). Its writes' callbacks say the kernel took them, as under --procs.
 */
function throughStderr(stdout: Stats): ResultsOut | undefined {
  try {
    if (!stdout.isSocket() || !sameFile(stdout, fdStats(2))) return undefined;
  } catch {
    return undefined; // stderr closed
  }
  return { stream: process.stderr, finish: (code) => flushed(process.stderr, code) };
}

async function relayStdout(acknowledge: boolean, stdout: Stats): Promise<ResultsOut | undefined> {
  const { spawn } = await import('node:child_process');
  // writes are acknowledged when rows wait on them (see takeStdout): in a file, or in a socket
  // (was: a socket's reader that went had rows for 50-80 results still in `cat`, never read)
  const acknowledged = acknowledge && (stdout.isFile() || stdout.isSocket());
  const [command, args] = acknowledged ? [process.execPath, [fileURLToPath(new URL('../cli/stdout-relay.js', import.meta.url))]] : ['cat', []];
  // its own session: the terminal's Ctrl-C reaches prun, which still prints running inputs'
  // results; the relay ends when it reads EOF, i.e. when prun has ended or died
  // its stderr is prun's to read: why it could not write is said in prun's words
  const relay = spawn(command, args, {
    stdio: ['pipe', 'inherit', 'pipe', ...(acknowledged ? (['pipe'] as const) : [])],
    detached: true,
    // nothing the user preloads into Node (`NODE_OPTIONS=--require …`) may run where fd 1 is the results
    // `cat` says why it could not write in C's words, which prun reads (finish())
    env: acknowledged ? { ...process.env, NODE_OPTIONS: '' } : { ...process.env, LC_ALL: 'C' },
  });
  if (relay.pid === undefined) {
    relay.on('error', () => {}); // no `cat`: results stay on fd 1
    return undefined;
  }
  let said = '';
  relay.stderr!.setEncoding('utf8').on('data', (text: string) => void (said = (said + text).slice(-MAX_RELAY_ERROR)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    relay.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // its streams too: its last count is read
  const closed = new Promise<void>((resolve) => relay.once('close', () => resolve()));
  // a write after the relay died fails with EPIPE; its exit status says why it died
  relay.stdin!.on('error', () => {});
  let stopped = false;
  const stream = acknowledged ? new AcknowledgedWrites(relay.stdin!, relay.stdio[3] as Readable) : relay.stdin!;
  return {
    stream,
    relayPid: relay.pid,
    abandon: acknowledged
      ? () => {
          stopped = true;
          return stopRelay(relay, closed);
        }
      : undefined,
    async finish(code) {
      stream.end();
      const exit = await exited;
      // it went because prun told it to: what got out is counted already
      if (stopped) return code;
      // `cat` dies of SIGPIPE; prun's own relay, which Node keeps from it, exits 141 (stdout-relay.ts)
      if (exit.signal === 'SIGPIPE' || exit.code === EXIT.brokenPipe) return EXIT.brokenPipe;
      // told to end by the hand that told prun (`systemctl stop` signals every process of the
      // unit): no failure to write, and prun's own status (was: exit 74, "cannot write results:
      // the relay of stdout failed", after the summary of a SIGTERM; a regression hunt)
      if (code > 128 && code !== EXIT.brokenPipe && (exit.signal !== null || (exit.code ?? 0) > 128)) return code;
      // a socket's reader that closed it with data unread fails the next write with ECONNRESET,
      // not EPIPE (readerGone()): `cat` says so and exits 1 (was: exit 74, "connection reset by peer")
      if (said.trimEnd().endsWith(': Connection reset by peer')) return EXIT.brokenPipe;
      // the relay said why it could not write (`cat: write error: No space left on device`):
      // the results are incomplete, and the line is prun's, as for a stdout prun writes itself
      if (exit.code !== 0) {
        // the joblog has rows only for results whose whole write reached the file: the
        // results of a write the disk cut short printed in part, some of them whole, with no row
        const rowless = acknowledge ? rowlessResults("the joblog's") : '';
        process.stderr.write(`prun: cannot write results: ${relayCause(said)}${rowless}\n`);
        return EXIT.ioError;
      }
      return code;
    },
  };
}

/**
 * Stops prun's own relay, which then says what got out (stdout-relay.ts), and resolves once
 * prun has read that: `closed`, its streams are. One waiting on its reader hears no signal: it
 * is killed, as its counts allow (stdout-relay.ts). One gone already is only waited for.
 */
function stopRelay(relay: ChildProcess, closed: Promise<void>): Promise<void> {
  relay.kill('SIGTERM');
  const stubborn = setTimeout(() => relay.kill('SIGKILL'), RELAY_STOP_MS);
  return closed.finally(() => clearTimeout(stubborn));
}

/** How long the relay of stdout gets to go once told to stop, unless it waits on its reader. */
const RELAY_STOP_MS = 250;

/** What is kept of what the relay says on stderr: its last words are its cause. */
const MAX_RELAY_ERROR = 1024;

/** `cat: write error: No space left on device` as prun says a cause: `no space left on device`. */
function relayCause(said: string): string {
  const last = said.trim().split('\n').at(-1) ?? '';
  const at = last.lastIndexOf(': ');
  const cause = (at < 0 ? last : last.slice(at + 2)).trim();
  return cause === '' ? 'the relay of stdout failed' : cause.charAt(0).toLowerCase() + cause.slice(1);
}

/**
 * Opens stderr again, as the lowest free descriptor (fd 1, once closed). A pipe or terminal is
 * exact; a regular file gets O_APPEND, so that what user code writes to fd 1 never lands over
 * what was written before it (and fd 2 is made to append too: appendToStderrFile); a socket
 * cannot be opened: /dev/null.
 */
function openStderrAgain(): number {
  const stat = fdStats(2);
  const flags = constants.O_WRONLY | constants.O_NOCTTY;
  try {
    if (stat.isFile()) return openSync('/dev/fd/2', flags | constants.O_APPEND);
    if (stat.isFIFO()) {
      // a blocking open of a pipe with no reader would wait forever; a non-blocking descriptor
      // would make the user's fs.writeSync(1) fail with EAGAIN on a full pipe
      closeSync(openSync('/dev/fd/2', flags | constants.O_NONBLOCK));
    }
    return openSync('/dev/fd/2', flags);
  } catch {
    return openSync('/dev/null', constants.O_WRONLY);
  }
}
