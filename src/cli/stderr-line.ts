/**
 * Says one line on stderr: prun's own messages beside a run (a joblog repaired, a worker
 * replaced, a queue that waits). A progress bar on stderr takes it above itself, whole. What
 * it quotes of the user's (a teardown()'s error) is made printable.
 */
export function sayLine(line: string): void {
  process.stderr.write(`${printable(line)}\n`);
}

/**
 * A text with its control characters escaped, as an input is shown (`\u001b`, `\r`): a user's
 * error text reaches a terminal (was: an ESC sequence in it coloured the rest of stderr, a CR
 * wrote over the start of the line). Tabs stay.
 */
export function printable(text: string): string {
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, (char) => CONTROL_NAMES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const CONTROL_NAMES: Record<string, string> = { '\n': '\\n', '\r': '\\r' };
