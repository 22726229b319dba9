import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { PrunError } from '../errors.js';
import { NEWLINE, type Separator } from '../runtime/protocol.js';
import { concatSources, type InputSource } from './input-source.js';
import { itemSource } from './item-source.js';
import { fileLineSource, stdinLineSource } from './line-source.js';

/**
 * The inputs named on a command line: lines of each file in turn (`-` is stdin), then the
 * items given after `:::`; stdin when there is neither. Every file is checked before any
 * is read, so a typo in the last one fails at once rather than after hours of work.
 */
export async function openInputs(
  paths: readonly string[],
  items: readonly string[] | undefined,
  separator: Separator = NEWLINE,
): Promise<InputSource> {
  if (paths.length === 0 && items === undefined) return stdinLineSource(separator);
  await Promise.all(paths.map(checkReadable));
  const sources = paths.map((path) => (path === '-' ? stdinLineSource(separator) : fileLineSource(path, separator)));
  if (items !== undefined) sources.push(itemSource(items));
  return concatSources(sources);
}

async function checkReadable(path: string): Promise<void> {
  if (path === '-') return;
  let problem: string | undefined;
  try {
    const info = await stat(path);
    if (info.isDirectory()) problem = 'is a directory';
    else await access(path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problem = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
  }
  if (problem) throw new PrunError('ERR_INPUT', `cannot read INPUT ${path}: ${problem}`);
}
