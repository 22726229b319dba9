import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { ExecOptions, RunningExec } from '../api/start-exec.js';
import { parseByteSize } from '../api/byte-size.js';
import { wholeNumber } from '../api/option-values.js';
import { quoted, usageError } from '../errors.js';
import { cutAsBytes, toByteString } from '../model/byte-string.js';
import { type ArgSource, splitArgGroups } from '../io/arg-groups.js';
import { openExecInputs, type ExecInputOptions } from '../io/exec-inputs.js';
import { columnLines } from '../io/colsep-line.js';
import { pipeBlocks } from '../io/pipe-blocks.js';
import { makeScratchDir, removeScratchDir } from '../io/scratch-dir.js';
import { checkInputsReadable, inputCounter, inputFilesOf } from '../io/open-inputs.js';
import { addCommonOptions, commonRunOptions, duration, haltNeedsTotal, progressFlag, separatorFlag, validated } from './common-options.js';
import { checkStdin, progressWhile, stdinMayHoldInputs } from './terminal-input.js';
import { machineCpuCounts } from './cpu-counts.js';
import { ownQueueWarnings } from './queue-warnings.js';
import { shownUrl } from '../queue/queue-url.js';
import { bracesAreReplaced, type TemplateOptions } from '../commands/template.js';
import type { HeaderNames } from '../commands/header-names.js';
import { parseHalt } from '../engine/halt.js';
import { jobShell, laneShell } from '../commands/job-shell.js';
import { commandLine, refuseOldForm } from './exec-argv.js';
import { optionsEnd, optionWords, rejectOptionsAmongInputs } from './argv.js';
import { NUL_REPLACED } from '../commands/job-inputs.js';
import { once } from '../model/once.js';
import { EXEC_HELP } from './exec-help.js';
import { checkDirectory, collect, count, cpuCountAsked, directory, type ExecFlags, execTimeout, delimiterOf, gnuJobs, regexp, refuseWorkdirPerJob, unquotePrintf } from './exec-flags.js';
import { contextReplace, fillFor, MAX_CHARS, pipeOptions, respellAll } from './exec-options.js';
import { EXIT } from './exit-codes.js';
import { gnuExitStatus } from './gnu-exit-status.js';
import { execJournalOptions } from './exec-journal.js';
import { writeAsked } from './asked-output.js';
import { awaitReaders, refuseStdoutAsInput } from './output-files.js';
import { checkJournal, type Journal, NO_CHECKED_JOURNAL, openOnceBegun } from './journal.js';
import { presentRun } from './present-run.js';
import { checkResultsDir, makeResultsDir, openRecordsFile, type ResultsTarget, resultsTarget } from './results-file.js';
import { wrapCommand } from './exec-wrap.js';
import { exitOnInterrupt, holdInterrupts } from './signals.js';
import { sayLine } from './stderr-line.js';

/**
 * `prun exec [OPTIONS] COMMAND [ARGS...] [SOURCES]`: a shell command per input, as GNU parallel
 * runs them. `typed`: the words after `exec` as the user gave them (not $PARALLEL's), for the
 * hint that rewrites the old form.
 */
