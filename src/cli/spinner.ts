import ora from 'ora';

/** An ora spinner on stderr while the script compiles and workers start. The only module that knows ora. */
export function startSpinner(text: string, stream: NodeJS.WriteStream): { stop(): void } {
  const spinner = ora({ text, stream, isEnabled: true, discardStdin: false }).start();
  return { stop: () => spinner.stop() };
}
