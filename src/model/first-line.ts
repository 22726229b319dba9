/** The text up to its first line break; `cut` is added when something was left out. */
export function firstLine(text: string, cut = ''): string {
  const newline = text.indexOf('\n');
  return newline === -1 ? text : `${text.slice(0, newline)}${cut}`;
}