export function execCommand(sources: ArgSource[], done: (code: number) => void, typed: readonly string[] = []): Command {
  const command = new Command('exec')
    .description('run a shell command for every input, as GNU parallel does: prun exec [options] COMMAND [ARGS...] [::: VALUES | :::: FILES]')
    .usage('[options] [command...] [::: values...] [:::: files...]')
    .argument(
      '[command...]',
      'the command and its words, up to the first ::: :::: :::+ or ::::+ (prun options go before it); {} is the input, {.} {/} {//} {/.} {#} {%} {1} {2} {-1} as in GNU parallel; with none, the input is appended; no command: the inputs are the commands',
    )
    // the first word that is not an option starts the command: `prun exec gzip -9 ::: a`
    .passThroughOptions();
  addCommonOptions(command, { json: false });
  // the shared options, as GNU parallel means them for commands
  const option = (long: string) => command.options.find((candidate) => candidate.long === long)!;
  option('--jobs').argParser(gnuJobs).description = 'how many run at once: N, 0 (as many as possible, up to 256), N% of the cores, +N, -N, as in GNU parallel';
  option('--retries').description = 'try a failed command up to N times in all, as GNU parallel (prun map: N more)';
  option('--timeout').argParser(execTimeout).description = 'fail a command that runs longer than this (500ms, 30s, 2m; a number is seconds), or than N% of the median runtime of the commands that succeeded (200%), as GNU parallel';
  option('--verbose').description = 'print each command on stderr as it starts, as GNU parallel';
  option('--joblog').description = "append a row per finished job in GNU parallel's columns: Seq Host Starttime JobRuntime Send Receive Exitval Signal Command (Command holds the input)";
  option('--failed-out').description = 'write the input of each job that failed for good to FILE as it fails, ended as inputs are read (newline, -0 NUL, -d DELIM); a job of several arguments writes each, one of --colsep columns their line';
  command
    .optionsGroup('Input:')
    .addOption(new Option('-a, --arg-file <file>', 'read inputs from FILE, as :::: FILE (repeatable: the files combine)').default([]).argParser(collect))
    .option('-d, --delimiter <delim>', 'inputs end with DELIM, not newline (\\n, \\t, \\0 understood)')
    .option('-E <eof>', 'an input equal to EOF ends the input')
    // GNU parallel's long name; given no value, as xargs's -e, there is no end-of-file string
    .addOption(new Option('--eof [eof]', 'as -E'))
    .option('-r, --no-run-if-empty', 'skip inputs that are only blanks')
    .option('-C, --colsep <regexp>', 'split each input into columns at REGEXP: {1} {2} ... (JavaScript regular expression)')
    .option('--header <regexp>', 'the first input of each source names its columns: {name} is that column (any value: the first line)')
    .option('--trim <n|l|r|lr|rl>', 'remove blanks (space, tab, CR, ...) from the left, right or both ends of each input or column (--colsep implies rl)')
    .option('--arg-sep <sep>', 'use SEP instead of :::')
    .option('--arg-file-sep <sep>', 'use SEP instead of ::::')
    .option('--link', 'pair up the values of all sources instead of combining them (shorter sources wrap around)')
    .addOption(new Option('--xapply', 'as --link (its older name)'))
    .option('--shuf', 'run the jobs in random order (all inputs are read first)')
    .addOption(new Option('-n, --max-args <n>', 'up to N inputs a job').argParser(count('--max-args')))
    .addOption(new Option('--max-replace-args <n>', 'as -N').argParser(count('--max-replace-args')))
    .addOption(new Option('-N <n>', 'exactly N inputs a job (the last may have fewer): {1}..{N} are them; -N0 runs the command once an input, with none').argParser(count('-N')))
    .addOption(new Option('-L <n>', 'as -N, a line that ends in a blank going on into the next (xargs -L)').argParser(count('-L')))
    .addOption(new Option('--max-lines [n]', 'as -L, but alone or 0 it is 1, as GNU parallel reads it').argParser(count('--max-lines')))
    .option('-X', 'as many inputs a job as fit, spread over the job slots; a word holding {} is repeated for each')
    .option('-m', 'as many inputs a job as fit, spread over the job slots; {} is all of them')
    .option('--xargs', 'as many inputs a job as fit on a command line')
    .addOption(new Option('-s, --max-chars <n>', `with -m, -X, --xargs: at most N characters a command line (${MAX_CHARS} at most, as GNU parallel on Linux)`).argParser(count('--max-chars')))
    .option('--pipe', 'cut stdin into blocks, each the stdin of one job (see --block, --recend, --recstart; -N records a block, -L lines a record)')
    .addOption(new Option('--spreadstdin', 'as --pipe (its older name)'))
    .on('option:spreadstdin', () => command.setOptionValue('pipe', true))
    .option('--cat', 'implies --pipe: {} is a file holding the block, and the job reads nothing on stdin')
    .addOption(new Option('--block <size>', 'about SIZE bytes a block with --pipe (1M by default; K, M, G: powers of 1024, k, m, g: of 1000, as GNU parallel)').argParser(blockSize('--block')))
    // GNU parallel's other spellings, as its man page has them (was: unknown options: a
    // review); set as the usual one, so that the last given wins, $PARALLEL's first
    .addOption(new Option('--block-size <size>', 'as --block'))
    .on('option:block-size', (value: string) => command.setOptionValue('block', blockSize('--block-size')(value)))
    .addOption(new Option('--blocksize <size>', 'as --block'))
    .on('option:blocksize', (value: string) => command.setOptionValue('block', blockSize('--blocksize')(value)))
    .option('--recend <str>', 'with --pipe: what ends a record (\\n by default)')
    .option('--recstart <str>', 'with --pipe: what starts a record')
    .option('--rrs', 'with --pipe: remove --recstart and --recend from the start and end of every record of a block')
    .addOption(new Option('--remove-rec-sep', 'as --rrs'))
    .addOption(new Option('--removerecsep', 'as --rrs'))
    .optionsGroup('Command:')
    .option('-I <replace-str>', 'use REPLACE-STR instead of {} (xargs -I)')
    // GNU parallel's long spelling: a value is optional there too, and the next word is taken as it
    .option('--replace [replace-str]', 'as -I; alone, {}')
    .option('--extensionreplace <str>', 'use STR instead of {.}')
    .option('--basenamereplace <str>', 'use STR instead of {/}')
    .option('--dirnamereplace <str>', 'use STR instead of {//}')
    .option('--basenameextensionreplace <str>', 'use STR instead of {/.}')
    // GNU parallel's short spellings of the four above
    .option('--er <str>', 'as --extensionreplace')
    .option('--bnr <str>', 'as --basenamereplace')
    .option('--dnr <str>', 'as --dirnamereplace')
    .option('--bner <str>', 'as --basenameextensionreplace')
    .option('--seqreplace <str>', 'use STR instead of {#}')
    .option('--slotreplace <str>', 'use STR instead of {%}')
    .addOption(new Option('--wd, --workdir <dir>', 'run the jobs in DIR (made if missing), not in the current directory, as GNU parallel'))
    .addOption(new Option('--delay <duration>', 'start no two jobs less than DURATION apart, as GNU parallel (seconds, or 500ms, 30s, 2m; 0: no delay)').argParser(duration('--delay', true)))
    .addOption(new Option('--nice <n>', 'run the commands at this niceness (renice)').argParser((value) => Number(count('--nice')(value.replace(/^[-+]/, ''))) * (value.startsWith('-') ? -1 : 1)))
    .option('-q, --quote', 'quote the command words, so that the shell sees them as given')
    .option('--plus', 'also {+/} {+.} {+..} {+...} {..} {...} {/..} {/...} {##} {0#}, and bash\'s {:-x} {:2} {:2:3} {#re} {##re} {%re} {%%re} {/re/str} {//re/str} {/#re/str} {/%re/str} {^re} {^^re} {,re} {,,re}')
    .addOption(new Option('--rpl <spec>', "'TAG PERL': TAG is the input as PERL changes it, PERL being s/RE/REPL/FLAGS joined by ; and ||; {TAG} also as {nTAG}, {TAG(RE)} dynamic with $$1 (repeatable)").default([]).argParser(collect))
    .optionsGroup('Output:')
    .option('--tag', 'prefix each output line with the input and a tab')
    .option('--tagstring <template>', 'prefix each output line with this and a tab; {} {#} {%} {1} ... as in the command, unquoted')
    .addOption(new Option('--keeporder', 'as -k'))
    .on('option:keeporder', () => command.setOptionValue('unordered', undefined))
    .addOption(new Option('--total-jobs <n>', "as --total (GNU parallel's name)").argParser((value) => wholeNumber('--total-jobs', value, 0)))
    .addOption(new Option('--tmpdir <dir>', 'keep the jobs\' output in DIR until it is printed ($TMPDIR by default, else /dev/shm with 1 GiB free, else /tmp), as GNU parallel').argParser(directory('--tmpdir')))
    .addOption(new Option('--tempdir <dir>', 'as --tmpdir'))
    .on('option:tempdir', (value: string) => command.setOptionValue('tmpdir', directory('--tempdir')(value)))
    .option('--dry-run', 'print the commands that would run, one a line, and run none')
    .addOption(new Option('--dryrun', 'as --dry-run'))
    .option('-v', 'print each command on stderr before it runs (GNU parallel prints it on stdout: prun keeps stdout for results)')
    .option('-t', 'print each command on stderr before it runs')
    .option('--jl <file>', 'as --joblog')
    .addOption(new Option('--halt-on-error <when,on=n>', 'as --halt').argParser(validated((value) => parseHalt(value, '--halt-on-error'))))
    // what GNU parallel users' scripts carry, and means nothing here
    .option('--number-of-threads', 'print the number of CPU threads prun may run on, and exit')
    .option('--number-of-cores', 'print the number of physical CPU cores prun may run on, and exit')
    .addOption(new Option('--number-of-cpus', 'as --number-of-cores (GNU parallel\'s older name)'))
    .option('--number-of-sockets', 'print the number of filled CPU sockets, and exit')
    .option('--will-cite', "accepted for GNU parallel's sake: prun prints no citation notice")
    .option('--no-notice', "accepted for GNU parallel's sake: prun prints no citation notice")
    .option('--group', "accepted for GNU parallel's sake: each job's output is printed whole, as always")
    .option('--silent', "accepted for GNU parallel's sake: commands are shown only with -v, as always")
    .option('--plain', "accepted for GNU parallel's sake: prun reads no ~/.parallel/config")
    .addOption(new Option('--env <var>', "accepted for GNU parallel's sake: every job gets the whole environment").argParser((value: string, previous: string[] = []) => [...previous, value]))
    .option('--line-buffer', "accepted for GNU parallel's sake: each job's output is printed whole, in order")
    .addOption(new Option('--linebuffer', 'as --line-buffer'))
    .addOption(new Option('--lb', 'as --line-buffer'))
    .option('--process-slot-var <name>', 'set the variable NAME to the job slot minus 1 in each job, as GNU parallel (each job also has $PARALLEL_SEQ, $PARALLEL_JOBSLOT and $PARALLEL_PID)')
    .option('--results <name>', 'save each job\'s stdout, stderr and number in NAME/1/VALUE/2/VALUE.../stdout, stderr, seq, as GNU parallel; NAME.csv, NAME.tsv, NAME.json: one record a job in that file instead (-.csv, -.tsv, -.json or -: on stdout); prints nothing else')
    // GNU parallel's shorter spellings of --results
    .addOption(new Option('--result <name>', 'as --results'))
    .addOption(new Option('--res <name>', 'as --results'))
    .option('-u, --ungroup', "accepted for GNU parallel's sake: each job's output is printed whole, in order")
    .option('--queue <url>', 'run on prun workers anywhere, through Redis: redis://[:PASSWORD@]HOST[:PORT][/DB] (see prun worker); here too only with -j N')
    .addHelpText('after', EXEC_HELP);
  return command.action(async (words: string[], flags: ExecFlags) => {
    // alone, or empty (`--replace=`), it is {} as in GNU parallel
    if (flags.replace !== undefined) flags.I ??= flags.replace === true || flags.replace === '' ? '{}' : flags.replace;
    // words that are all prun's options, each with its value: what optionsEnd() reads as options, up to a word after them
    const onlyOptions = (tail: readonly string[]): boolean => {
      const names = optionWords(command);
      return optionsEnd([...tail, 'COMMAND'], command) === tail.length && tail.every((word) => !word.startsWith('-') || names.has(word.startsWith('--') ? word.split('=')[0]! : word.slice(0, 2)));
    };
    done(await runExecCommand(words, sources, flags, optionsBefore(typed, words), onlyOptions, optionWords(command)));
  });
}

