import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { InputSource } from './input-source.js';
import { GrowingBuffer } from './growing-buffer.js';
import { itemSource } from './item-source.js';
import { scratchWriteError } from './scratch-dir.js';
import { writeNewFileOrNone } from './write-file-whole.js';
import { byteRegExp } from '../model/byte-pattern.js';
import { NEWLINE } from '../model/payload.js';

/** How GNU parallel's --pipe cuts its input into blocks. */
export interface PipeOptions {
  /** --block: about this many bytes a block (whole records: more when one record is bigger). */
  blockSize: number;
  /** --recend: what ends a record (default a newline); '' with --recstart: records only start. */
  recend: string;
  /** --recstart: what starts a record. */
  recstart: string;
  /** -N: exactly this many records a block, whatever their size. */
  records?: number | undefined;
  /** -L: lines a record. */
  linesPerRecord?: number | undefined;
  /**
   * --header: what starts the input and is given again at the start of every block: a number
   * of lines, `:` for one, else a regular expression matched at the input's start (`.{4}`).
   */
  header?: string | undefined;
  /** --rrs: each record of a block without its --recstart and --recend. */
  removeSeparators?: boolean;
  /** -r: lines of blanks only (spaces, tabs) are left out of the blocks, as GNU parallel's -r --pipe does. */
  skipBlank?: boolean;
}

/**
 * --pipe: stdin cut into blocks at record boundaries, each written to a file of its own in
 * `dir`; the inputs are the files' names (`block-0`, ...: the joblog's and the failure lines'
 * too, where a path would change from run to run), and each job reads its file as its stdin. Memory
 * stays at about one block, whatever the size of the input; the files wait only while their
 * jobs do (the pipeline takes inputs as lanes free up), and a job removes its own after its last try.
 */
export function pipeBlocks(stream: Readable, dir: string, options: PipeOptions): InputSource {
  const unblocked = { bytes: 0 };
  const source = itemSource(blockNames(stream, dir, options, unblocked));
  let closed = false;
  let endPendingTake: (() => void) | undefined;
  return {
    ...source,
    // a stop while the writer of stdin is still there leaves the records read since the last
    // block unrun: a block that never ran (was: not counted, '0 of 0 inputs failed, 0 never ran')
    heldInputs: () => (unblocked.bytes > 0 ? 1 : 0),
    // close() ends a pending take at once, as the line source does, without waiting for the
    // writer of stdin (was: Ctrl-C on --pipe waited until a quiet writer closed the pipe);
    // the stream then fails that read, which is no error
    take: (max, maxBytes) =>
      closed
        ? Promise.resolve(null)
        : new Promise<Awaited<ReturnType<InputSource['take']>>>((resolve, reject) => {
            endPendingTake = () => resolve(null);
            source.take(max, maxBytes).then(resolve, (error: unknown) => (closed ? resolve(null) : reject(error)));
          }).finally(() => (endPendingTake = undefined)),
    close() {
      if (closed) return;
      closed = true;
      endPendingTake?.();
      source.close();
      stream.destroy();
    },
  };
}

async function* blockNames(stream: Readable, dir: string, options: PipeOptions, unblocked: Unblocked): AsyncGenerator<string> {
  let n = 0;
  const write = (block: Buffer): string => {
    const name = `block-${n++}`;
    const path = join(dir, name);
    try {
      // a block cut short is never run: its input would be wrong, and silently
      writeNewFileOrNone(path, block);
    } catch (error) {
      // was: a bare "ENOSPC: no space left on device, write", exit 2, no folder named
      throw scratchWriteError('write a --pipe block', dir, error as NodeJS.ErrnoException);
    }
    return name;
  };
  for await (const block of blocks(stream, options, unblocked)) yield write(block);
}

/** Bytes of the input read and not yet in a block: records of a block to come. */
export interface Unblocked {
  bytes: number;
}

/** What a read of stdin brings at most (a pipe's chunk): a block's buffer holds a block and one. */
const READ_BYTES = 1 << 16;

