import type { OutputFile } from '../model/delivery.js';

/**
 * Bytes of big outputs (files in /dev/shm: memory) not yet written to stdout, past which no
 * more jobs start. The pipeline bounds the output it holds too, but only as it takes in new
 * batches: the jobs of batches that lanes already hold would all run behind a stalled reader.
 */
const HELD_BYTES = 64 * 1024 * 1024;

/** The output files of jobs not closed yet (written to stdout, or dropped), and their inputs. */
export class HeldOutput {
  private readonly files = new Map<OutputFile, number>();
  private bytes = 0;

  /** `released` is told as a file is closed, before what it holds is freed: room is being made. */
  constructor(private readonly released: () => void) {}

  /** Too much is held for another job to start. */
  get full(): boolean {
    return this.bytes >= HELD_BYTES;
  }

  /** The last input whose output is held; -Infinity when none is. */
  get latestInput(): number {
    let latest = Number.NEGATIVE_INFINITY;
    for (const index of this.files.values()) latest = Math.max(latest, index);
    return latest;
  }

  /** For takeOutput(): what to call as a file is closed. */
  readonly onClosing = (file: OutputFile): void => {
    if (!this.files.delete(file)) return;
    this.bytes -= file.bytes;
    this.released();
  };

  add(file: OutputFile, input: number): void {
    this.files.set(file, input);
    this.bytes += file.bytes;
  }
}
