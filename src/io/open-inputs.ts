import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { PrunError } from '../errors.js';
import { argumentPath, shownText, toByteString } from '../model/byte-string.js';
import { type InputNaming, NEWLINE, type Separator, splitPayload } from '../model/payload.js';
import { combinationCount, type ArgSource } from './arg-groups.js';
import { combinationSource } from './combination-source.js';
import { countLines } from './count-lines.js';
import { concatSources, type InputSource } from './input-source.js';
import { isRegularFile } from './is-regular-file.js';
import { itemSource } from './item-source.js';
import { openReadable } from './open-readable.js';
import { fileLineSource, stdinLineSource } from './line-source.js';

/**
 * The inputs named on a command line: the lines of each INPUT file in turn (`-` is stdin),
 * then those of the sources given after `:::` and `::::`; stdin when there is none of
 * them. One source is read as it comes. Several give every combination, the first varying
 * slowest as in GNU parallel, and are held in memory to be combined, as GNU parallel holds
 * them. Every file is checked before any is read, so a typo in the last one fails at once
 * rather than after hours of work. Lines are read as bytes either way; `naming` says what the
 * values of `:::` are, and the lines of sources read whole to be combined: text, or byte
 * strings (`prun exec`: see byte-string.ts).
 */
export async function openInputs(paths: readonly string[], sources: readonly ArgSource[], separator: Separator = NEWLINE, naming: InputNaming = 'text'): Promise<InputSource> {
  await checkInputsReadable(paths, sources);
  const inputs = linePathsOf(paths, sources).map((path) => linesOf(path, separator));
  if (sources.length === 1) {
    const source = sources[0]!;
    inputs.push('file' in source ? linesOf(source.file, separator) : itemSource(named(source.values, naming)));
  } else if (sources.length > 1) {
    inputs.push(combinationSource(await Promise.all(sources.map((source) => valuesOf(source, separator, naming)))));
  }
  return concatSources(inputs);
}

/**
 * Counts the inputs with a read of their own, so that a progress bar can show the total
 * long before they have all been read. Only regular files are counted: a pipe, a FIFO or
 * `<(...)` read twice would see its lines shared between the two readers, and one never
 * ending would never be counted; then the total is unknown (undefined) until the reader
 * sees the end. Stdin counts when it is a regular file. None when there is no file to count
 * (`:::` values know their number).
 */
export function inputCounter(paths: readonly string[], sources: readonly ArgSource[], separator: Separator): (() => Promise<number | undefined>) | undefined {
  const files = inputFilesOf(paths, sources);
  const read = linePathsOf(paths, sources);
  if (files.length === 0 || (files.includes('-') && !isRegularFile(0))) return undefined;
  // stdin that is a file (`< FILE`) is counted through a path of its own, from its start
  const path = (file: string): string => (file === '-' ? '/dev/stdin' : file);
  return async () => {
    const kinds = await Promise.all(files.map(async (file) => (await stat(path(file))).isFile()));
    if (kinds.includes(false)) return undefined;
    const sizes = await Promise.all(sources.map((source) => ('file' in source ? countLines([path(source.file)], separator) : source.values.length)));
    const fromSources = combinationCount(sizes);
    return (await countLines(read.map(path), separator)) + fromSources;
  };
}

/**
 * Every file a command line reads inputs from can be read: one line, `cannot read INPUT FILE:
 * no such file` (ERR_INPUT), before any is read, whoever reads them.
 */
export async function checkInputsReadable(paths: readonly string[], sources: readonly ArgSource[]): Promise<void> {
  await Promise.all(inputFilesOf(paths, sources).map(checkReadable));
}

/**
 * The files a command line reads inputs from: its INPUT paths, then the files of its `::::`
 * sources (`-` is stdin); stdin alone when it names no input at all.
 */
export function inputFilesOf(paths: readonly string[], sources: readonly ArgSource[]): string[] {
  return [...linePathsOf(paths, sources), ...sources.flatMap((source) => ('file' in source ? [source.file] : []))];
}

/** The INPUT files, read a line at a time before any `:::` source: stdin when nothing at all is named. */
function linePathsOf(paths: readonly string[], sources: readonly ArgSource[]): readonly string[] {
  return paths.length === 0 && sources.length === 0 ? ['-'] : paths;
}

function linesOf(path: string, separator: Separator): InputSource {
  return path === '-' ? stdinLineSource(separator) : fileLineSource(path, separator);
}

/**
 * The values of `:::`, given as text: as byte strings, they are their UTF-8 bytes; as text, a
 * byte that is not UTF-8 is U+FFFD, as Node reads a file's, never a lone surrogate (byte-string.ts).
 */
function named(values: readonly string[], naming: InputNaming): readonly string[] {
  return values.map(naming === 'bytes' ? toByteString : shownText);
}

/** A source's values, whole: a file's are read to the end. */
async function valuesOf(source: ArgSource, separator: Separator, naming: InputNaming): Promise<readonly string[]> {
  if (!('file' in source)) return named(source.values, naming);
  const stream: Readable = source.file === '-' ? process.stdin : await openReadable(source.file, 1 << 16);
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  const payload = Buffer.concat(chunks);
  // an empty file has no lines (splitting its nothing would give one empty line)
  return payload.byteLength === 0 ? [] : splitPayload(new Uint8Array(payload), separator, naming);
}

async function checkReadable(path: string): Promise<void> {
  if (path === '-') return;
  let problem: string | undefined;
  try {
    const info = await stat(argumentPath(path));
    if (info.isDirectory()) problem = 'is a directory';
    else await access(argumentPath(path), constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problem = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
  }
  if (problem) throw new PrunError('ERR_INPUT', `cannot read INPUT ${path}: ${problem}`);
}
