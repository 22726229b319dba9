/**
 * Passes a worker process's stderr through to ours line by line, but holds back V8's
 * report of a reached heap limit (GC trace, JS stack, native stack): the pool names the
 * failure in one line ("out of memory"), and a stack trace is not for ordinary failures.
 */
export class StderrRelay {
  private partial = '';
  private held: string[] = [];
  private dropping = false;
  /** V8 ran out of heap in this worker. */
  outOfMemory = false;

  constructor(private readonly write: (text: string) => void) {}

  push(chunk: string): void {
    if (this.dropping) return;
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop()!;
    let out = '';
    for (const line of lines) {
      // V8 opens its report with a blank line: hold blank lines until the next says what they were
      const onlyBlanksHeld = this.held.every((held) => held === '');
      if (onlyBlanksHeld && line !== '' && !V8_REPORT_START.test(line)) {
        out += `${this.release()}${line}\n`;
        continue;
      }
      if (this.held.length > 0 || line === '' || V8_REPORT_START.test(line)) {
        this.held.push(line);
        if (OUT_OF_MEMORY.test(line)) {
          this.outOfMemory = true;
          this.dropping = true;
          this.held = [];
          break;
        }
        if (this.held.length > MAX_HELD) out += this.release();
        continue;
      }
      out += `${line}\n`;
    }
    if (out) this.write(out);
  }

  /** The worker has ended: what is held back was not an out-of-memory report after all. */
  end(): void {
    if (this.dropping) return;
    const rest = this.release() + this.partial;
    this.partial = '';
    if (rest) this.write(rest);
  }

  private release(): string {
    const text = this.held.map((line) => `${line}\n`).join('');
    this.held = [];
    return text;
  }
}

const V8_REPORT_START = /^<--- Last few GCs --->|^FATAL ERROR:/;
const OUT_OF_MEMORY = /JavaScript heap out of memory|Reached heap limit/;
/** V8's report before the fatal line is a few dozen lines; more than this is the user's output. */
const MAX_HELD = 200;
