import { PrunError } from '../errors.js';

/** What a file-system error code means to a user, in the words of `ls` and `cat`. */
const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  ELOOP: 'too many symbolic links',
};

/** A file of the script that cannot be read, named as the user named it, in one line. */
export function cannotRead(shownAs: string, error: unknown): PrunError {
  const code = (error as { code?: unknown } | null)?.code;
  const reason = (typeof code === 'string' && REASONS[code]) || (error as Error).message;
  return new PrunError('ERR_SCRIPT', `${shownAs}: cannot read: ${reason}`, { cause: error });
}

/** A Node file-system error (it has a code and a path), such as a read inside esbuild can throw. */
export function isFileError(error: unknown): error is NodeJS.ErrnoException & { path: string } {
  const candidate = error as { code?: unknown; path?: unknown } | null;
  return typeof candidate?.code === 'string' && typeof candidate.path === 'string';
}