/** With neither a record end nor a record start, records are fixed-length: blocks of exactly --block bytes. */
export function fixedLength(options: Pick<PipeOptions, 'recend' | 'recstart'>): boolean {
  return options.recend === '' && options.recstart === '';
}

/** The blocks of a stream, as GNU parallel --pipe cuts them; `unblocked` counts what waits for its block. */
export async function* blocks(stream: Readable, options: PipeOptions, unblocked: Unblocked = { bytes: 0 }): AsyncGenerator<Buffer> {
  let chunks = stream as AsyncIterable<Buffer>;
  let header: Buffer | undefined;
  if (options.header !== undefined) ({ header, chunks } = await takeHeader(chunks, options.header, options.blockSize));
  // after the header, which GNU parallel takes as it comes, blank or not
  if (options.skipBlank) chunks = withoutBlankLines(chunks);
  const fixed = fixedLength(options);
  const simple = options.records === undefined && options.linesPerRecord === undefined && options.recstart === '' && options.recend !== '';
  const cut = fixed ? byFixedSize : simple ? bySize : byRecords;
  const recend = Buffer.from(options.recend, 'latin1');
  const recstart = Buffer.from(options.recstart, 'latin1');
  for await (const cutBlock of cut(counted(chunks, unblocked), options)) {
    unblocked.bytes -= cutBlock.length;
    const block = options.removeSeparators && !fixed ? withoutSeparators(cutBlock, recend, recstart) : cutBlock;
    yield header && header.length > 0 ? Buffer.concat([header, block]) : block;
  }
}

/**
 * --rrs: the block's records, each without the --recstart it starts with and the --recend it
 * ends with, as GNU parallel gives them (`-N2 --rrs` of `a\nb\n` is `ab`).
 */
function withoutSeparators(block: Buffer, recend: Buffer, recstart: Buffer): Buffer {
  const records: Buffer[] = [];
  let start = 0;
  for (let at = nextBoundary(block, 0, recend, recstart); at >= 0; at = nextBoundary(block, at, recend, recstart)) {
    records.push(bare(block.subarray(start, at), recend, recstart));
    start = at;
  }
  records.push(bare(block.subarray(start), recend, recstart, true));
  return Buffer.concat(records);
}

/**
 * A record without its --recstart and --recend. The block's last one loses a --recend before
 * a final newline too, the newline kept, as GNU parallel's Perl `s/$recend$//` does (was:
 * `<doc>two</doc>\n` kept its `</doc>`: a review).
 */
function bare(record: Buffer, recend: Buffer, recstart: Buffer, last = false): Buffer {
  const from = recstart.length > 0 && record.subarray(0, recstart.length).equals(recstart) ? recstart.length : 0;
  const endsAt = (end: number) => recend.length > 0 && end - from >= recend.length && record.subarray(end - recend.length, end).equals(recend);
  const beforeNewline = last && record.length > 0 && record[record.length - 1] === NEWLINE && endsAt(record.length - 1);
  if (beforeNewline) return Buffer.concat([record.subarray(from, record.length - 1 - recend.length), record.subarray(record.length - 1)]);
  return record.subarray(from, endsAt(record.length) ? record.length - recend.length : record.length);
}

async function* counted(chunks: AsyncIterable<Buffer>, unblocked: Unblocked): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    unblocked.bytes += chunk.length;
    yield chunk;
  }
}

/** What a regular expression header is matched against at most, when --block is smaller. */
const HEADER_READ_BYTES = 1 << 16;

/**
 * The header at the start of the input, and the rest of the input. Read ahead of the blocks,
 * a block's worth (64 KiB when a block is smaller) at most, or up to its lines for a number of
 * them: memory stays about a block.
 */
