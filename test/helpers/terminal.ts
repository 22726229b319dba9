import { execa, type ResultPromise } from 'execa';
import { shellQuoteArg } from './exec.js';
import { bin, root } from './prun.js';

/**
 * What a terminal shows after the bytes written to it: enough of a VT100 to read prun's
 * progress display (carriage return, line feed, erase in line, cursor left/right/up, column),
 * ignoring the rest of the escapes (colours, cursor visibility).
 */
export function screenOf(bytes: string): string[] {
  const lines: string[][] = [[]];
  let row = 0;
  let column = 0;
  const line = (): string[] => (lines[row] ??= []);
  for (let i = 0; i < bytes.length; i++) {
    const char = bytes[i]!;
    if (char === '\r') column = 0;
    else if (char === '\n') {
      row++;
      line();
    } else if (char === '\x1b') {
      const escape = /^\x1b\[([?\d;]*)([A-Za-z])/.exec(bytes.slice(i, i + 16));
      if (!escape) continue;
      i += escape[0].length - 1;
      const n = Number(escape[1] || 0);
      const current = line();
      switch (escape[2]) {
        case 'K':
          if (n === 2) current.length = 0;
          else if (n === 1) current.fill(' ', 0, column + 1);
          else current.length = Math.min(current.length, column);
          break;
        case 'G':
          column = Math.max(0, n - 1);
          break;
        case 'A':
          row = Math.max(0, row - Math.max(1, n));
          break;
        case 'B':
          row += Math.max(1, n);
          break;
        case 'C':
          column += Math.max(1, n);
          break;
        case 'D':
          column = Math.max(0, column - Math.max(1, n));
          break;
        case 'J':
          lines.length = row + 1;
          current.length = Math.min(current.length, column);
          break;
      }
    } else if (char >= ' ' || char === '\t') {
      const current = line();
      while (current.length < column) current.push(' ');
      current[column++] = char;
    }
  }
  return lines.map((cells) => cells.join('').trimEnd()).filter((text, index, all) => text !== '' || index < all.length - 1);
}

export interface TerminalRun {
  /** What the screen shows now. */
  screen(): string[];
  /** Resolves once the screen shows a line that matches. */
  shows(pattern: RegExp): Promise<void>;
  /** Types on the terminal. */
  type(text: string): void;
  /** Every byte written to the terminal, escapes and all. */
  raw(): string;
  done: ResultPromise;
}

/**
 * Runs the built CLI in a pseudo-terminal of its own (util-linux script(1)), stdin, stdout
 * and stderr all the terminal, unless `shell` puts a pipe in front (`cat FILE | `).
 */
export function prunInTerminal(args: readonly string[], options: { columns?: number; before?: string; env?: Record<string, string> } = {}): TerminalRun {
  const command = `stty cols ${options.columns ?? 100} rows 40 && ${options.before ?? ''}exec ${[process.execPath, bin, ...args].map(shellQuoteArg).join(' ')}`;
  const child = execa('script', ['-qec', command, '/dev/null'], { cwd: root, reject: false, stdin: 'pipe', env: options.env, encoding: 'utf8' });
  let bytes = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    bytes += chunk;
    for (const check of waiters) check();
  });
  const screen = (): string[] => screenOf(bytes);
  return {
    screen,
    raw: () => bytes,
    type: (text) => void child.stdin!.write(text),
    shows: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!screen().some((line) => pattern.test(line))) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
        void child.then(() => {
          check();
          if (waiters.delete(check)) reject(new Error(`the terminal never showed ${pattern}:\n${screen().join('\n')}`));
        });
      }),
    done: child,
  };
}
