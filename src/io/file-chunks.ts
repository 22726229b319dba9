import { read } from 'node:fs';
import { promisify } from 'node:util';
import type { OutputFile } from '../model/delivery.js';

const readAt = promisify(read);

/** Read at a time: big enough that a system call is little of the cost, small beside the window. */
const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/**
 * The bytes of an output file, from its start to its `bytes`, a chunk at a time; with a tag,
 * every line starts with it, the last one too when it has no newline (as tagLines() does).
 * Not past `bytes`: what a job's leftover background process wrote after the job ended is
 * not the job's output.
 */
export async function* fileChunks(file: OutputFile): AsyncGenerator<Buffer> {
  const tag = file.tag === undefined ? undefined : Buffer.from(file.tag, 'latin1');
  let atLineStart = true;
  for (let position = 0; position < file.bytes; ) {
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, file.bytes - position));
    const { bytesRead } = await readAt(file.fd, buffer, 0, buffer.length, position);
    if (bytesRead === 0) return; // shorter than it was: never more than the job wrote
    position += bytesRead;
    const chunk = buffer.subarray(0, bytesRead);
    if (!tag) {
      yield chunk;
      continue;
    }
    yield tagChunk(chunk, tag, atLineStart);
    atLineStart = chunk[chunk.length - 1] === NEWLINE;
  }
}

/** A chunk with `tag` at the start of each of its lines, the first only if a line starts there. */
function tagChunk(chunk: Buffer, tag: Buffer, atLineStart: boolean): Buffer {
  const pieces: Buffer[] = [];
  let start = 0;
  if (atLineStart) pieces.push(tag);
  for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
    pieces.push(chunk.subarray(start, newline + 1));
    start = newline + 1;
    if (start < chunk.length) pieces.push(tag);
  }
  if (start < chunk.length) pieces.push(chunk.subarray(start));
  return Buffer.concat(pieces);
}
