/**
 * How prun hands its writes to the relay of stdout (stdout-relay.ts): each write is a frame, its
 * length (4 bytes, big-endian) then its bytes, so that the relay writes a write whole and says
 * its count at the end of one. Without frames the relay wrote what it read, 64 KiB at a time,
 * whatever prun's writes were: a reader that left after a read that ended inside a write had the
 * whole results before the cut, with no joblog row, since prun confirms a write only whole
 * (was: 3 runs in 20 of 10 kB results, a regression hunt; --resume ran them again).
 */

const LENGTH_BYTES = 4;

/** The header of a frame of `length` bytes, written before them. */
export function frameHeader(length: number): Buffer {
  const header = Buffer.allocUnsafe(LENGTH_BYTES);
  header.writeUInt32BE(length);
  return header;
}

/** The whole frames of a stream read in chunks of any size, their bytes only. */
export class FrameReader {
  #held: Buffer[] = [];
  #heldBytes = 0;

  /** The frames that `chunk` completes, in order; a frame's bytes wait until all have come. */
  push(chunk: Buffer): Buffer[] {
    this.#held.push(chunk);
    this.#heldBytes += chunk.length;
    const frames: Buffer[] = [];
    while (this.#heldBytes >= LENGTH_BYTES) {
      const head = this.#take(LENGTH_BYTES, false);
      const length = head.readUInt32BE(0);
      if (this.#heldBytes < LENGTH_BYTES + length) break;
      this.#take(LENGTH_BYTES, true);
      frames.push(this.#take(length, true));
    }
    return frames;
  }

  /** The first `count` bytes held, consumed or not; held chunks are joined only when the first is short. */
  #take(count: number, consume: boolean): Buffer {
    if (count === 0) return Buffer.alloc(0);
    if (this.#held[0]!.length < count) this.#held = [Buffer.concat(this.#held)];
    const first = this.#held[0]!;
    const bytes = first.subarray(0, count);
    if (consume) {
      if (first.length === count) this.#held.shift();
      else this.#held[0] = first.subarray(count);
      this.#heldBytes -= count;
    }
    return bytes;
  }
}
