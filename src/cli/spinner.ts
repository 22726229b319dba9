import ora from 'ora';
import { reportsColumns } from './terminal-width.js';

/** An ora spinner on stderr while the script compiles and workers start. The only module that knows ora. */
export function startSpinner(text: string, stream: NodeJS.WriteStream): { say(text: string): void; stop(): void } {
  // off a terminal (--progress asked for it) no frames: ora says the text once, on a line of its
  // own; so too on a terminal of 0 columns, where ora's count of the lines to clear divides by
  // the width and clears lines for ever
  const spinner = ora({ text, stream, isEnabled: stream.isTTY === true && reportsColumns(stream), discardStdin: false }).start();
  return {
    say: (next) => {
      spinner.text = next;
      // off a terminal nothing redraws: a new step gets a line of its own
      if (!spinner.isEnabled) spinner.start();
    },
    stop: () => spinner.stop(),
  };
}
