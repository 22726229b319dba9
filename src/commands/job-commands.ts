import { join } from 'node:path';
import { toByteString } from '../model/byte-string.js';
import { blockCommand } from './block-command.js';
import { jobLine } from './job-line.js';
import { compileTemplate, type CompiledTemplate, type TemplateOptions } from './template.js';

/** What makes a job's command of its input: the part of ShellExecutorOptions that says it. */
export interface JobCommandOptions {
  /** The command template, with GNU parallel's replacement strings. */
  command: string;
  /** The command as showCommands shows it, when that is not `command` (what runs wraps it). */
  shownCommand?: string | undefined;
  /**
   * What every line of a job's output starts with, before a tab: a template as GNU
   * parallel's --tagstring (`{}` for --tag), its values unquoted.
   */
  tag: string | undefined;
  /** How the command's replacement strings read (--plus, -X, --header). */
  template?: TemplateOptions;
  /**
   * --pipe: each input names a file in this folder, which its job reads as its stdin and which
   * is removed once the job is over; the command and its tag see no input, as GNU parallel's.
   */
  stdinFrom?: string;
  /** --pipe --cat: `{}` is the file of the job's block, and its stdin is none, as GNU parallel's --cat. */
  blockAsFile?: boolean;
  /** The shell each job runs in (`SHELL -c -- COMMAND`): /bin/sh by default. */
  jobShell?: string;
}

/** A job's command made: the line that gives it to its lane, and what is said of it. */
export interface JobCommand {
  /** The lane's line (see job-line.ts). */
  line: string;
  /** The file the command was written to, when it was too long for the line. */
  script: string | undefined;
  /** The command as shown (-t, the joblog, --results). */
  shown: string;
  /** The job's --tagstring, rendered. */
  tag: string | undefined;
}

/** The commands of `prun exec`'s jobs: the template and the tag compiled once, rendered per job. */
export class JobCommands {
  private readonly template: CompiledTemplate;
  private readonly shown: CompiledTemplate;
  private readonly tag: CompiledTemplate | undefined;

  constructor(private readonly options: JobCommandOptions) {
    // the template in bytes too, so that it joins the arguments' bytes unchanged
    this.template = compileTemplate(toByteString(options.command), true, options.template);
    this.shown = options.shownCommand === undefined ? this.template : compileTemplate(toByteString(options.shownCommand), true, options.template);
    this.tag = options.tag === undefined ? undefined : compileTemplate(toByteString(options.tag), false, { ...options.template, where: '--tagstring' });
  }

  /** --pipe: the file of the block a job's input names. */
  blockOf(args: readonly string[]): string {
    return join(this.options.stdinFrom!, args[0]!);
  }

  /**
   * The command of the job of `args`, numbered `seq` in slot `slot`, its files named `stem` in
   * `dir`. Throws a PrunError for an input too long to make a command of, and the file
   * system's error when the command's file cannot be written (a full disk).
   */
  make(dir: string, stem: string, args: readonly string[], seq: number, slot: number): JobCommand {
    const blocks = this.options.stdinFrom;
    const asFile = blocks !== undefined && this.options.blockAsFile === true;
    const which = { args: blocks === undefined ? args : asFile ? [this.blockOf(args)] : [], seq, slot };
    const command = this.template.render(which);
    const shown = this.shown === this.template ? command : this.shown.render(which);
    const tag = this.tag?.render(which);
    const shell = this.options.jobShell ?? '/bin/sh';
    const run = blocks === undefined || asFile ? command : blockCommand(this.blockOf(args), command, shell);
    const { line, script } = jobLine(dir, stem, run, { seq, slot, shell });
    return { line, script, shown, tag };
  }
}