/**
 * The sources as typed, their markers the usual ones: files after one marker as they were
 * (`:::: a b c` stays so; split again with `--arg-sep ::::` it is three values, as in GNU
 * parallel, where it was three sources of one value each: one job, `echo a b c`).
 */
function typedSources(sources: readonly ArgSource[]): string[] {
  const words: string[] = [];
  let files: 'plain' | 'linked' | undefined;
  for (const source of sources) {
    if ('values' in source) {
      words.push(source.linked ? ':::+' : ':::', ...source.values);
      files = undefined;
      continue;
    }
    const kind = source.linked ? 'linked' : 'plain';
    if (files !== kind) words.push(source.linked ? '::::+' : '::::');
    words.push(source.file);
    files = kind;
  }
  return words;
}

/** What was typed before the command's words, when they end what was typed: its options. */
function optionsBefore(typed: readonly string[], words: readonly string[]): string[] {
  const end = typed.length - words.length;
  return end >= 0 && typed.slice(end).every((word, i) => word === words[i]) ? typed.slice(0, end) : [];
}

async function runExecCommand(words: string[], given: ArgSource[], flags: ExecFlags, typed: readonly string[], onlyOptions: (words: readonly string[]) => boolean, optionNames: ReadonlySet<string>): Promise<number> {
  const count = cpuCountAsked(flags);
  if (count !== undefined) return writeAsked(`${machineCpuCounts()[count]}\n`);
  // GNU parallel's --cat "implies --pipe" (was: refused without it: a review)
  if (flags.cat) flags.pipe = true;
  let sources = given;
  if (flags.argSep !== undefined || flags.argFileSep !== undefined) {
    // the words as written, split again at the respelled markers only (`,,` and `,,+` for
    // --arg-sep ,,): a `:::` is then a word like any other, as in GNU parallel
    const argv = [...words, ...typedSources(given)];
    const markers = { values: flags.argSep ?? ':::', files: flags.argFileSep ?? '::::' };
    ({ positional: words, sources } = splitArgGroups(argv, markers));
    rejectOptionsAmongInputs(sources, optionNames, markers);
  }
  sources = [...flags.argFile.map((file): ArgSource => ({ file })), ...sources];
  // a lone `:::` with nothing after it is no source, as GNU parallel's: stdin is read (was: nothing ran, in silence)
  if (sources.length === 1 && 'values' in sources[0]! && sources[0].values.length === 0) sources = [];
  // the old form read its inputs from files where GNU's reads stdin: with sources given, the
  // words are the command's in both (was: refused, the hint dropping the ::: values)
  // under --pipe the inputs are stdin's blocks: no word can be an input of the old form;
  // nor when stdin holds inputs, which the old form never read (was: `echo a.html | prun
  // exec 'grep -c x' b.html`, GNU's grammar, refused)
  if (sources.length === 0 && !flags.pipe && !stdinMayHoldInputs()) refuseOldForm(words, typed, onlyOptions);
  // GNU parallel cuts `:::` values where it cuts lines: `-d , ::: a,b` is a and b, and a value
  // holding a newline is two (was: one value, as typed); on bytes, as lines are (was: a -d of a
  // byte that is not ASCII never cut a value)
  // a byte string, as the inputs are cut on bytes
  const delimiter = flags.delimiter === undefined ? undefined : toByteString(delimiterOf(flags.delimiter));
  const cut = delimiter ?? (flags.null ? undefined : '\n');
  if (cut !== undefined) sources = sources.map((source) => ('values' in source ? { ...source, values: source.values.flatMap((value) => cutAsBytes(value, cut)) } : source));
  if (flags.jl !== undefined) flags.joblog ??= flags.jl;
  const timeoutOfMedian = typeof flags.timeout === 'object' ? flags.timeout.ofMedian : undefined;
  if (timeoutOfMedian !== undefined && flags.queue !== undefined) throw usageError('--timeout N% does not go with --queue: each machine would time its own jobs out');
  // GNU parallel's `--joblog +FILE` appends to FILE; prun's joblog always appends (was: a file named +FILE)
  if (flags.joblog?.startsWith('+')) flags.joblog = flags.joblog.slice(1);
  if (flags.haltOnError !== undefined) flags.halt ??= flags.haltOnError;
  if (flags.keeporder) flags.keepOrder = true;
  flags.results ??= flags.result ?? flags.res;
  if (typeof flags.eof === 'string') flags.E ??= flags.eof;
  if (flags.removeRecSep || flags.removerecsep) flags.rrs = true;
  flags.N ??= flags.maxReplaceArgs;
  // GNU parallel's --max-lines is its -l: alone or 0 it is 1 (`-L 0` is -N0's none)
  if (flags.maxLines !== undefined) flags.maxLines = Math.max(1, flags.maxLines);
  flags.maxLines = flags.L ?? flags.maxLines;
  flags.extensionreplace ??= flags.er;
  flags.basenamereplace ??= flags.bnr;
  flags.dirnamereplace ??= flags.dnr;
  flags.basenameextensionreplace ??= flags.bner;
  const dryRun = flags.dryRun === true || flags.dryrun === true;
  const rpl = flags.rpl.length > 0 ? flags.rpl.map(toByteString) : undefined;
  const quote = flags.quote === true && ((braced: string) => bracesAreReplaced(braced, { plus: flags.plus === true, rpl }));
  // no command, the inputs are the commands; --pipe's inputs are blocks of data, no commands
  // (was: an internal shell's syntax error, each block failed)
  if (flags.pipe && words.length === 0) throw usageError('--pipe needs a command to pipe each block into');
  // under -q each word is respelled before it is quoted, so that -I's string and its kin are
  // left out of the quotes as `{}` is, and -q's own quotes are never respelled (was: `-I "'"`
  // made them replacement strings: a review); a bare command is respelled as GNU parallel reads it, whole
  let text = quote ? commandLine(words.map((word) => respellAll(word, flags)), quote) : respellAll(commandLine(words, quote), flags);
  // GNU parallel reads --tagstring with the same spellings as the command
  // and turns its \t \n \r \NNN into the characters (was: left as typed)
  if (flags.tagstring !== undefined) flags.tagstring = unquotePrintf(respellAll(flags.tagstring, flags));
  if (flags.processSlotVar !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(flags.processSlotVar)) {
    throw usageError(`--process-slot-var must be a variable name, got ${quoted(flags.processSlotVar)}`);
  }
  const workers = flags.jobs ?? flags.maxProcs;
  const maxArgs = flags.N ?? flags.maxArgs ?? flags.maxLines;
  const template: TemplateOptions = { plus: flags.plus === true, contextReplace: contextReplace(flags), appendArgs: maxArgs !== 0, rpl, quoted: flags.quote === true };
  // --workdir and --results of a folder a job are refused before any input is read (-I @ too:
  // was a folder named @; made below, before the run's own files, and not for a dry run: was made
  // as the options were read), and once more with --header's names, replacement strings there
  // too, as GNU parallel reads them (was: a folder named {x}). What they wrap the command in
  // waits for the header
  const resultsContext = { pipe: flags.pipe === true, queue: flags.queue !== undefined, resume: flags.resume === true || flags.resumeFailed === true };
  const refuseFoldersAJob = (names?: HeaderNames): ResultsTarget | undefined => {
    const readAs = { ...template, ...names };
    if (flags.workdir !== undefined) refuseWorkdirPerJob(flags.workdir, toByteString(respellAll(flags.workdir, flags)), readAs, flags.I ?? '{}');
    return flags.results === undefined ? undefined : resultsTarget(flags.results, { ...resultsContext, template: readAs, respelled: respellAll(flags.results, flags) });
  };
  const results = refuseFoldersAJob();
  const fillMode = flags.X || flags.m || flags.xargs ? fillFor(flags, text, template, flags.xargs ? undefined : workers ?? availableParallelism()) : undefined;
  // `--header 0`: no line of header, as GNU parallel reads it
  const withHeader = flags.header !== undefined && flags.header !== '0';
  const inputOptions: ExecInputOptions = {
    separator: separatorFlag(flags),
    delimiter,
    // GNU parallel's --header: "--colsep will default to '\t'" (and then trims nothing); matched
    // on bytes, as the inputs are, as GNU parallel's Perl does (was: `--colsep é` never split)
    colsep: flags.colsep !== undefined ? regexp('--colsep', flags.colsep) : withHeader ? /\t/ : undefined,
    // GNU parallel: "--colsep implies --trim rl"
    trim: flags.trim ?? (flags.colsep === undefined ? undefined : 'rl'),
    // an empty EOF string is none, as GNU parallel reads -E ''
    // compared with inputs as bytes (was: an -E of anything but ASCII never matched)
    eof: flags.E ? toByteString(flags.E) : undefined,
    noRunIfEmpty: flags.runIfEmpty === false,
    header: withHeader,
    maxArgs,
    // -L 0 takes lines as they are, as GNU parallel's does (was: joined them)
    continueLines: flags.maxLines !== undefined && flags.maxLines > 0,
    fill: fillMode,
    link: flags.link === true || flags.xapply === true,
    shuf: flags.shuf === true,
    onNul: once(() => process.stderr.write(NUL_REPLACED)),
  };
  if (flags.trim !== undefined && !['n', 'l', 'r', 'lr', 'rl'].includes(flags.trim)) throw usageError(`--trim must be n, l, r, lr or rl, got ${quoted(flags.trim)}`);
  const shell = jobShell();
  const options: ExecOptions = {
    ...commonRunOptions({ ...flags, timeout: typeof flags.timeout === 'number' ? flags.timeout : undefined }),
    // GNU parallel's --retries N is N tries in all
    retries: Math.max(0, flags.retries - 1),
    workers,
    tag: flags.tag === true,
    tagString: flags.tagstring,
    dryRun,
    template,
    jobShell: shell,
    laneShell: laneShell(shell),
    delayMs: flags.delay || undefined,
    timeoutOfMedian,
    workdir: flags.workdir === undefined ? undefined : resolve(flags.workdir),
    tmpdir: flags.tmpdir,
    showCommands: flags.v === true || flags.t === true || flags.verbose === true,
  };
  let pipeDir: string | undefined;
  if (flags.pipe) {
    pipeDir = makeScratchDir(flags.tmpdir);
    process.on('exit', () => removeScratchDir(pipeDir!));
  }
  const typing = checkStdin([], sources);
  refuseStdoutAsInput(inputFilesOf([], sources));
  // {##} and {0#} are the number of jobs: in the command or in --tagstring (was: the tag's
  // were empty and unpadded, silently), and not known under --pipe, which GNU parallel refuses too
  const usesTotal = flags.plus === true && [text, flags.tagstring ?? ''].some((part) => part.includes('{##}') || part.includes('{0#}'));
  if (pipeDir && usesTotal) throw usageError('{##} and {0#} do not go with --pipe: the number of blocks is not known before the end');
  // blocks, not lines: their number is not known ahead (was: the lines of a file on stdin were taken for the total)
  if (pipeDir && haltNeedsTotal(flags)) throw usageError('--halt with a percentage does not go with --pipe: the number of blocks is not known before the end');
  // --pipe cuts stdin, as GNU parallel's does, but a `::::` file that cannot be read is said all
  // the same, as GNU parallel says it (was: ignored, exit 0)
  if (pipeDir) await checkInputsReadable([], sources);
  // --shuf, {##}, --header and several sources read before the run: a signal then ends the wait
  const endWait = exitOnInterrupt(sayLine, 'reading the inputs before the run');
  const { source, header, headerColumns, total } = pipeDir
    ? { source: pipeBlocks(process.stdin, pipeDir, pipeOptions(flags)), header: [], headerColumns: [], total: undefined }
    : await openExecInputs(sources, { ...inputOptions, countAll: usesTotal });
  endWait();
  options.stdinFrom = pipeDir;
  if (flags.rrs && !pipeDir) throw usageError('--rrs goes with --pipe: it removes the record separators of a block');
  options.blockAsFile = flags.cat === true;
  // any --header, 0 too, names the file sources by their paths as typed, as GNU parallel does
  // (not under --pipe, nor does it there): `{f}` is `{1}` of `:::: f`
  const fileNames = flags.header === undefined || pipeDir ? undefined : sources.flatMap((source) => ('file' in source ? [toByteString(source.file)] : []));
  options.template = { ...options.template, names: header, fileNames, total };
  refuseFoldersAJob({ names: header, fileNames });
  // shown (--dry-run, -v) and matched against GNU parallel's joblogs as the user wrote it
  const shownCommand = text;
  // the jobs write --results DIR: where prun was started, as GNU parallel's, whatever --workdir says
  const resultsDir = results?.kind !== 'dir' ? undefined : flags.workdir === undefined ? results.dir : resolve(results.dir);
  // --header splits at tabs without --colsep: its columns name --results' folders too (was: 1/, 2/)
  // a record of a job is an argument of each source; its columns, under --colsep (--header's
  // tabs too), as many as the header has when a job takes several records (-N, -X), so that
  // --results names each record's from the first again, as GNU parallel does (was: numbered on)
  const colsep = flags.colsep ?? (withHeader ? '\t' : undefined);
  const severalRecords = fillMode !== undefined || (maxArgs !== undefined && maxArgs > 1);
  const recordWidth = colsep === undefined ? Math.max(1, sources.length) : severalRecords && headerColumns.length > 0 ? headerColumns.length : undefined;
  text = wrapCommand(text, flags, options.template, resultsDir, recordWidth);
  const records = results?.kind === 'records' ? { format: results.format, names: header } : undefined;
  // a file of records starts with its header, given with the first job's record: in input order
  if (records) options.ordered = true;
  // what may refuse the run comes first, then the folders are made, and the files are emptied
  // (--results FILE, --failed-out) only once the run has begun: a run refused leaves them as
  // they were (was: emptied, and --workdir made, by a run that a --joblog which is not one, a
  // --queue nothing listens at or a folder that cannot be made refused)
  const journalOptions = execJournalOptions({
    command: shownCommand,
    template: options.template,
    sources,
    terminator: inputOptions.delimiter ?? String.fromCharCode(inputOptions.separator),
    pipe: pipeDir !== undefined,
    failedOut: flags.failedOut,
    // as read, empty names too: what is written back has a failure's columns, however named
    header: headerColumns,
    // a job of one line's columns: one source, one line a job (-N 1 too, not -L 1: a line may go on)
    columns:
      inputOptions.colsep && sources.length <= 1 && (maxArgs === undefined || (maxArgs === 1 && !inputOptions.continueLines)) && !fillMode && !pipeDir
        ? columnLines({ ...inputOptions, colsep: inputOptions.colsep }, flags.colsep === undefined ? undefined : toByteString(flags.colsep))
        : undefined,
    ragged: inputOptions.colsep !== undefined,
    warn: sayLine,
  });
  const columns = headerColumns.length;
  if (flags.failedOut !== undefined && columns > 1 && !dryRun && journalOptions.header === undefined) {
    sayLine(`prun: --failed-out ${flags.failedOut}: each failure's ${columns} columns are written a line each, with no --header line: read it back with -N ${columns} and {1}…{${columns}}`);
  }
  const recordsFile = results?.kind === 'records' && results.path !== undefined && !dryRun ? openRecordsFile(results.path, { ...journalOptions, joblog: flags.joblog, failedOut: flags.failedOut }) : undefined;
  if (flags.workdir !== undefined && !dryRun) checkDirectory('--workdir', flags.workdir);
  if (results?.kind === 'dir' && !dryRun) checkResultsDir(results.dir);
  // a dry run settles every input without running it: that is not for the joblog
  const checkedJournal = dryRun ? NO_CHECKED_JOURNAL : checkJournal(flags, journalOptions);
  let journal: Journal | undefined;
  let releaseReaders = () => {};
  try {
    if (!dryRun) releaseReaders = await awaitReaders([['--failed-out', flags.failedOut], ['--results', results?.kind === 'records' ? results.path : undefined]]);
    if (flags.workdir !== undefined && !dryRun) directory('--workdir', true)(flags.workdir);
    if (results?.kind === 'dir' && !dryRun) makeResultsDir(results.dir);
    // execa takes a tenth of a second to load: not for prun map
    const { startExec } = await import('../api/start-exec.js');
    // a job's stderr printed right after its stdout, in its turn, as GNU parallel's --group does
    const execOptions = { ...options, command: text, shownCommand: shownCommand === text ? undefined : shownCommand, source, skip: checkedJournal.skip, journal: checkedJournal.records, groupStderr: true, records, resultsDir, notice: sayLine };
    let run: RunningExec;
    if (flags.queue === undefined) {
      // local lanes start at once; a queue's producer first connects, and Ctrl-C must end that wait at once
      holdInterrupts();
      run = startExec(execOptions);
    } else {
      ownQueueWarnings();
      const { startExecOnQueue } = await import('../api/queue-producer.js');
      run = await startExecOnQueue({ url: flags.queue, local: workers !== undefined }, execOptions);
    }
    journal = await openOnceBegun(run, () => {
      const opened = checkedJournal.open();
      recordsFile?.empty();
      return opened;
    });
    releaseReaders();
    const code = await presentRun(run, {
      json: false,
      progress: dryRun ? false : progressWhile(typing, progressFlag(flags)),
      verbose: false,
      startingText: flags.queue === undefined || workers !== undefined ? 'starting shell lanes' : `waiting for a prun worker at ${shownUrl(flags.queue)}`,
      countInputs: inputOptions.maxArgs === undefined && !inputOptions.fill && !pipeDir ? inputCounter([], sources, inputOptions.separator) : undefined,
      countAhead: haltNeedsTotal(flags),
      seekEnd: () => source.seekEnd?.(),
      total: flags.total ?? flags.totalJobs,
      journal: journal.record,
    });
    // GNU parallel's exit status: how many jobs failed, or what --halt says
    if (code === EXIT.failed && (run.tracker.failed > 0 || run.tracker.haltedBy)) return gnuExitStatus(flags.halt, run.tracker);
    return code;
  } finally {
    releaseReaders();
    (journal ?? checkedJournal).close();
    if (pipeDir) removeScratchDir(pipeDir);
  }
}

/**
 * A parser of --block's size, naming `flag` as given. 0 is refused: GNU parallel makes all of
 * stdin one block of it, held whole, and prun took it for 1 byte, a block a record (was: `seq
 * 10 | prun exec --pipe --block 0 wc -l` printed ten 1s where GNU parallel prints 10; a review).
 */
function blockSize(flag: string): (value: string) => number {
  return (value) => {
    // a size first: `0x10` is no size, not a block of nothing
    const size = parseByteSize(flag, value);
    if (parseFloat(value) === 0) throw usageError(`${flag} ${value}: a block must hold something; GNU parallel would hold all of stdin as one block: give a size (${flag} 100M)`);
    return size;
  };
}