async function takeHeader(chunks: AsyncIterable<Buffer>, rule: string, blockSize: number): Promise<{ header: Buffer; chunks: AsyncIterable<Buffer> }> {
  const lines = rule === ':' ? 1 : /^\d+$/.test(rule) ? Number(rule) : undefined;
  const iterator = chunks[Symbol.asyncIterator]();
  const most = Math.max(blockSize, HEADER_READ_BYTES);
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  while (!done && head.length < most && !(lines !== undefined && lineEnd(head, lines) >= 0)) {
    const next = await iterator.next();
    if (next.done) done = true;
    else head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  let size: number;
  if (lines !== undefined) {
    const end = lineEnd(head, lines);
    size = end < 0 ? head.length : end;
  } else {
    size = byteRegExp(`^(?:${rule})`).exec(head.toString('latin1'))?.[0].length ?? 0;
  }
  const rest = head.subarray(size);
  async function* restOf(): AsyncGenerator<Buffer> {
    if (rest.length > 0) yield rest;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { header: Buffer.from(head.subarray(0, size)), chunks: restOf() };
}

/** Where the `lines`-th line of `data` ends (past its newline); -1 if it has fewer. */
function lineEnd(data: Buffer, lines: number): number {
  let at = 0;
  for (let line = 0; line < lines; line++) {
    const found = data.indexOf(10, at);
    if (found < 0) return -1;
    at = found + 1;
  }
  return at;
}

/** --recend '' --recstart '': fixed-length records, blocks of exactly --block bytes (the last shorter). */
async function* byFixedSize(chunks: AsyncIterable<Buffer>, options: PipeOptions): AsyncGenerator<Buffer> {
  const size = Math.max(1, options.blockSize);
  const pending = new GrowingBuffer(size + READ_BYTES);
  for await (const chunk of chunks) {
    pending.append(chunk);
    while (pending.length >= size) yield pending.takeView(size);
  }
  if (pending.length > 0) yield pending.takeView(pending.length);
}

/** Records ending in --recend, as many as fit in --block: found from the block's end back. */
async function* bySize(chunks: AsyncIterable<Buffer>, options: PipeOptions): AsyncGenerator<Buffer> {
  const recend = Buffer.from(options.recend, 'latin1');
  const size = options.blockSize;
  const pending = new GrowingBuffer(size + READ_BYTES);
  let searched = 0; // no record end before this in a pending block bigger than --block
  for await (const chunk of chunks) {
    pending.append(chunk);
    while (pending.length >= size) {
      const data = pending.view();
      // the last record end that fits; none when --block is shorter than --recend (a negative
      // offset would count from the buffer's end: was, all of the input in one block), and
      // not looked for again in a record already found bigger than a block
      const last = size - recend.length;
      let end = last < 0 || searched > last ? -1 : data.lastIndexOf(recend, last);
      if (end < 0) {
        // one record bigger than a block: all of it
        end = data.indexOf(recend, Math.max(searched, last + 1));
        if (end < 0) {
          searched = Math.max(0, data.length - recend.length + 1);
          break;
        }
      }
      yield pending.takeView(end + recend.length);
      searched = 0;
    }
  }
  if (pending.length > 0) yield pending.takeView(pending.length);
}

/** -N, -L, --recstart: record by record. */
async function* byRecords(chunks: AsyncIterable<Buffer>, options: PipeOptions): AsyncGenerator<Buffer> {
  const recend = Buffer.from(options.recend, 'latin1');
  const recstart = Buffer.from(options.recstart, 'latin1');
  const lines = options.linesPerRecord ?? 1;
  const pending = new GrowingBuffer();
  let searched = 0;
  let lineEnds = 0; // since the last record end
  let ends: number[] = [];
  const cut = (at: number): Buffer => {
    searched -= at;
    ends = ends.filter((end) => end > at).map((end) => end - at);
    return pending.takeView(at);
  };
  for await (const chunk of chunks) {
    pending.append(chunk);
    const data = pending.view();
    for (let at = nextBoundary(data, searched, recend, recstart); at >= 0; at = nextBoundary(data, searched, recend, recstart)) {
      searched = at;
      if (++lineEnds === lines) {
        ends.push(at);
        lineEnds = 0;
      }
    }
    for (let at = blockEnd(ends, pending.length, options, recstart.length); at !== undefined; at = blockEnd(ends, pending.length, options, recstart.length)) yield cut(at);
  }
  // a record marked by its start is whole at the end of the input, as GNU parallel reads it
  // (was: a record short of -L's lines, on its own: -L 1 cut the last off, `5 1` for `6`)
  if (recstart.length > 0 && pending.length > 0 && ++lineEnds === lines) ends.push(pending.length);
  // the end: whole blocks, then (with -L, a last record short of its lines on its own) the rest
  for (let at = blockEnd(ends, Number.POSITIVE_INFINITY, options, recstart.length); at !== undefined && at < pending.length; at = blockEnd(ends, Number.POSITIVE_INFINITY, options, recstart.length)) {
    yield cut(at);
  }
  if (pending.length > 0) yield pending.takeView(pending.length);
}

/**
 * Where the next block ends in what is pending, if it can be known yet. A record boundary
 * counts for a block only with the --recstart after it inside the block too, as GNU parallel
 * finds it in what it read (was: a block of records that filled --block exactly, where GNU
 * parallel's ended a record sooner).
 */
function blockEnd(ends: readonly number[], length: number, options: PipeOptions, recstartLength: number): number | undefined {
  if (options.records !== undefined) return ends[options.records - 1];
  if (length < options.blockSize) return undefined;
  // as many whole records as fit in a block; one at least
  let best: number | undefined;
  for (const end of ends) {
    if (end + recstartLength > options.blockSize) return best ?? end;
    best = end;
  }
  return length === Number.POSITIVE_INFINITY ? best : undefined;
}

/** The next record boundary after `from` (past the recend; before the recstart), -1 if none yet. */
function nextBoundary(data: Buffer, from: number, recend: Buffer, recstart: Buffer): number {
  let at = from;
  for (;;) {
    if (recend.length > 0) {
      const found = data.indexOf(recend, at);
      if (found < 0) return -1;
      const end = found + recend.length;
      if (recstart.length === 0) return end;
      if (end + recstart.length > data.length) return -1;
      if (data.subarray(end, end + recstart.length).equals(recstart)) return end;
      at = found + 1;
    } else {
      // records marked only by their start: a boundary before each start but the first
      const found = data.indexOf(recstart, Math.max(at, 1));
      if (found < 0) return -1;
      if (found > from) return found;
      at = found + 1;
    }
  }
}

/**
 * -r: the stream without its lines of blanks (what Perl's \s matches), before it is cut, so
 * that -N counts the other lines, as GNU parallel's -r --pipe does, whatever --recend says
 * (was: -r did nothing under --pipe, and a block of blank lines ran; a review of issue 13).
 * Only lines that end: a last one of blanks without its newline is kept, as GNU parallel keeps
 * it. Streamed: a line goes on as soon as it shows something not blank, so that a stream with
 * few newlines (--recend ';') is neither held nor copied again and again; only the blanks that
 * begin a line wait, until the line shows what it is.
 */
async function* withoutBlankLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  // the blanks that begin the current line; whether the line has shown something else
  let blanks: Buffer[] = [];
  let shown = false;
  for await (const chunk of chunks) {
    const kept: Buffer[] = [];
    for (let from = 0; from < chunk.length; ) {
      const newline = chunk.indexOf(NEWLINE, from);
      const to = newline === -1 ? chunk.length : newline + 1;
      const piece = chunk.subarray(from, to);
      if (shown) kept.push(piece);
      else if (!isBlank(chunk, from, newline === -1 ? to : newline)) {
        kept.push(...blanks, piece);
        blanks = [];
        shown = true;
      } else if (newline === -1) blanks.push(piece);
      else blanks = []; // a line of blanks, whole: left out
      if (newline !== -1) shown = false;
      from = to;
    }
    if (kept.length > 0) yield kept.length === 1 ? kept[0]! : Buffer.concat(kept);
  }
  if (blanks.length > 0) yield Buffer.concat(blanks);
}

function isBlank(bytes: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const byte = bytes[i]!;
    if (byte !== 32 && (byte < 9 || byte > 13)) return false;
  }
  return true;
}
