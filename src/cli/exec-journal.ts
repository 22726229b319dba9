import { basename } from 'node:path';
import { compileTemplate, type TemplateOptions } from '../commands/template.js';
import { ARG_SEPARATOR } from '../io/combination-source.js';
import type { JournalOptions } from './journal.js';

export interface ExecJournalParts {
  /** The command line, as the lanes get it. */
  command: string;
  template: TemplateOptions;
  /** --pipe: each input is a block of stdin, in a scratch file of its own. */
  pipe: boolean;
}

/**
 * How `prun exec` names its jobs in the joblog. prun's Command column holds
 * a job's input, and resuming matches it by that text. A joblog GNU parallel wrote holds the
 * command as it ran: a job whose input is not there is matched by its command as prun builds it
 * ({#} its place in this run), which is GNU parallel's where quoting agrees.
 */
export function execJournalOptions(parts: ExecJournalParts): JournalOptions {
  // a block's scratch path differs from run to run; its name, block-N, is its place in stdin
  if (parts.pipe) return { format: 'gnu', key: (text) => basename(text) };
  return { format: 'gnu', alias: commandOf(parts.command, parts.template) };
}

/** A job's command, from its input and index; none when it holds {%}, the lane that happens to run it. */
function commandOf(command: string, template: TemplateOptions): ((input: string, index: number) => string) | undefined {
  const compiled = compileTemplate(command, true, template);
  const probe = { args: ['x'], seq: 1 };
  if (compiled.render({ ...probe, slot: 1 }) !== compiled.render({ ...probe, slot: 2 })) return undefined;
  return (input, index) => compiled.render({ args: input.split(ARG_SEPARATOR), seq: index + 1, slot: 1 });
}
