import type { Batch } from '../model/batch.js';
import type { Executor, ExecutorListener } from '../model/executor.js';
import { PrunError } from '../errors.js';
import { toByteString } from '../model/byte-string.js';
import { jobArgs } from './job-inputs.js';
import { tagLines } from './job-output.js';
import { compileTemplate, type CompiledTemplate, type TemplateOptions } from './template.js';

/**
 * --dry-run: a batch "runs" at once, and what it prints is the commands that would have run,
 * one a line. Going through the pipeline like real work keeps the order, --resume and the
 * input handling exactly those of a real run. `{%}` is 1, as in GNU parallel's dry run,
 * where every job ends at once and the first slot is always free.
 */
export class DryRunExecutor implements Executor {
  readonly capacity = 1;
  readonly ready = Promise.resolve();
  private listener!: ExecutorListener;
  private stopped = false;
  private readonly template: CompiledTemplate;
  private readonly tag: CompiledTemplate | undefined;

  /**
   * `blocks`: --pipe, whose inputs are blocks of stdin: the commands see no input. `tag`: the
   * --tagstring (`{}` for --tag) each command line starts with, and a tab, as GNU parallel's.
   */
  constructor(
    command: string,
    options: TemplateOptions = {},
    private readonly blocks = false,
    tag?: string,
  ) {
    this.template = compileTemplate(toByteString(command), true, options);
    this.tag = tag === undefined ? undefined : compileTemplate(toByteString(tag), false, { ...options, where: '--tagstring' });
  }

  start(listener: ExecutorListener): void {
    this.listener = listener;
  }

  room(): number {
    return this.stopped ? 0 : Number.POSITIVE_INFINITY;
  }

  submit(batch: Batch): void {
    const { text, count, refused } = this.commands(batch);
    if (!refused) {
      this.listener.run(batch, 0, { count, text, values: undefined, failures: [], durationsMs: undefined }, true, 0);
      return;
    }
    // an input too long to make a command of (template.ts): what came before it is printed,
    // and the run stops there, as a real one does
    if (count > 0) this.listener.run(batch, 0, { count, text, values: undefined, failures: [], durationsMs: undefined }, false, 0);
    this.listener.fatal(refused);
  }

  /** The batch's commands, one a line, in bytes as exec's output always is, up to one that cannot be made. */
  private commands(batch: Batch): { text: string; count: number; refused?: PrunError } {
    let text = '';
    let count = 0;
    for (const args of jobArgs(batch.payload, batch.separator)) {
      const which = { args: this.blocks ? [] : args, seq: batch.first + count + 1, slot: 1 };
      try {
        const line = `${this.template.render(which)}\n`;
        text += this.tag === undefined ? line : tagLines(line, `${this.tag.render(which)}\t`);
      } catch (error) {
        if (!(error instanceof PrunError)) throw error;
        return { text, count, refused: error };
      }
      count++;
    }
    return { text, count };
  }

  stop(): void {
    this.stopped = true;
  }

  async close(): Promise<void> {}

  async kill(): Promise<void> {
    this.stopped = true;
  }
}
