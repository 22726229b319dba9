import ora from 'ora';

/** An ora spinner on stderr while the script compiles and workers start. The only module that knows ora. */
export function startSpinner(text: string, stream: NodeJS.WriteStream): { stop(): void } {
  // off a terminal (--progress asked for it) no frames: ora says the text once, on a line of its own
  const spinner = ora({ text, stream, isEnabled: stream.isTTY === true, discardStdin: false }).start();
  return { stop: () => spinner.stop() };
}
