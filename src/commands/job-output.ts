import { closeSync, openSync, readSync, type Stats, unlinkSync } from 'node:fs';
import { fdStats, pathStats } from '../system/sync-stat.js';
import type { OutputFile } from '../model/delivery.js';

/**
 * Told of the room a job file gave back on its disk, in bytes, just after it did: a job whose
 * write failed on a full disk must not be judged on the room given back after (OutputRoom.given).
 */
export type OnFreed = (bytes: number) => void;

/**
 * Output bigger than this stays in its file and is streamed to stdout in its turn; smaller
 * output is read into a string, which costs less than keeping a file open for each.
 */
export const BIG_OUTPUT_BYTES = 1 << 20;
/** Stderr is passed on a piece at a time, so that a job's huge stderr is never whole in memory. */
const STDERR_PIECE_BYTES = 1 << 20;

/**
 * Takes a job's stdout file: its name is removed at once, so that nothing that job left
 * running can write into output that is read later, and the file is freed when done with.
 * The output comes as a byte string (latin1: one character a byte), since a command's output
 * need not be UTF-8 (gzip -c, images) and reaches prun's stdout byte for byte; or, when big,
 * as the open file, `onClosing` told as it is closed, before what it holds is freed. `tag`
 * begins each of its lines (--tag). `onFreed` hears of the room given back once it is closed.
 */
export function takeOutput(path: string, notEmpty: boolean, tag: string | undefined, onClosing: (file: OutputFile) => void, onFreed: OnFreed): string | OutputFile {
  if (!notEmpty) {
    removeFile(path, onFreed);
    return '';
  }
  const fd = openSync(path, 'r');
  unlinkSync(path);
  const stats = fdStats(fd);
  const bytes = stats.size;
  if (bytes > BIG_OUTPUT_BYTES) return openOutputFile(fd, bytes, tag, onClosing, () => onFreed(allocatedBytes(stats)));
  try {
    const text = readText(fd, 0, bytes);
    return tag === undefined ? text : tagLines(text, tag);
  } finally {
    closeSync(fd);
    onFreed(allocatedBytes(stats));
  }
}

/**
 * Takes a job's stderr file (as takeOutput() does), handing it on in byte strings; `tag`
 * begins each of its lines, as GNU parallel's --tag tags stderr too.
 */
export function takeStderr(path: string, notEmpty: boolean, tag: string | undefined, onText: (text: string) => void, onFreed: OnFreed): void {
  if (!notEmpty) {
    removeFile(path, onFreed);
    return;
  }
  const fd = openSync(path, 'r');
  unlinkSync(path);
  const stats = fdStats(fd);
  try {
    const bytes = stats.size;
    let atLineStart = true;
    for (let position = 0; position < bytes; position += STDERR_PIECE_BYTES) {
      const text = readText(fd, position, Math.min(STDERR_PIECE_BYTES, bytes - position));
      if (!text) continue;
      onText(tag === undefined ? text : tagLines(text, tag, atLineStart));
      atLineStart = text.endsWith('\n');
    }
  } finally {
    closeSync(fd);
    onFreed(allocatedBytes(stats));
  }
}

/** Whether a job file exists and is not empty (a lane ended mid-job says nothing of its files). */
export function hasOutput(path: string): boolean {
  return outputBytes(path) > 0;
}

/** The size of a job file, 0 when there is none. */
export function outputBytes(path: string): number {
  return pathStats(path, { throwIfNoEntry: false })?.size ?? 0;
}

/** Removes a job file that may not exist (the job was skipped, or its lane died). */
export function removeFile(path: string, onFreed: OnFreed): void {
  const stats = pathStats(path, { throwIfNoEntry: false });
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (stats) onFreed(allocatedBytes(stats));
}

/** The room a file takes on its disk: its blocks, which may be more than its size (or less). */
function allocatedBytes(stats: Stats): number {
  return stats.blocks * 512;
}

/**
 * GNU parallel's --tag: every line, the last one too when it has no newline, starts with `tag`;
 * the first only when `atLineStart` (false: `text` goes on a line begun before it).
 */
export function tagLines(text: string, tag: string, atLineStart = true): string {
  if (text === '') return '';
  const end = text.endsWith('\n') ? text.length - 1 : text.length;
  return (atLineStart ? tag : '') + text.slice(0, end).replaceAll('\n', `\n${tag}`) + text.slice(end);
}

function readText(fd: number, position: number, length: number): string {
  const buffer = Buffer.allocUnsafe(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, buffer, read, length - read, position + read);
    if (n === 0) break;
    read += n;
  }
  return buffer.toString('latin1', 0, read);
}

function openOutputFile(fd: number, bytes: number, tag: string | undefined, onClosing: (file: OutputFile) => void, onClosed: () => void): OutputFile {
  let open = true;
  const file: OutputFile = {
    fd,
    bytes,
    tag,
    close() {
      if (!open) return;
      open = false;
      onClosing(file);
      closeSync(fd);
      onClosed();
    },
  };
  return file;
}
