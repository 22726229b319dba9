import { type Readable, Writable } from 'node:stream';

type Callback = (error?: Error | null) => void;

/**
 * A stream into the relay of stdout that says what it wrote (stdout-relay.ts). Writes go into
 * the pipe to the relay as into any pipe, with the same backpressure, but each is called back
 * only once the relay says its bytes are in the file: writeResults logs a joblog row after
 * the writes before it have called back, so a row is never ahead of its result on a full disk.
 * Many writes are in flight at once: sending the next batch only after the last one's word
 * made `--threads --joblog` on 1e6 trivial inputs 1.2-1.35x as slow as with `cat`, against
 * about 1.16x this way (the rows wait longer, and the main thread collects more garbage).
 */
export class AcknowledgedWrites extends Writable {
  /** Bytes given to write(), in order; a write is confirmed when the relay's count reaches its end. */
  #given = 0;
  #acknowledged = 0;
  readonly #waiting: { end: number; callback: Callback }[] = [];
  /** The relay's stdin. */
  readonly #toRelay: Writable;

  constructor(toRelay: Writable, acks: Readable) {
    // not destroyed at 'finish': writes sent before the end may still wait for their word
    super({ autoDestroy: false });
    this.#toRelay = toRelay;
    let partial = '';
    acks.setEncoding('latin1');
    acks.on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      if (lines.length > 0) this.#acknowledged = Number(lines.at(-1));
      this.#settle();
    });
    // the relay ended (it could not write: a full disk, a reader gone) before it confirmed all:
    // what it did not confirm fails as a write into a closed pipe does, and the relay's exit says
    // why. Only once its words are all read: a write into its stdin fails as soon as it has
    // gone, before its last words are read (was: results the reader got, confirmed, had no row)
    let failed: Error | undefined;
    acks.on('close', () => {
      if (!this.writableFinished || this.#waiting.length > 0) this.destroy(failed ?? relayGone());
    });
    toRelay.on('error', (error) => {
      failed = error;
      if (acks.destroyed) this.destroy(error);
    });
    // the writer hears of a failure through its callbacks or 'close'; once it stopped
    // listening, the relay's exit status says what happened, not an uncaught 'error'
    this.on('error', () => {});
  }

  /** Bytes given that the relay has not said it wrote: they go down as a slow reader reads (io/write-results.ts). */
  get unconfirmedBytes(): number {
    return this.#given - this.#acknowledged;
  }

  override write(chunk: string | Uint8Array, encoding?: BufferEncoding | Callback, callback?: Callback): boolean {
    const done = typeof encoding === 'function' ? encoding : callback;
    const decoding = typeof encoding === 'string' ? encoding : 'utf8';
    this.#given += typeof chunk === 'string' ? Buffer.byteLength(chunk, decoding) : chunk.length;
    // waits for its word from now, not from when the pipe took it: the relay may read it, say
    // so and go while the pipe is still full to us, with no 'drain' to come (was: such a write
    // failed, and the results the reader got had no row: a flaky CI run)
    const waiting = { end: this.#given, callback: done ?? (() => {}) };
    this.#waiting.push(waiting);
    return super.write(chunk, decoding, (error) => {
      // a write refused (after the end) fails unless its word came; a destroyed stream's are
      // failed by _destroy
      const at = this.#waiting.indexOf(waiting);
      if (error && at !== -1) this.#waiting.splice(at, 1)[0]!.callback(error);
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: Callback): void {
    if (this.#toRelay.write(chunk)) callback();
    else this.#toRelay.once('drain', () => callback());
  }

  override _final(callback: Callback): void {
    this.#toRelay.end();
    callback();
  }

  override _destroy(error: Error | null, callback: Callback): void {
    for (const { callback: done } of this.#waiting.splice(0)) done(error ?? relayGone());
    callback(error);
  }

  #settle(): void {
    while (this.#waiting.length > 0 && this.#waiting[0]!.end <= this.#acknowledged) this.#waiting.shift()!.callback();
  }
}

function relayGone(): NodeJS.ErrnoException {
  return Object.assign(new Error('the relay of stdout ended'), { code: 'EPIPE' });
}
