import { type Batch, cutBatch, inputsOf } from '../../model/batch.js';
import { type InputNaming, keyedName } from '../../model/payload.js';

export interface AdmissionOptions {
  /**
   * Inputs to leave out, as a journal of an earlier run says (--resume): asked once per
   * input, in the order inputs are taken, with its text and index.
   */
  skip: ((input: string, index: number) => boolean) | undefined;
  /** The key that limits an input's start (--key): each input then runs in a batch of its own. */
  keyOf: ((input: string) => string) | undefined;
  /** How `skip` gets an input's name; `keyOf` gets it as text either way. */
  naming: InputNaming;
}

/**
 * What becomes of a batch taken from the source: the parts of it to run, with the inputs an
 * earlier run finished left out (their indexes kept) and, under --key, each input apart with
 * its key. Without either, the batch passes as it is: the hot path does no work per input.
 */
export class Admission {
  constructor(
    private readonly options: AdmissionOptions,
    /** Inputs left out because an earlier run finished them. */
    private readonly onResumed: (index: number, count: number) => void,
  ) {}

  admit(batch: Batch): Batch[] {
    const { skip, keyOf, naming } = this.options;
    if (!skip && !keyOf) return [batch];
    const inputs = inputsOf(batch, 0, batch.count, naming);
    const parts: Batch[] = [];
    // consecutive inputs kept, or left out, go together
    let runStart = 0;
    let runLeftOut = false;
    const endRun = (end: number): void => {
      if (end === runStart) return;
      if (runLeftOut) this.onResumed(batch.first + runStart, end - runStart);
      else if (!keyOf) parts.push(end - runStart === batch.count ? batch : cutBatch(batch, runStart, end));
      runStart = end;
    };
    for (let offset = 0; offset < batch.count; offset++) {
      const input = inputs[offset]!;
      const leftOut = skip?.(input, batch.first + offset) ?? false;
      if (leftOut !== runLeftOut) {
        endRun(offset);
        runLeftOut = leftOut;
      }
      if (!leftOut && keyOf) parts.push(cutBatch(batch, offset, offset + 1, { key: keyOf(keyedName(input, naming)) }));
    }
    endRun(batch.count);
    return parts;
  }
}
