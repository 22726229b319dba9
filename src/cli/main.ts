import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { PrunError, usageError } from '../errors.js';
import { sayLine } from './stderr-line.js';
import { optionsEnd, optionWords, prepareArgv } from './argv.js';
import { execCommand } from './exec-command.js';
import { parallelDefaults, parallelEnvWords } from './parallel-env.js';
import type { ArgSource } from '../io/arg-groups.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { EXEC_EXIT_CODES_NOTE, examplesAndExitCodes } from './help-text.js';
import { passJobControl } from './job-control.js';
import { mapCommand } from './map-command.js';
import { writeAsked } from './asked-output.js';
import { usageHint } from './usage-hint.js';
import { workerCommand } from './worker-command.js';
import { withArgumentBytes } from '../model/byte-string.js';
import { rawArguments } from './raw-argv.js';

export { flushOutput } from './results-out.js';
export { releaseHungUpTerminal } from './hung-up-terminal.js';

const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

const EXAMPLES = examplesAndExitCodes([
  { what: 'Square numbers in 8 processes, in input order', command: 'seq 1000 | prun map square.ts --procs 8' },
  { what: 'Fetch URLs with 4 threads, 25 requests in flight each, as they finish', command: 'prun map fetch.ts urls.txt --threads 4 --concurrency 25 --unordered' },
  { what: "Inputs on the command line, after prun's options", command: 'prun map square.ts --threads 2 ::: 1 2 3' },
  { what: 'Compress every log file, 4 at a time, as GNU parallel would', command: 'prun exec -j 4 gzip -9 ::: *.log' },
]) + `  ${EXEC_EXIT_CODES_NOTE}\n`;

/** The exit status the help or version text written last earns (asked-output.ts). */
let helpWritten: Promise<number> = Promise.resolve(EXIT.ok);

/**
 * Help and version are what was asked for: on the real stdout, even after a takeover. A reader
 * that goes before it has read them (`prun --help | head -1`) makes the write fail with EPIPE:
 * exit 141, as for results, not an 'error' event nobody listens for, and its stack.
 */
function writeHelp(text: string): void {
  helpWritten = writeAsked(text);
}

/**
 * Usage errors as one line on stderr, where to read more at its end, and an exit status we
 * choose rather than commander. Commander writes a suggestion on a line of its own
 * (`(Did you mean --halt?)`): it joins the line.
 */
function configure(command: Command, argv: readonly string[] = []): Command {
  const help = `(run 'prun ${command.name() === 'prun' ? '' : `${command.name()} `}--help' for usage)`;
  return command
    .hook('preAction', (_, action) => refuseEmptyPaths(action))
    .exitOverride()
    .configureOutput({
      writeOut: writeHelp,
      outputError: (text) => {
        const message = text.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ');
        const hinted = command.name() === 'prun' ? usageHint(message, command.commands, argv) : undefined;
        process.stderr.write(`prun: ${hinted ?? `${message} ${help}`}\n`);
      },
    });
}

/** Options that name a file or a folder: one given as an empty word names none. */
const PATH_FLAGS = ['--joblog', '--jl', '--failed-out', '--workdir'];

/**
 * An empty file name (`--joblog "$LOG"` with LOG unset) is refused in one line, exit 2. Was:
 * `--joblog ""` ran with no joblog and said nothing, `--workdir ""` was the current folder
 * (exec-flags.ts's directory() refuses one for --tmpdir). Other options keep their own
 * reading of an empty word (`--recend ''`).
 */
function refuseEmptyPaths(command: Command): void {
  const given = command.opts();
  for (const option of command.options) {
    if (option.long !== undefined && PATH_FLAGS.includes(option.long) && given[option.attributeName()] === '') throw usageError(`${option.long} needs a name, got an empty one`);
  }
}

/**
 * The whole CLI: parse, run, and return the exit status. Exported so that it can be driven
 * without a process of its own; the bin file only calls it and exits.
 */
export async function main(given: readonly string[]): Promise<number> {
  // the arguments' own bytes, for those Node could not decode as UTF-8 (model/byte-string.ts)
  const argv = given.some((word) => word.includes('\uFFFD')) ? withArgumentBytes(given, rawArguments(given.length)) : given;
  // help of help, or help --help: prun's own help, as `prun --help` (commander: on stderr, exit 2)
  if (argv[0] === 'help' && ['help', '--help', '-h'].includes(argv[1] ?? '')) return main(['--help']);
  // a stderr that cannot be written (2>/dev/full, a closed pipe) loses prun's messages, as it
  // does GNU parallel's, but neither the results nor the run: its error would crash the process
  process.stderr.on('error', () => {});
  // Ctrl-Z stops workers and jobs too, out of the terminal's reach in groups of their own
  passJobControl();
  let code: number = EXIT.ok;
  const sources: ArgSource[] = [];
  const program = configure(new Command('prun'), argv)
    .version(VERSION, '-V, --version')
    // so that `prun exec` can take every word after its command's first as the command's
    .enablePositionalOptions()
    .description('Run a function or a command on every input line, in parallel, streaming results to stdout.')
    .addHelpText('after', EXAMPLES);
  // -V, --version in each command's options too, as the README's tables list it there
  program.addCommand(configure(mapCommand(sources, (status) => (code = status))).version(VERSION, '-V, --version'));
  program.addCommand(configure(execCommand(sources, (status) => (code = status), argv.slice(1))).version(VERSION, '-V, --version'));
  program.addCommand(configure(workerCommand((status) => (code = status))).version(VERSION, '-V, --version'));
  // commander answers `prun help nosuch` with the whole help on stderr: one line, as for `prun nosuch`
  if (argv[0] === 'help' && argv[1] !== undefined && !program.commands.some((command) => command.name() === argv[1])) {
    process.stderr.write(`prun: unknown command '${argv[1]}' (run 'prun --help' for usage)\n`);
    return EXIT.usage;
  }
  try {
    const named = program.commands.find((command) => command.name() === argv[0]) ?? program;
    // GNU parallel's users keep their defaults there (was: ignored in silence, `PARALLEL=--tag` changed nothing)
    const words = argv[0] === 'exec' ? ['exec', ...parallelEnvWords(parallelDefaults()), ...argv.slice(1)] : argv;
    // exec's options end where its command starts: the words after are the command's, as typed
    const prepared = prepareArgv(words, optionWords(named), named.name() === 'exec' ? 1 + optionsEnd(words.slice(1), named) : undefined);
    // the commands were given this array: filled in place, it is theirs to read when they run
    sources.push(...prepared.sources);
    await program.parseAsync(prepared.argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode !== 0) return EXIT.usage;
      return await helpWritten;
    }
    if (error instanceof PrunError) {
      // one line, whatever the names it quotes hold (`missing\nfile.txt`, an ESC sequence)
      sayLine(`prun: ${error.message}`);
      return exitCodeFor(error.code);
    }
    throw error;
  }
}
