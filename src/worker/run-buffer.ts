import { type Failure, unwritableResult } from '../model/failure.js';
import { inputName } from '../model/payload.js';
import type { ResultFormat } from '../runtime/protocol.js';
import type { ItemFailure, Run } from '../model/run.js';
import { formatResult } from './format-result.js';

/**
 * What a lane has settled since its last report: formatted lines (or values), failures and
 * durations. Lines are kept in an array and joined once per report: one string for the
 * whole report instead of a string per result.
 */
export class RunBuffer {
  private lines: string[] = [];
  private chars = 0;
  private values: unknown[] = [];
  private valueOffsets: number[] = [];
  private valueInputs: unknown[] = [];
  // `at` counts lines (or values) until the report, where it becomes a character offset
  private failures: ItemFailure[] = [];
  private durations: number[] = [];
  // the offsets and inputs of the values of the report last taken
  private lastOffsets: number[] = [];
  private lastInputs: unknown[] = [];
  count = 0;

  constructor(
    private readonly format: ResultFormat,
    private readonly timings: boolean,
  ) {}

  /** Characters of output held: a report is due once there are many. */
  get size(): number {
    return this.chars;
  }

  succeed(offset: number, index: number, input: unknown, result: unknown): void {
    if (this.format === 'values') {
      this.values.push(result);
      this.valueOffsets.push(offset);
      this.valueInputs.push(input);
    } else {
      let line: string | undefined;
      try {
        line = formatResult(this.format, index, input, result);
      } catch (error) {
        this.fail(offset, input, unwritableResult((error as Error).message));
        return;
      }
      if (line !== undefined) {
        this.lines.push(line);
        this.chars += line.length + 1;
      }
    }
    this.count++;
  }

  fail(offset: number, input: unknown, failure: Failure): void {
    const at = this.format === 'values' ? this.values.length : this.lines.length;
    this.failures.push({ offset, at, input: inputName(input), error: failure });
    this.count++;
  }

  duration(ms: number): void {
    if (this.timings) this.durations.push(ms);
  }

  /** The report, and an empty buffer for the next one. */
  take(): Run {
    const lines = this.lines;
    const run: Run = {
      count: this.count,
      text: lines.length === 0 ? '' : `${lines.join('\n')}\n`,
      values: this.format === 'values' ? this.values : undefined,
      failures: this.format === 'values' ? this.failures : this.failures.map((failure) => ({ ...failure, at: offsetOfLine(lines, failure.at) })),
      durationsMs: this.timings ? this.durations : undefined,
    };
    this.lastOffsets = this.valueOffsets;
    this.lastInputs = this.valueInputs;
    this.lines = [];
    this.chars = 0;
    this.values = [];
    this.valueOffsets = [];
    this.valueInputs = [];
    this.failures = [];
    this.durations = [];
    this.count = 0;
    return run;
  }

  /**
   * Values that cannot cross the boundary (functions, symbols) make a whole report fail to
   * send: what turns the report just taken into one with those values as failures instead.
   * Undefined unless results are values: text always crosses.
   */
  repairOfLast(): ((run: Run) => Run) | undefined {
    if (this.format !== 'values') return undefined;
    const offsets = this.lastOffsets;
    const inputs = this.lastInputs;
    return (run) => withoutUncloneable(run, offsets, inputs);
  }
}

function withoutUncloneable(run: Run, offsets: readonly number[], inputs: readonly unknown[]): Run {
  const values: unknown[] = [];
  const failures: ItemFailure[] = [...run.failures];
  run.values!.forEach((value, position) => {
    try {
      structuredClone(value);
      values.push(value);
    } catch (error) {
      const reason = unwritableResult(`result cannot be sent back: ${(error as Error).message}`);
      failures.push({ offset: offsets[position]!, at: values.length, input: inputName(inputs[position]), error: reason });
    }
  });
  failures.sort((a, b) => a.offset - b.offset);
  return { ...run, values, failures };
}

function offsetOfLine(lines: readonly string[], line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset += lines[i]!.length + 1;
  return offset;
}
