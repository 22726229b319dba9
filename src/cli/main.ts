import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { PrunError } from '../errors.js';
import { prepareArgv } from './argv.js';
import { execCommand } from './exec-command.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { mapCommand } from './map-command.js';
import { resultsStream } from './results-out.js';

export { flushOutput } from './results-out.js';

const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

const EXAMPLES = `
Examples:
  1. Square numbers in 8 processes, in input order:
     seq 1000 | prun map square.ts --procs 8
  2. Fetch URLs with 4 threads, 25 requests in flight each, as they finish:
     prun map fetch.ts urls.txt --threads 4 --concurrency 25 --unordered
  3. Inputs on the command line:
     prun map square.ts ::: 1 2 3
  4. Compress every log file, 4 at a time, as GNU parallel would:
     prun exec -j 4 gzip -9 ::: *.log
`;

/** Usage errors as one line on stderr, and an exit status we choose rather than commander. */
function configure(command: Command): Command {
  return command
    .exitOverride()
    .configureOutput({
      // help and version are what was asked for: on the real stdout, even after a takeover
      writeOut: (text) => void resultsStream().write(text),
      outputError: (text) => process.stderr.write(`prun: ${text.replace(/^error: /, '')}`),
    })
    .showHelpAfterError(`(run 'prun ${command.name() === 'prun' ? '' : `${command.name()} `}--help' for usage)`);
}

/**
 * The whole CLI: parse, run, and return the exit status. Exported so that it can be driven
 * without a process of its own; the bin file only calls it and exits.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const { argv: words, sources } = prepareArgv(argv);
  let code: number = EXIT.ok;
  const program = configure(new Command('prun'))
    .version(VERSION, '-V, --version')
    // so that `prun exec` can take every word after its command's first as the command's
    .enablePositionalOptions()
    .description('Run a function or a command on every input line, in parallel, streaming results to stdout.')
    .addHelpText('after', EXAMPLES);
  program.addCommand(configure(mapCommand(sources, (status) => (code = status))));
  program.addCommand(configure(execCommand(sources, (status) => (code = status))));
  try {
    await program.parseAsync(words, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof PrunError) {
      process.stderr.write(`prun: ${error.message}\n`);
      return exitCodeFor(error.code);
    }
    throw error;
  }
}
