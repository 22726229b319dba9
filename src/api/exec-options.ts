import { usageError } from '../errors.js';
import { describe } from './arguments.js';
import type { ExecOptions } from './start-exec.js';
import { text, yesOrNo } from './option-values.js';

const FLAGS = ['tag', 'showCommands', 'blockAsFile'] as const;
const TEXTS = ['tagString', 'stdinFrom', 'jobShell', 'laneShell', 'workdir', 'tmpdir'] as const;

/**
 * exec()'s own options, checked at the call as normalizeOptions checks the shared ones: a bad
 * one is a PrunError naming it (was: `tagString: 5` threw a TypeError from inside the template).
 */
export function checkExecOptions(options: ExecOptions): void {
  for (const name of FLAGS) if (options[name] !== undefined) yesOrNo(name, options[name]);
  for (const name of TEXTS) if (options[name] !== undefined) text(name, options[name]);
  if (options.delayMs !== undefined) atLeast('delayMs', options.delayMs, 0);
  if (options.timeoutOfMedian !== undefined) atLeast('timeoutOfMedian', options.timeoutOfMedian, Number.MIN_VALUE);
  if (options.template !== undefined) checkTemplateOptions(options.template);
}

function checkTemplateOptions(template: unknown): void {
  if (typeof template !== 'object' || template === null) throw usageError(`template must be an object, got ${describe(template)}`);
  const { plus, total, contextReplace, names, fileNames, appendArgs, rpl } = template as NonNullable<ExecOptions['template']>;
  for (const [name, value] of [['template.plus', plus], ['template.contextReplace', contextReplace], ['template.appendArgs', appendArgs]] as const) {
    if (value !== undefined) yesOrNo(name, value);
  }
  if (total !== undefined) atLeast('template.total', total, 0);
  for (const [name, value] of [['template.names', names], ['template.fileNames', fileNames], ['template.rpl', rpl]] as const) {
    if (value !== undefined && !(Array.isArray(value) && value.every((each) => typeof each === 'string'))) {
      throw usageError(`${name} must be an array of strings, got ${describe(value)}`);
    }
  }
}

function atLeast(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw usageError(`${name} must be a number of ${min === Number.MIN_VALUE ? 'more than 0' : `${min} or more`}, got ${describe(value)}`);
  }
}
