/** One numbered example at the end of a command's --help: what it does, then the command to copy. */
export interface HelpExample {
  what: string;
  command: string;
}

/** The exit statuses as --help lists them; the README's table says more (src/cli/exit-codes.ts). */
const EXIT_CODES: readonly (readonly [string, string])[] = [
  ['0', 'every input succeeded'],
  ['1', 'some inputs failed, or running could not go on after some ran'],
  ['2', 'usage or set-up error: nothing ran'],
  ['74', 'prun could not write its output (results, --joblog, --failed-out)'],
  ['130', 'interrupted (Ctrl-C); 129, 131, 142, 143 for SIGHUP, SIGQUIT, SIGALRM, SIGTERM'],
  ['141', 'the reader of stdout went away (prun ... | head)'],
];

/** Under the top-level help's exit codes: prun exec has GNU parallel's. */
export const EXEC_EXIT_CODES_NOTE = "prun exec exits as GNU parallel does (the number of failed jobs, 101 past 100): see prun exec --help.";

/**
 * The end of a command's --help, as rush ends its own: numbered copy-paste examples, then
 * the exit codes. Shared by every command, so that they all read the same.
 */
export function examplesAndExitCodes(examples: readonly HelpExample[], exitCodes: readonly (readonly [string, string])[] = EXIT_CODES): string {
  const numbered = examples.map((example, i) => `  ${i + 1}. ${example.what}:\n     ${example.command}`);
  const width = Math.max(...exitCodes.map(([code]) => code.length)) + 2;
  const codes = exitCodes.map(([code, meaning]) => `  ${code.padEnd(width)}${meaning}`);
  return `\nExamples:\n${numbered.join('\n')}\n\nExit codes:\n${codes.join('\n')}\n`;
}

/** Where prun's options go: after :::, as in GNU parallel, every word is an input. */
export const OPTIONS_PLACEMENT = "prun's options go before ::: and :::: (after them every word is an input, as in GNU parallel).";
